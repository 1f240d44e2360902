// npm run tick: one tick of the runner, then exit (for tests and external schedulers). It sends
// until nothing is due; another runner ticking at the same time is safe.
import { loadConfig } from '../config.js';
import { jsonLogger } from '../core/logger.js';
import { openRuntime } from '../entry/runtime.js';
import { runTick } from '../jobs/tick.js';
import { runCli } from './context.js';

runCli(async () => {
  const config = loadConfig(process.env);
  const logger = jsonLogger(config.LOG_LEVEL);
  const runtime = await openRuntime(config, logger);
  try {
    const report = await runTick(runtime.runner);
    await runtime.work.settle();
    console.error(
      `tick: opened ${report.opened.length}, closed ${report.closed.length}, sent ${report.dispatch.sent}, failed ${report.dispatch.failed}, retrying ${report.dispatch.retrying}, ` +
        `waiting ${report.dispatch.deferred} (quiet hours, rate limits), cancelled ${report.dispatch.cancelled}, reconciled ${report.reconciled.found + report.reconciled.requeued}, ${report.ms} ms`,
    );
  } finally {
    runtime.client.close();
  }
});
