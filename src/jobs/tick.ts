// One tick of the runner, the same on Node (croner, `npm run tick`) and on Workers (Cron Triggers).
// Every step is safe to run in two runners at once: what one runner works on it has claimed in the
// database first.
import { and, eq, isNull, ne, sql } from 'drizzle-orm';
import { closeDueInvitations } from '../core/delivery/close.js';
import type { DeliveryDeps } from '../core/delivery/deps.js';
import { sendDue, type DispatchOptions, type DispatchReport } from '../core/delivery/dispatch.js';
import { openDueInvitations } from '../core/delivery/open.js';
import { reconcile, type ReconcileReport } from '../core/delivery/reconcile.js';
import { queueDueReminders } from '../core/delivery/reminders.js';
import { refreshChangedSummaries } from '../core/delivery/summaries.js';
import { invitations } from '../db/schema.js';

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
  const withReminders = await deps.db
    .select()
    .from(invitations)
    .where(and(eq(invitations.status, 'open'), isNull(invitations.pausedAt), ne(invitations.reminders, [])));
  let queued = 0;
  for (const inv of withReminders) queued += await queueDueReminders(deps, inv);
  return queued;
}

/**
 * Whether any step has something to do, in one read: most ticks have nothing to do, and over a
 * libSQL server every step's own query is a round trip (the idle tick took 58 ms on sqld with
 * them, one round trip with this). Each EXISTS mirrors the selection of one step.
 */
async function hasWork(deps: DeliveryDeps): Promise<boolean> {
  const now = deps.clock.now();
  const [row] = await deps.db.all<{ work: number }>(sql`SELECT
       EXISTS (SELECT 1 FROM invitations WHERE status IN ('scheduled', 'open') AND closes_at <= ${now})
    OR EXISTS (SELECT 1 FROM invitations WHERE status = 'scheduled' AND opens_at <= ${now})
    OR EXISTS (SELECT 1 FROM invitations WHERE status = 'open' AND (response_limit IS NOT NULL AND completed_count >= response_limit
         OR paused_at IS NULL AND (reminders <> '[]'
           OR EXISTS (SELECT 1 FROM deliveries WHERE invitation_seq = invitations.seq AND state = 'queued' AND due_at <= ${now}))))
    OR EXISTS (SELECT 1 FROM send_batches WHERE state = 'claimed' AND lease_until < ${now})
    OR EXISTS (SELECT 1 FROM deliveries WHERE state IN ('sending', 'unknown') AND state = 'unknown')
    OR EXISTS (SELECT 1 FROM invitations WHERE slack_channel_id IS NOT NULL AND activity_at IS NOT NULL AND (summary_at IS NULL OR activity_at > summary_at))
    AS work`);
  return row?.work === 1;
}

const nothingDone = (): Omit<TickReport, 'ms'> => ({
  closed: [],
  opened: [],
  reconciled: { abandoned: 0, found: 0, requeued: 0, stillUnknown: 0 },
  remindersQueued: 0,
  dispatch: { batches: 0, sent: 0, failed: 0, retrying: 0, unknown: 0, cancelled: 0, deferred: 0 },
  summaries: 0,
});

export async function runTick(deps: DeliveryDeps, options: DispatchOptions = {}): Promise<TickReport> {
  const started = Date.now();
  if (!(await hasWork(deps))) {
    const report = { ...nothingDone(), ms: Date.now() - started };
    deps.logger.log('debug', 'tick.idle', { runner: deps.runnerId, ms: report.ms });
    return report;
  }
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
