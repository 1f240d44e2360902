// What a manager can do to a sending invitation (Slack buttons, API): pause, resume, remind now,
// retry failed. Each is one guarded write with its audit row, and tells the summaries.
import { activityStamp } from '../activity.js';
import { and, eq, isNotNull, isNull, sql } from 'drizzle-orm';
import { invitations, type Invitation } from '../../db/schema.js';
import { auditIfChanged } from '../audit.js';
import type { CoreDeps } from '../deps.js';
import { ConflictError } from '../errors.js';
import { getInvitation } from '../invitations/service.js';
import { queueReminderNow } from './reminders.js';

function requireOpen(inv: Invitation, what: string): void {
  if (inv.status !== 'open') throw new ConflictError(`invitation ${inv.id} is ${inv.status}: only an open invitation can be ${what}`, inv.version);
}

/** Pauses (paused = true) or resumes an open invitation: one guarded write with its audit row. */
async function setPaused(deps: CoreDeps, id: string, actor: string, paused: boolean): Promise<Invitation> {
  const inv = await getInvitation(deps.db, id);
  requireOpen(inv, paused ? 'paused' : 'resumed');
  const now = deps.clock.now();
  const { db } = deps;
  const [result] = await db.batch([
    db
      .update(invitations)
      .set({
        pausedAt: paused ? now : null,
        pausedBy: paused ? actor : null,
        pauseReason: paused ? 'manual' : null,
        activityAt: activityStamp(now),
        updatedAt: now,
        version: sql`${invitations.version} + 1`,
      })
      .where(and(eq(invitations.id, id), eq(invitations.status, 'open'), paused ? isNull(invitations.pausedAt) : isNotNull(invitations.pausedAt))),
    db.run(auditIfChanged({ entityType: 'invitation', entityId: id, action: paused ? 'paused' : 'resumed', actor, at: now, changes: paused ? { reason: 'manual' } : undefined })),
  ]);
  if (result.rowsAffected === 0) throw new ConflictError(`invitation ${id} is ${paused ? 'already paused' : 'not paused'}`, inv.version);
  return getInvitation(db, id);
}

export const pauseInvitation = (deps: CoreDeps, id: string, actor: string) => setPaused(deps, id, actor, true);
export const resumeInvitation = (deps: CoreDeps, id: string, actor: string) => setPaused(deps, id, actor, false);

/** Queues again the failed messages whose failure was transient; a bad address stays failed. */
export async function retryFailed(deps: CoreDeps, id: string, actor: string): Promise<{ invitation: Invitation; requeued: number }> {
  const inv = await getInvitation(deps.db, id);
  requireOpen(inv, 'retried');
  const now = deps.clock.now();
  const { db } = deps;
  const [result] = await db.batch([
    db.run(sql`UPDATE deliveries SET state = 'queued', due_at = ${now}, attempts = 0, final_at = NULL, updated_at = ${now}
      WHERE invitation_seq = ${inv.seq} AND state = 'failed' AND transient = 1`),
    db.run(sql`INSERT INTO audit_events (entity_type, entity_id, action, actor, at, changes)
      VALUES ('invitation', ${id}, 'retried', ${actor}, ${now}, json_object('requeued', changes()))`),
    db.run(sql`UPDATE participations SET failed_at = NULL, failure_code = NULL, failure_reason = NULL
      WHERE invitation_seq = ${inv.seq} AND failed_at IS NOT NULL
        AND member_id IN (SELECT member_id FROM deliveries WHERE invitation_seq = ${inv.seq} AND step = 0 AND state = 'queued')`),
  ]);
  return { invitation: await getInvitation(db, id), requeued: result.rowsAffected };
}

export async function remindNow(deps: CoreDeps, id: string, actor: string): Promise<{ invitation: Invitation; queued: number }> {
  const inv = await getInvitation(deps.db, id);
  requireOpen(inv, 'reminded');
  if (inv.pausedAt !== null) throw new ConflictError(`invitation ${id} is paused: resume it first`, inv.version);
  const queued = await queueReminderNow(deps, inv);
  const now = deps.clock.now();
  await deps.db.run(sql`INSERT INTO audit_events (entity_type, entity_id, action, actor, at, changes) VALUES ('invitation', ${id}, 'reminded', ${actor}, ${now}, ${JSON.stringify({ queued })})`);
  return { invitation: await getInvitation(deps.db, id), queued };
}
