// The View modal: an invitation's status, its steps with their times, and its figures.
import type { KnownBlock, View } from '@slack/types';
import type { InvitationCounts } from '../../core/invitations/service.js';
import type { Invitation } from '../../db/schema.js';
import type { DeliveryFacts } from '../delivery-facts.js';
import { deliveryBlocks } from './delivery-text.js';
import { funnelText, invitationHeading, progressText, slackDate } from './invitation-text.js';
import { escapedWithin, plain } from './text.js';

function steps(inv: Invitation, counts: InvitationCounts): string {
  const at = (t: number | null) => (t ? slackDate(t) : '—');
  const lines = [`• Scheduled: ${at(inv.scheduledAt)}`, `• Opened: ${at(inv.openedAt)}`];
  if (inv.openedAt) lines.push(`• Sending: ${counts.sent.toLocaleString('en-US')} of ${counts.targeted.toLocaleString('en-US')}`);
  lines.push(`• Closed: ${at(inv.closedAt)}`);
  return lines.join('\n');
}

export function invitationDetail(inv: Invitation, counts: InvitationCounts, chatName: string, delivery: DeliveryFacts): View {
  const rate = counts.targeted > 0 ? `${((counts.completed / counts.targeted) * 100).toFixed(1)}%` : '—';
  const blocks: KnownBlock[] = [
    ...invitationHeading(inv, chatName),
    { type: 'section', text: { type: 'mrkdwn', text: `*Steps*\n${steps(inv, counts)}` } },
    { type: 'section', text: { type: 'mrkdwn', text: `*Delivery*\n${funnelText(counts)}\nCompletion rate: *${rate}*` } },
    ...deliveryBlocks(inv, delivery),
    { type: 'section', text: { type: 'mrkdwn', text: progressText(inv, counts) } },
    { type: 'context', elements: [{ type: 'mrkdwn', text: `\`${inv.id}\` · version ${inv.version}` }] },
  ];
  if (inv.description) blocks.splice(2, 0, { type: 'section', text: { type: 'mrkdwn', text: escapedWithin(inv.description, 3000) } });
  return { type: 'modal', title: plain('Invitation'), close: plain('Close'), blocks };
}
