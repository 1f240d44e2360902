// The audience preview as the modal shows it: the count, then where it goes and who is left out,
// and for member-local times when each time zone receives it.
import { instantsByZone } from '../../core/delivery/zones.js';
import type { AudiencePreviewResult } from '../../core/invitations/preview.js';
import type { ExclusionReason } from '../../core/targeting/audience.js';
import { instantToZonedLocal } from '../../core/time.js';
import { escapeMrkdwn } from './text.js';

const reasonLabels: Record<ExclusionReason, string> = {
  unknown_id: 'unknown ID',
  unsubscribed: 'unsubscribed',
  suppressed: 'suppressed',
  unreachable: 'no address for the channel',
  locale_mismatch: 'other preferred locale',
  already_completed: 'already completed this chat',
  invite_in_progress: 'in an open invitation of this chat',
  already_invited: 'already invited to this chat',
  cooldown: 'invited in the cooldown period',
};

const n = (v: number) => v.toLocaleString('en-US');

export function audienceLines(preview: AudiencePreviewResult): string[] {
  const lines = [`*Audience: ${n(preview.audience)}* of ${n(preview.matched)} matched (${preview.liveAudience ? 'counted now; counted again when it opens' : 'frozen now'}).`];
  const locales = Object.entries(preview.byLocale).sort((a, b) => b[1] - a[1]);
  if (locales.length > 0) lines.push(`By locale: ${locales.map(([l, c]) => `${l} ${n(c)}`).join(', ')}. By channel: email ${n(preview.byChannel.email)}, SMS ${n(preview.byChannel.sms)}.`);
  const excluded = (Object.entries(preview.excluded) as [ExclusionReason, number][]).filter(([, c]) => c > 0);
  if (excluded.length > 0) lines.push(`Left out: ${excluded.map(([r, c]) => `${n(c)} ${reasonLabels[r]}`).join(', ')}.`);
  const unknown = preview.excludedIds?.unknown_id;
  if (unknown?.length) lines.push(`Unknown IDs: ${unknown.slice(0, 10).map((id) => `\`${escapeMrkdwn(id)}\``).join(', ')}${unknown.length > 10 ? '…' : ''}`);
  if (preview.sample) lines.push(`Sample of ${n(preview.sample.size)} from an eligible pool of ${n(preview.sample.poolSize)} (seed ${preview.sample.seed}).`);
  return lines;
}

/** A member-local schedule as the preview needs it. */
export interface MemberLocalOpening {
  /** The wall-clock time it opens at in every member's own zone (YYYY-MM-DDTHH:MM). */
  opensLocal: string;
  /** The Slack user's zone, to show each opening in it too ('UTC': the UTC time says it already). */
  viewerZone: string;
  now: number;
}

/** Zones listed one per line; the rest are summed up in one more. */
export const MAX_ZONE_LINES = 10;

const weekdays = ['Sun', 'Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat'];
const months = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];

/** "2026-12-02T09:00" → "Wed Dec 2, 09:00". */
function wallClock(local: string): string {
  const [date = '', time = ''] = local.split('T');
  const [y, m, d] = date.split('-').map(Number) as [number, number, number];
  return `${weekdays[new Date(Date.UTC(y, m - 1, d)).getUTCDay()]} ${months[m - 1]} ${d}, ${time}`;
}

/** `local` as a time alone when it falls on the same day as `reference`, else with its date. */
function relativeTo(local: string, reference: string): string {
  return local.slice(0, 10) === reference.slice(0, 10) ? local.slice(11) : wallClock(local);
}

/** The wall clock of `zone` at `instant`; undefined for a zone Intl does not know. */
function localIn(instant: number, zone: string): string | undefined {
  try {
    return instantToZonedLocal(instant, zone);
  } catch {
    return undefined;
  }
}

const members = (count: number) => `${n(count)} member${count === 1 ? '' : 's'}`;

/**
 * For a member-local schedule: when each time zone of the audience receives the invitation, the
 * earliest first, from the same per-zone instants the runner opens it by (instantsByZone).
 */
export function zoneScheduleLines(byTimeZone: Record<string, number>, opening: MemberLocalOpening): string[] {
  const at = instantsByZone(opening.opensLocal, Object.keys(byTimeZone));
  const groups = Object.entries(byTimeZone)
    .map(([zone, count]) => ({ zone, count, at: at[zone]! }))
    .sort((a, b) => a.at - b.at || b.count - a.count || (a.zone < b.zone ? -1 : a.zone > b.zone ? 1 : 0));
  if (groups.length === 0) return [];
  const viewer = opening.viewerZone !== 'UTC' && localIn(opening.now, opening.viewerZone) !== undefined ? opening.viewerZone : undefined;
  const lines = [`*When each time zone receives it* (${wallClock(opening.opensLocal)} in each member's own zone${viewer ? `; your time: ${escapeMrkdwn(viewer)}` : ''}):`];
  for (const { zone, count, at: instant } of groups.slice(0, MAX_ZONE_LINES)) {
    const utc = localIn(instant, 'UTC')!;
    const local = localIn(instant, zone);
    const when = local
      ? `${wallClock(local)} local (${[`${relativeTo(utc, local)} UTC`, ...(viewer ? [`${relativeTo(localIn(instant, viewer)!, local)} your time`] : [])].join(', ')})`
      : `${wallClock(utc)} UTC (a zone we do not know: opens as UTC${viewer ? `, ${relativeTo(localIn(instant, viewer)!, utc)} your time` : ''})`;
    lines.push(`• ${escapeMrkdwn(zone)} — ${members(count)} — ${when}${instant < opening.now ? ' — already past' : ''}`);
  }
  const rest = groups.slice(MAX_ZONE_LINES);
  if (rest.length > 0) lines.push(`…and ${n(rest.length)} more zone${rest.length === 1 ? '' : 's'} (${members(rest.reduce((sum, g) => sum + g.count, 0))}).`);
  return lines;
}
