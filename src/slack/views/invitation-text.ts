// How an invitation reads in Slack: dates in each reader's own time zone, its target in words, its
// funnel and progress. Shared by the status summary, the list and the View modal.
import { isCleared } from '../../core/invitations/approval.js';
import type { InvitationCounts } from '../../core/invitations/service.js';
import type { Target } from '../../core/targeting/target.js';
import type { KnownBlock } from '@slack/types';
import type { Invitation } from '../../db/schema.js';
import { escapeMrkdwn, plain, truncate } from './text.js';

/** Slack renders `<!date^…>` in the reader's zone; the fallback is UTC. */
export function slackDate(epochMs: number): string {
  const seconds = Math.floor(epochMs / 1000);
  const fallback = new Date(epochMs).toISOString().slice(0, 16).replace('T', ' ');
  return `<!date^${seconds}^{date_short_pretty} {time}|${fallback} UTC>`;
}

export function windowText(inv: Invitation): string {
  if (inv.scheduleMode === 'member_local') return `${inv.opensLocal} → ${inv.closesLocal}, in each member's time zone`;
  return `${slackDate(inv.opensAt)} → ${slackDate(inv.closesAt)}`;
}

export function targetText(target: Target): string {
  switch (target.type) {
    case 'all':
      return 'All subscribed members';
    case 'filter':
      return `Filter: \`${escapeMrkdwn((target.expression ?? JSON.stringify(target.filter)).slice(0, 300))}\``;
    case 'members':
      return `${target.ids.length.toLocaleString('en-US')} specific member${target.ids.length === 1 ? '' : 's'}`;
    case 'sample': {
      const size = target.size !== undefined ? target.size.toLocaleString('en-US') : `${target.percent}%`;
      return `Random sample of ${size} from ${target.from.type === 'all' ? 'all subscribed members' : targetText(target.from).toLowerCase()} (seed ${target.seed})`;
    }
  }
}

/** Who did it: a Slack user as a mention, anyone else (the API, the runner) by name. */
export function actorText(actor: string): string {
  const slackUser = /^slack:([UW][A-Z0-9]+)$/.exec(actor);
  return slackUser ? `<@${slackUser[1]}>` : escapeMrkdwn(actor);
}

const statusLabel: Record<Invitation['status'], string> = { draft: 'Draft', scheduled: 'Scheduled', open: 'Open', closed: 'Closed' };

export function statusText(inv: Invitation): string {
  if (inv.status === 'scheduled' && !isCleared(inv)) return 'Scheduled, awaiting a second manager’s approval';
  if (inv.status === 'scheduled' && inv.approvedBy) return `Scheduled, approved by ${actorText(inv.approvedBy)}`;
  if (inv.status === 'open' && inv.pausedAt !== null) return inv.pauseReason === 'failure_rate' ? 'Open, paused automatically' : 'Open, paused';
  if (inv.status !== 'closed') return statusLabel[inv.status];
  const why = inv.closeReason === 'response_limit' ? 'response limit reached' : inv.closeReason === 'close_time' ? 'close time' : `closed by ${inv.closedBy ? actorText(inv.closedBy) : 'hand'}`;
  return `Closed (${why})`;
}

/** A bar of ten cells: ▓ done, ░ to go. */
export function progressBar(done: number, total: number): string {
  const ratio = total > 0 ? Math.min(1, done / total) : 0;
  const cells = Math.round(ratio * 10);
  return `${'▓'.repeat(cells)}${'░'.repeat(10 - cells)} ${Math.round(ratio * 100)}%`;
}

export function funnelText(counts: InvitationCounts): string {
  const n = (v: number) => v.toLocaleString('en-US');
  return [
    `Targeted *${n(counts.targeted)}*`,
    `sent *${n(counts.sent)}*`,
    `delivered *${n(counts.delivered)}* · failed *${n(counts.failed)}* · bounced *${n(counts.bounced)}* · cancelled *${n(counts.cancelled)}*`,
    `clicked *${n(counts.clicked)}*`,
    `completed *${n(counts.completed)}*`,
  ].join(' → ');
}

export function progressText(inv: Invitation, counts: InvitationCounts): string {
  // The limit counts the completions made while open (completedCount), not those after close.
  if (inv.responseLimit) return `${progressBar(inv.completedCount, inv.responseLimit)} of the response limit (${inv.completedCount}/${inv.responseLimit} completions)`;
  return `${progressBar(counts.completed, counts.targeted)} of the audience completed (${counts.completed}/${counts.targeted})`;
}

/** The header and the facts grid both the summary and the View modal open with. */
export function invitationHeading(inv: Invitation, chatName: string): KnownBlock[] {
  return [
    { type: 'header', text: plain(truncate(inv.name, 150)) },
    {
      type: 'section',
      fields: [
        { type: 'mrkdwn', text: `*Chat*\n${escapeMrkdwn(chatName)}` },
        { type: 'mrkdwn', text: `*Locale*\n${inv.locale}` },
        { type: 'mrkdwn', text: `*Status*\n${statusText(inv)}` },
        { type: 'mrkdwn', text: `*Window*\n${windowText(inv)}` },
        { type: 'mrkdwn', text: `*Target*\n${targetText(inv.target as Target)}${inv.sameLocaleOnly ? ` (only ${inv.locale} speakers)` : ''}` },
        { type: 'mrkdwn', text: `*Channel*\n${inv.channel === 'preference' ? "each member's preference" : inv.channel === 'sms' ? 'SMS' : 'email'}` },
      ],
    },
  ];
}

function changedValue(field: string, value: unknown): string {
  if (value === null || value === undefined) return '—';
  if (field.endsWith('At') && typeof value === 'number') return slackDate(value);
  const text = typeof value === 'string' ? value : JSON.stringify(value);
  return `“${escapeMrkdwn(truncate(text, 120))}”`;
}

/** An edit's changes, field by field, before → after (the audit trail's `changes`). */
export function changeLines(changes: Record<string, { from: unknown; to: unknown }>): string {
  return Object.entries(changes)
    .map(([field, { from, to }]) => `${field}: ${changedValue(field, from)} → ${changedValue(field, to)}`)
    .join('; ');
}
