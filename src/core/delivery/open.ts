// Step 1 of a tick: open scheduled invitations whose time has come. The opening runner holds a
// lease on the invitation (open_claim), stores the audience snapshot, and queues one delivery per
// member in the same atomic write that marks the invitation open: a runner that dies half-way
// leaves a scheduled invitation that the next one opens from scratch, never a half-open one.
import { activityStamp } from '../activity.js';
import { and, eq, isNull, lt, lte, gt, or, sql, type SQL } from 'drizzle-orm';
import { invitations, type Invitation } from '../../db/schema.js';
import { auditIfChanged } from '../audit.js';
import { isCleared, needsApproval } from '../invitations/approval.js';
import { audienceSpecOf } from '../invitations/service.js';
import { mintTokens, storeAudience } from '../targeting/audience.js';
import type { DeliveryDeps } from './deps.js';
import { announce } from './announce.js';
import { audienceZones, instantsByZone, zoneInstantsTable } from './zones.js';

export const RUNNER_ACTOR = 'runner';

export async function openDueInvitations(deps: DeliveryDeps): Promise<string[]> {
  const now = deps.clock.now();
  const due = await deps.db
    .select()
    .from(invitations)
    .where(
      and(
        eq(invitations.status, 'scheduled'),
        lte(invitations.opensAt, now),
        gt(invitations.closesAt, now),
        or(isNull(invitations.openClaimUntil), lt(invitations.openClaimUntil, now)),
      ),
    );
  const opened: string[] = [];
  for (const inv of due) {
    if (!isCleared(inv)) continue;
    if (await openInvitation(deps, inv, now)) opened.push(inv.id);
  }
  return opened;
}

/** When each member's first message may go: the open time, in their own zone for member-local schedules. */
async function firstDueAt(deps: DeliveryDeps, inv: Invitation, now: number): Promise<{ from: SQL; dueAt: SQL }> {
  if (inv.scheduleMode !== 'member_local' || !inv.opensLocal) {
    return { from: sql`participations p`, dueAt: sql`${Math.max(now, inv.opensAt)}` };
  }
  const zones = instantsByZone(inv.opensLocal, await audienceZones(deps.db, inv.seq));
  return {
    from: sql`participations p JOIN members m ON m.id = p.member_id LEFT JOIN ${zoneInstantsTable(zones)} z ON z.zone = m.time_zone`,
    dueAt: sql`coalesce(z.at, ${inv.opensAt})`,
  };
}

async function openInvitation(deps: DeliveryDeps, inv: Invitation, now: number): Promise<boolean> {
  const { db, runnerId } = deps;
  const claim = await db
    .update(invitations)
    .set({ openClaim: runnerId, openClaimUntil: now + deps.delivery.leaseMs })
    .where(and(eq(invitations.seq, inv.seq), eq(invitations.status, 'scheduled'), or(isNull(invitations.openClaimUntil), lt(invitations.openClaimUntil, now))));
  if (claim.rowsAffected === 0) return false; // another runner is opening it

  const stillMine = sql`EXISTS (SELECT 1 FROM invitations WHERE seq = ${inv.seq} AND open_claim = ${runnerId} AND status = 'scheduled')`;
  let audience: number;
  if (inv.liveAudience) {
    // Left by a runner that died while opening it, or a preview: the audience is decided now.
    await db.run(sql`DELETE FROM participations WHERE invitation_seq = ${inv.seq} AND ${stillMine}`);
    audience = await storeAudience(db, audienceSpecOf(inv, deps.settings.cooldownDays), now, stillMine);
  } else {
    const [row] = await db.all<{ n: number }>(sql`SELECT count(*) AS n FROM participations WHERE invitation_seq = ${inv.seq}`);
    audience = row?.n ?? 0;
  }

  if (await holdForApproval(deps, inv, audience, now)) return false;

  await mintTokens(db, inv.id, stillMine);

  const { from, dueAt } = await firstDueAt(deps, inv, now);
  const [, result] = await db.batch([
    db.run(sql`INSERT INTO deliveries (invitation_seq, member_id, step, round, channel, state, due_at, updated_at)
      SELECT p.invitation_seq, p.member_id, 0, 1, p.channel, 'queued', ${dueAt}, ${now}
      FROM ${from} WHERE p.invitation_seq = ${inv.seq} AND ${stillMine}
      ON CONFLICT DO NOTHING`),
    db
      .update(invitations)
      .set({ status: 'open', openedAt: now, openClaim: null, openClaimUntil: null, activityAt: activityStamp(now), updatedAt: now, version: sql`${invitations.version} + 1` })
      .where(and(eq(invitations.seq, inv.seq), eq(invitations.openClaim, runnerId), eq(invitations.status, 'scheduled'))),
    db.run(auditIfChanged({ entityType: 'invitation', entityId: inv.id, action: 'opened', actor: RUNNER_ACTOR, at: now, changes: { audience } })),
  ]);
  if (result.rowsAffected === 0) return false;
  deps.logger.log('info', 'invitation.opened', { invitation: inv.id, audience, runner: runnerId });
  announce(deps, { invitationId: inv.id, action: 'opened', actor: RUNNER_ACTOR, changes: { audience: { from: null, to: audience } } });
  return true;
}

/**
 * The send guard, again at open: a live audience created in Slack below the large-audience
 * threshold may have grown past it. It then waits for a second manager, like one that was large
 * from the start.
 */
async function holdForApproval(deps: DeliveryDeps, inv: Invitation, audience: number, now: number): Promise<boolean> {
  const limit = deps.delivery.largeAudience;
  if (limit === null || inv.approvalRequired || !inv.createdBy.startsWith('slack:') || !needsApproval(audience, limit)) return false;
  const { db } = deps;
  await db.batch([
    db.run(sql`DELETE FROM participations WHERE invitation_seq = ${inv.seq} AND ${inv.liveAudience ? sql`1` : sql`0`}`),
    db
      .update(invitations)
      .set({ approvalRequired: true, openClaim: null, openClaimUntil: null, updatedAt: now, version: sql`${invitations.version} + 1` })
      .where(and(eq(invitations.seq, inv.seq), eq(invitations.openClaim, deps.runnerId))),
    db.run(auditIfChanged({ entityType: 'invitation', entityId: inv.id, action: 'approval_required', actor: RUNNER_ACTOR, at: now, changes: { audience, largeAudience: limit } })),
  ]);
  deps.logger.log('warn', 'invitation.held_for_approval', { invitation: inv.id, audience, largeAudience: limit });
  announce(deps, { invitationId: inv.id, action: 'approval_required', actor: RUNNER_ACTOR, changes: { audience: { from: null, to: audience } } });
  return true;
}
