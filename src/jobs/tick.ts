// One tick of the runner, the same on Node (croner, `npm run tick`) and on Workers (Cron Triggers).
// Every step is safe to run in two runners at once: what one runner works on it has claimed in the
// database first.
import { sql } from 'drizzle-orm';
import { closeDueInvitations } from '../core/delivery/close.js';
import type { DeliveryDeps } from '../core/delivery/deps.js';
import { sendDue, type DispatchOptions, type DispatchReport } from '../core/delivery/dispatch.js';
import { openDueInvitations } from '../core/delivery/open.js';
import { reconcile, type ReconcileReport } from '../core/delivery/reconcile.js';
import { queueDueReminders } from '../core/delivery/reminders.js';
import { refreshChangedSummaries } from '../core/delivery/summaries.js';
import { invitations, type Invitation } from '../db/schema.js';

export interface TickReport {
  closed: string[];
  opened: string[];
  reconciled: ReconcileReport;
  remindersQueued: number;
  dispatch: DispatchReport;
  summaries: number;
  ms: number;
}

async function queueReminders(deps: DeliveryDeps): Promise<number> {
  const withReminders = await deps.db.all<Pick<Invitation, 'seq'>>(sql`SELECT seq FROM invitations
    WHERE status = 'open' AND paused_at IS NULL AND reminders <> '[]'`);
  let queued = 0;
  for (const { seq } of withReminders) {
    const [inv] = await deps.db.select().from(invitations).where(sql`seq = ${seq}`);
    if (inv) queued += await queueDueReminders(deps, inv);
  }
  return queued;
}

export async function runTick(deps: DeliveryDeps, options: DispatchOptions = {}): Promise<TickReport> {
  const started = Date.now();
  // Closing first: an invitation past its close time must not send another message.
  const closed = await closeDueInvitations(deps);
  const opened = await openDueInvitations(deps);
  const reconciled = await reconcile(deps);
  const remindersQueued = await queueReminders(deps);
  const dispatch = await sendDue(deps, options);
  closed.push(...(await closeDueInvitations(deps)));
  const summaries = await refreshChangedSummaries(deps);
  const report = { closed, opened, reconciled, remindersQueued, dispatch, summaries, ms: Date.now() - started };
  deps.logger.log('info', 'tick.done', {
    runner: deps.runnerId,
    ms: report.ms,
    opened: opened.length,
    closed: closed.length,
    sent: dispatch.sent,
    failed: dispatch.failed,
    retrying: dispatch.retrying,
    unknown: dispatch.unknown,
    reconciled: reconciled.found + reconciled.requeued,
    reminders: remindersQueued,
  });
  return report;
}
