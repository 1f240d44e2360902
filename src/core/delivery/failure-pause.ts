// The failure guard: when too many of an invitation's recent attempts failed (a bad list, a
// provider outage, a revoked token), sending pauses by itself and the status channel is told,
// instead of burning through the audience.
import { activityStamp } from '../activity.js';
import { and, eq, isNull, sql } from 'drizzle-orm';
import { invitations, type Invitation } from '../../db/schema.js';
import { auditIfChanged } from '../audit.js';
import { announce } from './announce.js';
import type { DeliveryDeps } from './deps.js';
import { RUNNER_ACTOR } from './open.js';

/** Attempts and failures over the most recent batches that hold `window` attempts. */
export async function recentFailures(deps: DeliveryDeps, invitationSeq: number, window: number): Promise<{ attempted: number; failed: number }> {
  const [row] = await deps.db.all<{ attempted: number | null; failed: number | null }>(sql`
    SELECT sum(attempted) AS attempted, sum(failed) AS failed FROM (
      SELECT attempted, failed, sum(attempted) OVER (ORDER BY claimed_at DESC, id ROWS UNBOUNDED PRECEDING) - attempted AS before
      FROM send_batches WHERE invitation_seq = ${invitationSeq} AND state = 'recorded'
      ORDER BY claimed_at DESC LIMIT 1000)
    WHERE before < ${window}`);
  return { attempted: row?.attempted ?? 0, failed: row?.failed ?? 0 };
}

export async function pauseIfFailing(deps: DeliveryDeps, inv: Invitation): Promise<boolean> {
  const { ratio, window, minAttempts } = deps.delivery.failurePause;
  const { attempted, failed } = await recentFailures(deps, inv.seq, window);
  if (attempted < minAttempts || failed / attempted < ratio) return false;
  const now = deps.clock.now();
  const { db } = deps;
  const [result] = await db.batch([
    db
      .update(invitations)
      .set({ pausedAt: now, pausedBy: RUNNER_ACTOR, pauseReason: 'failure_rate', activityAt: activityStamp(now), updatedAt: now, version: sql`${invitations.version} + 1` })
      .where(and(eq(invitations.seq, inv.seq), eq(invitations.status, 'open'), isNull(invitations.pausedAt))),
    db.run(auditIfChanged({ entityType: 'invitation', entityId: inv.id, action: 'paused', actor: RUNNER_ACTOR, at: now, changes: { reason: 'failure_rate', attempted, failed } })),
  ]);
  if (result.rowsAffected === 0) return true;
  deps.logger.log('warn', 'delivery.auto_paused', { invitation: inv.id, attempted, failed });
  announce(deps, { invitationId: inv.id, action: 'paused', actor: RUNNER_ACTOR, changes: { reason: { from: null, to: 'failure_rate' }, failed: { from: null, to: `${failed} of the last ${attempted} attempts` } } });
  return true;
}
