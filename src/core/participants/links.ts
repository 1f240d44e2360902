// A personal link names one member's participation in one invitation by a random token, never by
// the member. These are the reads and writes behind /i/TOKEN and /u/TOKEN.
import { activityStamp } from '../activity.js';
import { sql } from 'drizzle-orm';
import type { Db } from '../../db/client.js';
import { invitations, type Invitation } from '../../db/schema.js';
import { getChat, type ChatWithLocales } from '../chats/service.js';
import type { CoreDeps } from '../deps.js';
import { zonedLocalToInstant } from '../time.js';

export const TOKEN_PATTERN = /^[0-9a-f]{32}$/;

export interface PersonalLink {
  token: string;
  memberId: number;
  invitation: Invitation;
  chat: ChatWithLocales;
  memberTimeZone: string;
  clickedAt: number | null;
  completedAt: number | null;
}

/** The participation behind a token, or null (malformed, unknown: the caller cannot tell which). */
export async function findLink(db: Db, token: string): Promise<PersonalLink | null> {
  if (!TOKEN_PATTERN.test(token)) return null;
  const [row] = await db.all<{ invitation_seq: number; member_id: number; clicked_at: number | null; completed_at: number | null; time_zone: string }>(sql`
    SELECT p.invitation_seq, p.member_id, p.clicked_at, p.completed_at, m.time_zone
    FROM participations p JOIN members m ON m.id = p.member_id WHERE p.token = ${token}`);
  if (!row) return null;
  const [invitation] = await db.select().from(invitations).where(sql`seq = ${row.invitation_seq}`);
  if (!invitation) return null;
  return {
    token,
    memberId: row.member_id,
    invitation,
    chat: await getChat(db, invitation.chatId),
    memberTimeZone: row.time_zone,
    clickedAt: row.clicked_at,
    completedAt: row.completed_at,
  };
}

/** Whether this member may still take the chat: open, under the limit, before their own close time. */
export function isAccepting(link: PersonalLink, now: number): boolean {
  const inv = link.invitation;
  if (inv.status !== 'open') return false;
  if (inv.responseLimit !== null && inv.completedCount >= inv.responseLimit) return false;
  const closesAt = inv.scheduleMode === 'member_local' && inv.closesLocal ? zonedLocalToInstant(inv.closesLocal, link.memberTimeZone) : inv.closesAt;
  return now < closesAt;
}

/** The chat URL of the engagement locale with the participant identifier (`pid`, the token) and locale appended. */
export function chatUrl(link: PersonalLink): string {
  const locale = link.invitation.locale;
  const chatLocale = link.chat.locales.find((l) => l.locale === locale) ?? link.chat.locales.find((l) => l.locale === link.chat.defaultLocale)!;
  const url = new URL(chatLocale.url);
  url.searchParams.set('pid', link.token);
  url.searchParams.set('locale', locale);
  return url.toString();
}

export async function recordClick(deps: CoreDeps, link: PersonalLink): Promise<void> {
  const now = deps.clock.now();
  await deps.db.batch([
    deps.db.run(sql`UPDATE participations SET clicked_at = ${now} WHERE invitation_seq = ${link.invitation.seq} AND member_id = ${link.memberId} AND clicked_at IS NULL`),
    deps.db.run(sql`UPDATE invitations SET activity_at = ${activityStamp(now)} WHERE seq = ${link.invitation.seq} AND changes() = 1`),
  ]);
}

/** One-click unsubscribe (RFC 8058) and the confirmation page: no more invitations at all, at once. */
export async function unsubscribe(deps: CoreDeps, link: PersonalLink): Promise<void> {
  const now = deps.clock.now();
  await deps.db.run(sql`UPDATE members SET subscribed = 0, unsubscribed_at = ${now}, updated_at = ${now} WHERE id = ${link.memberId} AND subscribed = 1`);
}

/** The branding of the invitation's locale, for pages. */
export function brandingOf(link: PersonalLink) {
  const chatLocale = link.chat.locales.find((l) => l.locale === link.invitation.locale);
  return {
    locale: link.invitation.locale,
    chatName: link.chat.name,
    community: chatLocale?.displayName ?? link.chat.name,
    logoUrl: chatLocale?.logoUrl ?? null,
    accentColor: chatLocale?.accentColor ?? null,
  };
}
