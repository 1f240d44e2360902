// The status summary: one message per invitation in its status channel, updated in place.
import type { ActionsBlockElement, Button, KnownBlock } from '@slack/types';
import { isCleared } from '../../core/invitations/approval.js';
import type { InvitationCounts } from '../../core/invitations/service.js';
import type { Invitation } from '../../db/schema.js';
import type { DeliveryFacts } from '../delivery-facts.js';
import { deliveryBlocks, retryableCount } from './delivery-text.js';
import { actorText, funnelText, invitationHeading, progressText, statusText } from './invitation-text.js';
import { plain } from './text.js';

export const summaryActions = {
  close: 'summary.close',
  approve: 'summary.approve',
  extend: 'summary.extend',
  pause: 'summary.pause',
  resume: 'summary.resume',
  remind: 'summary.remind',
  retry: 'summary.retry',
} as const;

const button = (action: string, inv: Invitation, label: string, extra: Partial<Button> = {}): Button => ({ type: 'button', action_id: action, value: inv.id, text: plain(label), ...extra });

/** The summary's buttons; thread replies that ask for an action reuse them (same action ids, same listeners). */
export const summaryButtons = {
  approve: (inv: Invitation) => button(summaryActions.approve, inv, 'Approve', { style: 'primary' }),
  extend: (inv: Invitation) => button(summaryActions.extend, inv, 'Extend'),
  pause: (inv: Invitation) => button(summaryActions.pause, inv, 'Pause'),
  resume: (inv: Invitation) => button(summaryActions.resume, inv, 'Resume', { style: 'primary' }),
  retry: (inv: Invitation) => button(summaryActions.retry, inv, 'Retry failed'),
  remind: (inv: Invitation) =>
    button(summaryActions.remind, inv, 'Remind now', {
      confirm: {
        title: plain('Send a reminder now?'),
        text: plain('Members who have not completed get the first reminder now, except those who got a message within the last hour (or the step’s minimum gap).'),
        confirm: plain('Remind now'),
        deny: plain('Not now'),
      },
    }),
  close: (inv: Invitation) =>
    button(summaryActions.close, inv, 'Close now', {
      style: 'danger',
      confirm: {
        title: plain('Close this invitation?'),
        text: plain('No more messages are sent and new completions no longer count.'),
        confirm: plain('Close now'),
        deny: plain('Keep it'),
        style: 'danger',
      },
    }),
};

/** Approve, while a scheduled invitation waits for a second manager. */
export function approvalButtons(inv: Invitation): ActionsBlockElement[] {
  return inv.status === 'scheduled' && !isCleared(inv) ? [summaryButtons.approve(inv)] : [];
}

/** What can be done to sending now: pause or remind while it sends; resume or retry while paused. */
function sendingButtons(inv: Invitation, delivery: DeliveryFacts): ActionsBlockElement[] {
  if (inv.status !== 'open') return [];
  if (inv.pausedAt === null) return [summaryButtons.pause(inv), summaryButtons.remind(inv)];
  return [summaryButtons.resume(inv), ...(retryableCount(delivery) > 0 ? [summaryButtons.retry(inv)] : [])];
}

export function summaryMessage(inv: Invitation, counts: InvitationCounts, chatName: string, delivery: DeliveryFacts): { text: string; blocks: KnownBlock[] } {
  const blocks: KnownBlock[] = [
    ...invitationHeading(inv, chatName),
    { type: 'context', elements: [{ type: 'mrkdwn', text: funnelText(counts) }] },
    ...deliveryBlocks(inv, delivery),
    { type: 'section', text: { type: 'mrkdwn', text: progressText(inv, counts) } },
  ];
  if (inv.status !== 'closed') {
    blocks.push({
      type: 'actions',
      block_id: `summary.${inv.id}`,
      elements: [...approvalButtons(inv), ...sendingButtons(inv, delivery), summaryButtons.extend(inv), summaryButtons.close(inv)],
    });
  }
  blocks.push({ type: 'context', elements: [{ type: 'mrkdwn', text: `\`${inv.id}\` · created by ${actorText(inv.createdBy)}` }] });
  return { text: `${inv.name}: ${statusText(inv)}`, blocks };
}
