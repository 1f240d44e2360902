// What the Node server and the one-shot CLI commands (tick) share: the database, the core's
// dependencies, the providers, the runner's settings, and the Slack summaries as a change listener.
import { hostname } from 'node:os';
import type { Client } from '@libsql/client';
import type { Config } from '../config.js';
import type { DeliveryDeps } from '../core/delivery/deps.js';
import type { CoreDeps } from '../core/deps.js';
import { randomId } from '../core/ids.js';
import type { InvitationChangeListener } from '../core/invitations/changes.js';
import type { Logger } from '../core/logger.js';
import { migrateDatabase } from '../db/migrate.js';
import { openDatabase, tuneEmbeddedFile } from '../db/open.js';
import { twilioSmsProvider } from '../providers/twilio.js';
import type { SlackDeps } from '../slack/deps.js';
import { appDeps, runnerDeps } from './deps.js';
import { errorSummary } from '../core/error-summary.js';

/** Work that outlives its cause (Slack's ack-then-work, summary updates), awaited before the process exits. */
export function pendingWork(logger: Logger) {
  const pending = new Set<Promise<unknown>>();
  return {
    waitUntil(work: Promise<unknown>) {
      const tracked = work.catch((error: unknown) => logger.log('error', 'background.failed', { message: errorSummary(error) }));
      pending.add(tracked);
      void tracked.finally(() => pending.delete(tracked));
    },
    settle: () => Promise.allSettled([...pending]),
  };
}

export interface Runtime {
  client: Client;
  core: CoreDeps;
  /** Present when SLACK_BOT_TOKEN is set. */
  slack?: SlackDeps;
  changes?: InvitationChangeListener;
  runner: DeliveryDeps;
  work: ReturnType<typeof pendingWork>;
}

export async function openRuntime(config: Config, logger: Logger): Promise<Runtime> {
  const { client, db } = openDatabase(config.DATABASE_URL, config.DATABASE_AUTH_TOKEN, { thread: true });
  await tuneEmbeddedFile(client, config.DATABASE_URL);
  await migrateDatabase(db);
  // The `twilio` SDK adapter here; the Worker, which cannot run the SDK, passes the fetch one.
  const deps = appDeps(config, db, logger, twilioSmsProvider);
  const work = pendingWork(logger);
  // Leases name their holder: enough to tell runners apart in logs and in send_batches.
  const runner = runnerDeps(config, deps, `${hostname()}-${process.pid}-${randomId('r').slice(2, 8)}`, work.waitUntil);
  return { client, core: deps.core, slack: deps.slack, changes: deps.changes, runner, work };
}
