// The Node runner's schedule: croner runs a tick on CRON_SCHEDULE (UTC), never two at once in this
// process (protect), and an error in one tick does not stop the next (catch). Other processes and
// the Workers Cron Trigger may tick at the same time: the database leases make that safe.
import { Cron } from 'croner';
import type { DeliveryDeps } from '../core/delivery/deps.js';
import { runTick } from './tick.js';
import { errorSummary } from '../core/error-summary.js';

/** Claiming stops this long before the next tick is due, so closing and summaries run on time. */
const TICK_MARGIN_MS = 5_000;

export function scheduleTicks(deps: DeliveryDeps, pattern: string) {
  let running: Promise<unknown> = Promise.resolve();
  const job = new Cron(
    pattern,
    {
      name: 'tick',
      timezone: 'UTC',
      protect: true,
      catch: (error: unknown) => deps.logger.log('error', 'tick.failed', { message: errorSummary(error, 300) }),
    },
    async () => {
      const untilNext = job.msToNext() ?? 60_000;
      const tick = runTick(deps, { deadline: Date.now() + Math.max(TICK_MARGIN_MS, untilNext - TICK_MARGIN_MS) });
      running = tick.catch(() => undefined);
      await tick;
    },
  );
  return {
    stop: () => job.stop(),
    /** Resolves when the tick in progress (if any) has finished. */
    idle: () => running,
  };
}
