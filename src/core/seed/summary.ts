// Counts that show what the demo community holds, for the seed's closing message and its test.
import { sql } from 'drizzle-orm';
import type { Db } from '../../db/client.js';
import { DAY } from './people.js';

export interface SeedSummary {
  chats: number;
  members: number;
  unsubscribed: number;
  frCA: number;
  noEmail: number;
  noPhone: number;
  emailOptOuts: number;
  emailSuppressed: number;
  smsOptOuts: number;
  responses: number;
  respondents: number;
  invitations: number;
  participations: number;
  sent: number;
  delivered: number;
  bouncedOrFailed: number;
  clicked: number;
  completed: number;
  completers: number;
  invitedLast7Days: number;
}

export async function seedSummary(db: Db, today: number): Promise<SeedSummary> {
  const weekAgo = today - 7 * DAY;
  const [row] = await db.all<SeedSummary>(sql`SELECT
    (SELECT count(*) FROM chats) AS chats,
    (SELECT count(*) FROM members) AS members,
    (SELECT count(*) FROM members WHERE subscribed = 0) AS unsubscribed,
    (SELECT count(*) FROM members WHERE preferred_locale = 'fr-CA') AS frCA,
    (SELECT count(*) FROM members WHERE email IS NULL) AS noEmail,
    (SELECT count(*) FROM members WHERE phone IS NULL) AS noPhone,
    (SELECT count(*) FROM members WHERE email_opt_out_at IS NOT NULL) AS emailOptOuts,
    (SELECT count(*) FROM members WHERE email_suppressed_at IS NOT NULL) AS emailSuppressed,
    (SELECT count(*) FROM members WHERE sms_opt_out_at IS NOT NULL) AS smsOptOuts,
    (SELECT count(*) FROM chat_responses) AS responses,
    (SELECT count(DISTINCT member_id) FROM chat_responses) AS respondents,
    (SELECT count(*) FROM invitations) AS invitations,
    (SELECT count(*) FROM participations) AS participations,
    (SELECT count(*) FROM participations WHERE sent_at IS NOT NULL) AS sent,
    (SELECT count(*) FROM participations WHERE delivered_at IS NOT NULL) AS delivered,
    (SELECT count(*) FROM participations WHERE bounced_at IS NOT NULL OR failed_at IS NOT NULL) AS bouncedOrFailed,
    (SELECT count(*) FROM participations WHERE clicked_at IS NOT NULL) AS clicked,
    (SELECT count(*) FROM participations WHERE completed_at IS NOT NULL) AS completed,
    (SELECT count(DISTINCT member_id) FROM participations WHERE completed_at IS NOT NULL) AS completers,
    (SELECT count(DISTINCT member_id) FROM participations WHERE targeted_at > ${weekAgo}) AS invitedLast7Days`);
  return row!;
}
