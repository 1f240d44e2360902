// What the summary, the list and the View modal show about sending, read in one place: each
// delivery step's figures and, for an invitation the failure guard paused, the figures that made it
// pause (kept in that pause's audit row, not on the invitation).
import { and, desc, eq } from 'drizzle-orm';
import { z } from 'zod';
import type { CoreDeps } from '../core/deps.js';
import { deliveryProgress, type StepProgress } from '../core/delivery/progress.js';
import { auditEvents, type Invitation } from '../db/schema.js';

export interface DeliveryFacts {
  steps: StepProgress[];
  autoPause?: { failed: number; attempted: number };
}

const autoPauseChanges = z.object({ failed: z.number(), attempted: z.number() });

async function autoPauseFigures(deps: CoreDeps, invitationId: string): Promise<DeliveryFacts['autoPause']> {
  const [row] = await deps.db
    .select({ changes: auditEvents.changes })
    .from(auditEvents)
    .where(and(eq(auditEvents.entityType, 'invitation'), eq(auditEvents.entityId, invitationId), eq(auditEvents.action, 'paused')))
    .orderBy(desc(auditEvents.at), desc(auditEvents.id))
    .limit(1);
  const parsed = autoPauseChanges.safeParse(row?.changes);
  return parsed.success ? parsed.data : undefined;
}

export async function deliveryFacts(deps: CoreDeps, inv: Invitation): Promise<DeliveryFacts> {
  const [steps, autoPause] = await Promise.all([
    deliveryProgress(deps.db, inv.id, deps.clock.now()),
    inv.pauseReason === 'failure_rate' && inv.pausedAt !== null ? autoPauseFigures(deps, inv.id) : undefined,
  ]);
  return autoPause ? { steps, autoPause } : { steps };
}
