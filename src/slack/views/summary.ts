// The status summary: one message per invitation in its status channel, updated in place.
import type { KnownBlock } from '@slack/types';
import type { InvitationCounts } from '../../core/invitations/service.js';
import type { Invitation } from '../../db/schema.js';
import { actorText, funnelText, invitationHeading, progressText, statusText } from './invitation-text.js';
import { plain } from './text.js';

export const summaryActions = {
  close: 'summary.close',
} as const;

export function summaryMessage(inv: Invitation, counts: InvitationCounts, chatName: string): { text: string; blocks: KnownBlock[] } {
  const blocks: KnownBlock[] = [
    ...invitationHeading(inv, chatName),
    { type: 'context', elements: [{ type: 'mrkdwn', text: funnelText(counts) }] },
    { type: 'section', text: { type: 'mrkdwn', text: progressText(inv, counts) } },
  ];
  if (inv.status !== 'closed') {
    blocks.push({
      type: 'actions',
      block_id: `summary.${inv.id}`,
      elements: [
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
