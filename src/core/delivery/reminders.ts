// Reminder steps are deliveries too: when a step is due for a member (long enough after their first
// message, not completed, under the step's maximum, far enough from their last message, nothing
// else pending for them), a queued delivery is added for it; the dispatcher does the rest.
import { sql } from 'drizzle-orm';
import type { Invitation } from '../../db/schema.js';
import type { CoreDeps } from '../deps.js';

const HOUR = 3_600_000;

interface ReminderRule {
  step: number;
  afterMs: number;
  maxCount: number;
  minGapMs: number;
}

/** Queues one step's reminders; returns how many. */
async function queueStep(deps: CoreDeps, inv: Invitation, rule: ReminderRule, now: number): Promise<number> {
  const result = await deps.db.run(sql`INSERT INTO deliveries (invitation_seq, member_id, step, round, channel, state, due_at, updated_at)
    SELECT first.invitation_seq, first.member_id, ${rule.step}, coalesce(mine.rounds, 0) + 1, first.channel, 'queued', ${now}, ${now}
    FROM deliveries first
    JOIN participations p ON p.invitation_seq = first.invitation_seq AND p.member_id = first.member_id
    LEFT JOIN (SELECT member_id, count(*) AS rounds FROM deliveries WHERE invitation_seq = ${inv.seq} AND step = ${rule.step} GROUP BY member_id) mine
      ON mine.member_id = first.member_id
    WHERE first.invitation_seq = ${inv.seq} AND first.step = 0 AND first.state IN ('sent', 'delivered')
      AND first.sent_at <= ${now - rule.afterMs}
      AND p.completed_at IS NULL
      AND coalesce(mine.rounds, 0) < ${rule.maxCount}
      AND NOT EXISTS (SELECT 1 FROM deliveries last WHERE last.invitation_seq = first.invitation_seq AND last.member_id = first.member_id
        AND (last.state IN ('queued', 'sending', 'unknown') OR last.sent_at > ${now - rule.minGapMs}))
    ON CONFLICT DO NOTHING`);
  return result.rowsAffected;
}

export async function queueDueReminders(deps: CoreDeps, inv: Invitation): Promise<number> {
  const now = deps.clock.now();
  let queued = 0;
  for (const [index, step] of inv.reminders.entries()) {
    queued += await queueStep(deps, inv, { step: index + 1, afterMs: step.afterHours * HOUR, maxCount: step.maxCount, minGapMs: step.minGapHours * HOUR }, now);
  }
  return queued;
}

/** "Remind now": the first reminder step (or the invitation's message), at once, to everyone who has not completed. */
export async function queueReminderNow(deps: CoreDeps, inv: Invitation): Promise<number> {
  const first = inv.reminders[0];
  // A person asked: no waiting after the first message and no step maximum, but never two in an hour.
  return queueStep(deps, inv, { step: 1, afterMs: 0, maxCount: Number.MAX_SAFE_INTEGER, minGapMs: Math.max(HOUR, (first?.minGapHours ?? 0) * HOUR) }, deps.clock.now());
}
