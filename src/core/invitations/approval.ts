// The send guard: an invitation to more members than the workspace's large-audience threshold is
// created with approvalRequired and cannot open until a second manager, not its creator, approves.
import { and, eq, isNull, sql } from 'drizzle-orm';
import { invitations, type Invitation } from '../../db/schema.js';
import { auditIfChanged } from '../audit.js';
import type { CoreDeps } from '../deps.js';
import { ConflictError } from '../errors.js';
import { getInvitation } from './service.js';

export function needsApproval(audience: number, largeAudience: number): boolean {
  return audience > largeAudience;
}

/** Whether the runner may open it: no approval needed, or given. */
export function isCleared(inv: Pick<Invitation, 'approvalRequired' | 'approvedBy'>): boolean {
  return !inv.approvalRequired || inv.approvedBy !== null;
}

export async function approveInvitation(deps: CoreDeps, id: string, actor: string): Promise<Invitation> {
  const { db } = deps;
  const current = await getInvitation(db, id);
  if (!current.approvalRequired) throw new ConflictError(`invitation ${id} does not need an approval`, current.version);
  if (current.approvedBy) throw new ConflictError(`invitation ${id} was already approved`, current.version);
  if (current.createdBy === actor) throw new ConflictError('a second manager must approve: not the one who created it', current.version);
  if (current.status !== 'scheduled') throw new ConflictError(`invitation ${id} is ${current.status}: only a scheduled invitation can be approved`, current.version);
  const now = deps.clock.now();
  const [result] = await db.batch([
    db
      .update(invitations)
      .set({ approvedBy: actor, approvedAt: now, updatedAt: now, version: sql`${invitations.version} + 1` })
      .where(and(eq(invitations.id, id), eq(invitations.status, 'scheduled'), isNull(invitations.approvedBy))),
    db.run(auditIfChanged({ entityType: 'invitation', entityId: id, action: 'approved', actor, at: now })),
  ]);
  const invitation = await getInvitation(db, id);
  if (result.rowsAffected === 0) throw new ConflictError(`invitation ${id} was approved or changed meanwhile`, invitation.version);
  return invitation;
}
