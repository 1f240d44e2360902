// The audience preview as the modal shows it: the count, then where it goes and who is left out.
import type { AudiencePreviewResult } from '../../core/invitations/preview.js';
import type { ExclusionReason } from '../../core/targeting/audience.js';
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
