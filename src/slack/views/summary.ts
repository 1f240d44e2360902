// The status summary: one message per invitation in its status channel, updated in place.
import type { ActionsBlockElement, KnownBlock } from '@slack/types';
import { isCleared } from '../../core/invitations/approval.js';
import type { InvitationCounts } from '../../core/invitations/service.js';
import type { Invitation } from '../../db/schema.js';
import { actorText, funnelText, invitationHeading, progressText, statusText } from './invitation-text.js';
import { plain } from './text.js';

export const summaryActions = {
  close: 'summary.close',
  approve: 'summary.approve',
  extend: 'summary.extend',
} as const;

export function summaryMessage(inv: Invitation, counts: InvitationCounts, chatName: string): { text: string; blocks: KnownBlock[] } {
  const blocks: KnownBlock[] = [
    ...invitationHeading(inv, chatName),
    { type: 'context', elements: [{ type: 'mrkdwn', text: funnelText(counts) }] },
    { type: 'section', text: { type: 'mrkdwn', text: progressText(inv, counts) } },
  ];
  if (inv.status !== 'closed') {
    const approve: ActionsBlockElement[] =
      inv.status === 'scheduled' && !isCleared(inv)
        ? [{ type: 'button', action_id: summaryActions.approve, value: inv.id, style: 'primary', text: plain('Approve') }]
        : [];
    blocks.push({
      type: 'actions',
      block_id: `summary.${inv.id}`,
      elements: [
        ...approve,
        { type: 'button', action_id: summaryActions.extend, value: inv.id, text: plain('Extend') },
        {
          type: 'button',
          action_id: summaryActions.close,
          value: inv.id,
          style: 'danger',
          text: plain('Close now'),
          confirm: {
            title: plain('Close this invitation?'),
            text: plain('No more messages are sent and new completions no longer count.'),
            confirm: plain('Close now'),
            deny: plain('Keep it'),
            style: 'danger',
          },
        },
      ],
    });
  }
  blocks.push({ type: 'context', elements: [{ type: 'mrkdwn', text: `\`${inv.id}\` · created by ${actorText(inv.createdBy)}` }] });
  return { text: `${inv.name}: ${statusText(inv)}`, blocks };
}
