// Where each delivery step of an invitation stands: the figures the list, the View modal, the
// summary and the API show (step 0 is the invitation itself, step k its k-th reminder step).
import { sql } from 'drizzle-orm';
import type { Db } from '../../db/client.js';
import { invitationSeq } from '../../db/invitation-seq.js';

export const UNCONFIRMED_AFTER_MS = 72 * 3_600_000;

export const shownDeliveryStates = ['queued', 'sending', 'sent', 'delivered', 'failed', 'bounced', 'unconfirmed', 'unknown', 'cancelled'] as const;
export type ShownDeliveryState = (typeof shownDeliveryStates)[number];

export interface StepProgress {
  step: number;
  total: number;
  states: Record<ShownDeliveryState, number>;
  /** Failed for a passing reason: what "Retry failed" would queue again. */
  retryable: number;
}

/** The state a delivery is reported in: 'sent' with no final word from the provider after 72 hours is 'unconfirmed'. */
export function deliveryStateShown(state: string, sentAt: number | null, now: number): ShownDeliveryState {
  if (state === 'sent' && sentAt !== null && sentAt <= now - UNCONFIRMED_AFTER_MS) return 'unconfirmed';
  return state as ShownDeliveryState;
}

function emptyStates(): Record<ShownDeliveryState, number> {
  return Object.fromEntries(shownDeliveryStates.map((s) => [s, 0])) as Record<ShownDeliveryState, number>;
}

export async function deliveryProgress(db: Db, invitationId: string, now: number): Promise<StepProgress[]> {
  const rows = await db.all<{ step: number; state: string; unconfirmed: number; retryable: number; n: number }>(sql`
    SELECT step, state, sum(state = 'sent' AND sent_at <= ${now - UNCONFIRMED_AFTER_MS}) AS unconfirmed,
      sum(state = 'failed' AND transient = 1) AS retryable, count(*) AS n
    FROM deliveries WHERE invitation_seq = ${invitationSeq(invitationId)} GROUP BY step, state ORDER BY step`);
  const steps = new Map<number, StepProgress>();
  for (const row of rows) {
    const step = steps.get(row.step) ?? { step: row.step, total: 0, states: emptyStates(), retryable: 0 };
    steps.set(row.step, step);
    step.total += row.n;
    step.retryable += row.retryable;
    step.states[row.state as ShownDeliveryState] += row.n - row.unconfirmed;
    step.states.unconfirmed += row.unconfirmed;
  }
  return [...steps.values()];
}
