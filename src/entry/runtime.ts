// What the Node server and the one-shot CLI commands (tick) share: the database, the core's
// dependencies, the providers, the runner's settings, and the Slack summaries as a change listener.
import { hostname } from 'node:os';
import type { Client } from '@libsql/client';
import { deliverySettingsFrom, type Config } from '../config.js';
import { systemClock } from '../core/clock.js';
import type { DeliveryDeps } from '../core/delivery/deps.js';
import type { CoreDeps } from '../core/deps.js';
import { randomId } from '../core/ids.js';
import type { InvitationChangeListener } from '../core/invitations/changes.js';
import type { Logger } from '../core/logger.js';
import { migrateDatabase } from '../db/migrate.js';
import { openDatabase, tuneEmbeddedFile } from '../db/open.js';
import { providersFrom } from '../providers/from-config.js';
import type { SlackDeps } from '../slack/deps.js';
import { slackChangeListener } from '../slack/notifier.js';
import { backgroundClient } from '../slack/web.js';

/** Work that outlives its cause (Slack's ack-then-work, summary updates), awaited before the process exits. */
export function pendingWork(logger: Logger) {
  const pending = new Set<Promise<unknown>>();
  return {
    waitUntil(work: Promise<unknown>) {
      const tracked = work.catch((error: unknown) => logger.log('error', 'background.failed', { message: error instanceof Error ? error.message : String(error) }));
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
  const { client, db } = openDatabase(config.DATABASE_URL, config.DATABASE_AUTH_TOKEN);
  await tuneEmbeddedFile(client, config.DATABASE_URL);
  await migrateDatabase(db);
  const core: CoreDeps = { db, clock: systemClock, logger, settings: { cooldownDays: config.COOLDOWN_DAYS, publicBaseUrl: config.PUBLIC_BASE_URL } };
  // One set for the runner and Slack's "Send test": a test goes out exactly as the invitations do.
  const providers = providersFrom(config, db, systemClock);
  const slack: SlackDeps | undefined = config.SLACK_BOT_TOKEN
    ? {
        ...core,
        slack: {
          signingSecret: config.SLACK_SIGNING_SECRET ?? '',
          botToken: config.SLACK_BOT_TOKEN,
          apiUrl: config.SLACK_API_URL,
          teamId: config.SLACK_TEAM_ID,
          managers: config.SLACK_MANAGERS,
          largeAudience: config.LARGE_AUDIENCE,
        },
        providers,
      }
    : undefined;
  const changes = slack ? slackChangeListener(slack, backgroundClient(slack.slack)) : undefined;
  const work = pendingWork(logger);
  const runner: DeliveryDeps = {
    ...core,
    providers,
    delivery: deliverySettingsFrom(config),
    // Leases name their holder: enough to tell runners apart in logs and in send_batches.
    runnerId: `${hostname()}-${process.pid}-${randomId('r').slice(2, 8)}`,
    changes,
    waitUntil: work.waitUntil,
  };
  return { client, core, slack, changes, runner, work };
}
