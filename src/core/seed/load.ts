// Writes the demo community with upserts only, so running the seed again changes nothing.
import { getTableColumns, sql, type SQL } from 'drizzle-orm';
import type { Db } from '../../db/client.js';
import { invitations } from '../../db/schema.js';
import { saveChat } from '../chats/service.js';
import { mergeMembers } from '../members/upsert.js';
import { mergeResponsesStatement, responseRowJson } from '../responses/upsert.js';
import { jsonRowsSource } from '../row-source.js';
import type { SeedCommunity } from './community.js';
import type { SeedParticipation } from './funnel.js';
import type { SeedMember } from './people.js';

/** What members and the providers set on their own (opt-outs, bounces), which member upserts never touch. */
function memberHistoryStatement(members: SeedMember[]): SQL {
  const rows = members.map((m) => ({
    id: m.input.id,
    created_at: m.createdAt,
    unsubscribed_at: m.unsubscribedAt,
    email_opt_out_at: m.emailOptOutAt,
    email_suppressed_at: m.emailSuppressedAt,
    email_suppression_reason: m.emailSuppressionReason,
    sms_opt_out_at: m.smsOptOutAt,
    sms_suppressed_at: m.smsSuppressedAt,
    sms_suppression_reason: m.smsSuppressionReason,
  }));
  return sql`
    UPDATE members SET
      created_at = j.value ->> '$.created_at', unsubscribed_at = j.value ->> '$.unsubscribed_at',
      email_opt_out_at = j.value ->> '$.email_opt_out_at', email_suppressed_at = j.value ->> '$.email_suppressed_at',
      email_suppression_reason = j.value ->> '$.email_suppression_reason', sms_opt_out_at = j.value ->> '$.sms_opt_out_at',
      sms_suppressed_at = j.value ->> '$.sms_suppressed_at', sms_suppression_reason = j.value ->> '$.sms_suppression_reason'
    FROM json_each(${JSON.stringify(rows)}) AS j
    WHERE members.external_id = j.value ->> '$.id'`;
}

/** Participations keyed by invitation × member; an existing row keeps its token (links already sent stay valid). */
function participationsStatement(participations: SeedParticipation[]): SQL {
  const rows = participations.map((p) => ({ ...p, completedAfterClose: p.completedAfterClose === null ? null : Number(p.completedAfterClose) }));
  const col = (name: keyof SeedParticipation) => sql.raw(`j.value ->> '$.${name}'`);
  return sql`
    INSERT INTO participations (invitation_seq, member_id, token, channel, targeted_at, sent_at, delivered_at, failed_at,
      bounced_at, failure_code, failure_reason, clicked_at, completed_at, completed_after_close, cancelled_at, cancel_reason)
    SELECT i.seq, m.id, ${col('token')}, ${col('channel')}, ${col('targetedAt')}, ${col('sentAt')},
      ${col('deliveredAt')}, ${col('failedAt')}, ${col('bouncedAt')}, ${col('failureCode')}, ${col('failureReason')}, ${col('clickedAt')},
      ${col('completedAt')}, ${col('completedAfterClose')}, ${col('cancelledAt')}, ${col('cancelReason')}
    FROM json_each(${JSON.stringify(rows)}) AS j JOIN members m ON m.external_id = ${col('memberId')}
      JOIN invitations i ON i.id = ${col('invitationId')}
    WHERE true
    ON CONFLICT (invitation_seq, member_id) DO UPDATE SET
      channel = excluded.channel, targeted_at = excluded.targeted_at, sent_at = excluded.sent_at,
      delivered_at = excluded.delivered_at, failed_at = excluded.failed_at, bounced_at = excluded.bounced_at,
      failure_code = excluded.failure_code, failure_reason = excluded.failure_reason, clicked_at = excluded.clicked_at,
      completed_at = excluded.completed_at, completed_after_close = excluded.completed_after_close,
      cancelled_at = excluded.cancelled_at, cancel_reason = excluded.cancel_reason`;
}

function upsertInvitations(db: Db, community: SeedCommunity) {
  // The key stays: participations refer to it.
  const { id: _id, seq: _seq, ...columns } = getTableColumns(invitations);
  const set = Object.fromEntries(Object.entries(columns).map(([key, column]) => [key, sql.raw(`excluded.${column.name}`)]));
  return db.insert(invitations).values(community.history.invitations).onConflictDoUpdate({ target: invitations.id, set });
}

export async function loadCommunity(db: Db, community: SeedCommunity): Promise<void> {
  const { today, members, history } = community;
  for (const chat of community.chats) await saveChat(db, chat, today, { upsert: true });
  const memberMerge = await mergeMembers(db, members.map((m) => m.input), today);
  // One batch: a seed that fails halfway leaves no half community behind.
  await db.batch([
    db.run(memberMerge),
    db.run(memberHistoryStatement(members)),
    db.run(mergeResponsesStatement(jsonRowsSource(history.responses.map(responseRowJson)))),
    upsertInvitations(db, community),
    db.run(participationsStatement(history.participations)),
    // What the runner keeps for the response limit: completions counted before close.
    db.run(sql`UPDATE invitations SET completed_count = (SELECT count(*) FROM participations p
        WHERE p.invitation_seq = invitations.seq AND p.completed_at IS NOT NULL AND coalesce(p.completed_after_close, 0) = 0)
      WHERE id IN (SELECT value FROM json_each(${JSON.stringify(history.invitations.map((i) => i.id))}))`),
  ]);
}
