// Messages whose fate we do not know — a runner died holding them (its lease ran out), or a provider
// call timed out — are looked up at the provider before anything else happens to them: found means
// sent (never resent), not found means queued again. A provider that cannot answer now is asked
// again next tick.
import { sql } from 'drizzle-orm';
import { personalLink } from './compose.js';
import type { DeliveryDeps } from './deps.js';
import { recordBatch, type RecordedRow } from './record.js';

export interface ReconcileReport {
  abandoned: number;
  found: number;
  requeued: number;
  stillUnknown: number;
}

interface UnknownRow {
  id: number;
  member_id: number;
  step: number;
  channel: 'email' | 'sms';
  phone: string | null;
  token: string | null;
  invitation_seq: number;
  claimed_at: number;
}

/** Batches whose runner's lease ran out: what they were sending becomes 'unknown'. */
async function releaseAbandoned(deps: DeliveryDeps, now: number): Promise<number> {
  const expired = await deps.db.all<{ id: string }>(sql`SELECT id FROM send_batches WHERE state = 'claimed' AND lease_until < ${now}`);
  let rows = 0;
  for (const { id } of expired) {
    const [result] = await deps.db.batch([
      deps.db.run(sql`UPDATE deliveries SET state = 'unknown', error_code = 'no_answer', error_reason = 'the runner sending it stopped', updated_at = ${now - deps.delivery.reconcileAfterMs}
        WHERE batch_id = ${id} AND state IN ('sending', 'unknown') AND state = 'sending' AND (SELECT state FROM send_batches WHERE id = ${id}) = 'claimed'`),
      deps.db.run(sql`UPDATE send_batches SET state = 'reconciled' WHERE id = ${id} AND state = 'claimed'`),
    ]);
    rows += result.rowsAffected;
    deps.logger.log('warn', 'delivery.batch_abandoned', { batch: id, deliveries: result.rowsAffected });
  }
  return rows;
}

export async function reconcile(deps: DeliveryDeps): Promise<ReconcileReport> {
  const now = deps.clock.now();
  const report: ReconcileReport = { abandoned: await releaseAbandoned(deps, now), found: 0, requeued: 0, stillUnknown: 0 };
  // The state IN (…) term repeats deliveries_batch_idx's WHERE, so SQLite may use that small index.
  const batches = await deps.db.all<{ batch_id: string }>(sql`SELECT DISTINCT batch_id FROM deliveries
    WHERE state IN ('sending', 'unknown') AND state = 'unknown' AND updated_at <= ${now - deps.delivery.reconcileAfterMs}`);
  for (const { batch_id: batchId } of batches) {
    const rows = await deps.db.all<UnknownRow>(sql`SELECT d.id, d.member_id, d.step, d.channel, m.phone, p.token, d.invitation_seq, b.claimed_at
      FROM deliveries d JOIN members m ON m.id = d.member_id
      JOIN participations p ON p.invitation_seq = d.invitation_seq AND p.member_id = d.member_id
      JOIN send_batches b ON b.id = d.batch_id
      WHERE d.batch_id = ${batchId} AND d.state IN ('sending', 'unknown') AND d.state = 'unknown'`);
    if (rows.length === 0) continue;
    let found: Map<number, string>;
    try {
      found = await lookUp(deps, batchId, rows);
    } catch (error) {
      report.stillUnknown += rows.length;
      deps.logger.log('warn', 'delivery.reconcile_failed', { batch: batchId, message: error instanceof Error ? error.message.slice(0, 200) : String(error) });
      continue;
    }
    const recorded: RecordedRow[] = rows.map((r) => {
      const providerMessageId = found.get(r.id);
      return { id: r.id, memberId: r.member_id, step: r.step, outcome: providerMessageId ? { kind: 'sent', providerMessageId } : { kind: 'requeued', at: now } };
    });
    await recordBatch(deps.db, { batchId, invitationSeq: rows[0]!.invitation_seq, now, rows: recorded, from: 'unknown' });
    const hits = recorded.filter((r) => r.outcome.kind === 'sent').length;
    report.found += hits;
    report.requeued += recorded.length - hits;
    deps.logger.log('info', 'delivery.reconciled', { batch: batchId, found: hits, requeued: recorded.length - hits });
  }
  return report;
}

async function lookUp(deps: DeliveryDeps, batchId: string, rows: UnknownRow[]): Promise<Map<number, string>> {
  const found = new Map<number, string>();
  const emails = rows.filter((r) => r.channel === 'email').map((r) => r.id);
  if (emails.length > 0) for (const [id, pid] of await deps.providers.email.findSent(batchId, emails)) found.set(id, pid);
  const texts = rows.filter((r) => r.channel === 'sms' && r.phone && r.token);
  if (texts.length > 0) {
    const lookups = texts.map((r) => ({ deliveryId: r.id, to: r.phone!, marker: personalLink(deps.settings.publicBaseUrl, r.token!), sentAfter: r.claimed_at }));
    for (const [id, pid] of await deps.providers.sms.findSent(lookups)) found.set(id, pid);
  }
  return found;
}
