// Recording what happened to a claimed batch, in one atomic write: each delivery's new state, the
// first message's funnel on the participation, the batch's tally, and the invitation's activity.
// Guarded by batch and state, so a runner whose lease was taken over changes nothing.
import { sql } from 'drizzle-orm';
import type { Db } from '../../db/client.js';

export type RowOutcome =
  | { kind: 'sent'; providerMessageId: string }
  /** `retryAt`: queued again then; absent: final. */
  | { kind: 'failed'; code: string; reason: string; transient: boolean; retryAt?: number }
  | { kind: 'unknown'; reason: string }
  | { kind: 'cancelled'; reason: string }
  /** Not attempted (quiet hours): back in the queue, the attempt not counted. */
  | { kind: 'deferred'; until: number }
  /** The provider never got it (reconciliation found nothing): queued again, due now. */
  | { kind: 'requeued'; at: number };

export interface RecordedRow {
  id: number;
  memberId: number;
  step: number;
  outcome: RowOutcome;
}

type Encoded = [id: number, member: number, step: number, state: string, pid: string | null, code: string | null, reason: string | null, transient: number | null, due: number | null, undo: number, final: number];

function encode({ id, memberId, step, outcome: o }: RecordedRow): Encoded {
  switch (o.kind) {
    case 'sent':
      return [id, memberId, step, 'sent', o.providerMessageId, null, null, null, null, 0, 0];
    case 'failed':
      return o.retryAt === undefined
        ? [id, memberId, step, 'failed', null, o.code, o.reason, o.transient ? 1 : 0, null, 0, 1]
        : [id, memberId, step, 'queued', null, o.code, o.reason, 1, o.retryAt, 0, 0];
    case 'unknown':
      return [id, memberId, step, 'unknown', null, 'no_answer', o.reason, null, null, 0, 0];
    case 'cancelled':
      return [id, memberId, step, 'cancelled', null, null, o.reason, null, null, 0, 1];
    case 'deferred':
      return [id, memberId, step, 'queued', null, null, null, null, o.until, 1, 0];
    case 'requeued':
      return [id, memberId, step, 'queued', null, 'no_answer', 'not found at the provider', 1, o.at, 0, 0];
  }
}

const columns = sql`SELECT value->>0 AS id, value->>1 AS member_id, value->>2 AS step, value->>3 AS state, value->>4 AS pid,
  value->>5 AS code, value->>6 AS reason, value->>7 AS transient, value->>8 AS due, value->>9 AS undo, value->>10 AS final`;

/** `from`: the state the rows are in ('sending' after a send, 'unknown' after reconciliation). */
export async function recordBatch(db: Db, opts: { batchId: string; invitationSeq: number; now: number; rows: RecordedRow[]; from?: 'sending' | 'unknown' }): Promise<void> {
  const { batchId, invitationSeq: seq, now, rows } = opts;
  const from = opts.from ?? 'sending';
  const outcomes = sql`(${columns} FROM json_each(${JSON.stringify(rows.map(encode))}))`;
  const attempted = rows.filter((r) => r.outcome.kind !== 'deferred' && r.outcome.kind !== 'cancelled').length;
  // Final failures only: a message queued again after a 5xx is not a failure yet (storms are ridden out).
  const failed = rows.filter((r) => r.outcome.kind === 'failed' && r.outcome.retryAt === undefined).length;
  await db.batch([
    db.run(sql`UPDATE deliveries SET state = o.state,
        provider_message_id = coalesce(o.pid, deliveries.provider_message_id),
        error_code = CASE WHEN o.state IN ('failed', 'queued', 'unknown') THEN o.code ELSE deliveries.error_code END,
        error_reason = CASE WHEN o.state IN ('failed', 'queued', 'unknown') THEN o.reason ELSE deliveries.error_reason END,
        transient = o.transient,
        due_at = coalesce(o.due, deliveries.due_at),
        attempts = deliveries.attempts - o.undo,
        sent_at = CASE WHEN o.state = 'sent' THEN ${now} ELSE deliveries.sent_at END,
        final_at = CASE WHEN o.final = 1 THEN ${now} ELSE deliveries.final_at END,
        cancel_reason = CASE WHEN o.state = 'cancelled' THEN o.reason ELSE deliveries.cancel_reason END,
        updated_at = ${now}
      FROM ${outcomes} AS o
      WHERE deliveries.id = o.id AND deliveries.batch_id = ${batchId} AND deliveries.state = ${from}`),
    // The participation carries the funnel of the first message (what targeting filters read).
    db.run(sql`UPDATE participations SET
        sent_at = CASE WHEN o.state = 'sent' THEN coalesce(participations.sent_at, ${now}) ELSE participations.sent_at END,
        failed_at = CASE WHEN o.state = 'failed' THEN ${now} ELSE participations.failed_at END,
        failure_code = CASE WHEN o.state = 'failed' THEN o.code ELSE participations.failure_code END,
        failure_reason = CASE WHEN o.state = 'failed' THEN o.reason ELSE participations.failure_reason END,
        cancelled_at = CASE WHEN o.state = 'cancelled' THEN ${now} ELSE participations.cancelled_at END,
        cancel_reason = CASE WHEN o.state = 'cancelled' THEN o.reason ELSE participations.cancel_reason END
      FROM ${outcomes} AS o
      WHERE participations.invitation_seq = ${seq} AND participations.member_id = o.member_id AND o.step = 0 AND o.state IN ('sent', 'failed', 'cancelled')`),
    db.run(sql`UPDATE send_batches SET state = 'recorded', attempted = ${attempted}, failed = ${failed} WHERE id = ${batchId} AND state = 'claimed'`),
    db.run(sql`UPDATE invitations SET activity_at = ${now} WHERE seq = ${seq}`),
  ]);
}
