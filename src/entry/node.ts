// Node entry point: read config, open and migrate the database, serve the app.
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { serve } from '@hono/node-server';
import { createApp } from '../app.js';
import { ConfigError, loadConfig, type Config } from '../config.js';
import { systemClock } from '../core/clock.js';
import { randomToken } from '../core/ids.js';
import { jsonLogger } from '../core/logger.js';
import type { Logger } from '../core/logger.js';
import type { CoreDeps } from '../core/deps.js';
import { migrateDatabase } from '../db/migrate.js';
import { openDatabase, tuneEmbeddedFile } from '../db/open.js';
import { createBoltApp } from '../slack/bolt.js';
import type { SlackDeps } from '../slack/deps.js';
import { slackRequestHandler, type SlackRequestHandler } from '../slack/http.js';
import { slackChangeListener } from '../slack/notifier.js';
import { backgroundClient } from '../slack/web.js';
import type { InvitationChangeListener } from '../core/invitations/changes.js';

/**
 * Without API_TOKEN a newcomer still gets a working API: a random token is kept in
 * ./data/api-token (readable only by this user) and the log says where, never what.
 */
function apiTokenFor(config: Config): { token: string; file?: string } {
  if (config.API_TOKEN) return { token: config.API_TOKEN };
  const file = resolve('data/api-token');
  if (existsSync(file)) return { token: readFileSync(file, 'utf8').trim(), file };
  mkdirSync(dirname(file), { recursive: true });
  const token = randomToken();
  writeFileSync(file, `${token}\n`, { mode: 0o600 });
  return { token, file };
}

/** Work that outlives its response (Slack's ack-then-work), awaited before the process exits. */
function pendingWork(logger: Logger) {
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

/**
 * Slack waits for credentials: with SLACK_APP_TOKEN it connects over Socket Mode (no public URL
 * needed), else SLACK_SIGNING_SECRET makes POST /slack/events live.
 */
async function startSlack(config: Config, core: CoreDeps): Promise<{ handler?: SlackRequestHandler; changes?: InvitationChangeListener; mode: string }> {
  if (!config.SLACK_BOT_TOKEN) return { mode: 'off (no SLACK_BOT_TOKEN)' };
  const deps: SlackDeps = {
    ...core,
    slack: {
      signingSecret: config.SLACK_SIGNING_SECRET ?? '',
      botToken: config.SLACK_BOT_TOKEN,
      apiUrl: config.SLACK_API_URL,
      teamId: config.SLACK_TEAM_ID,
      managers: config.SLACK_MANAGERS,
      largeAudience: config.LARGE_AUDIENCE,
    },
  };
  const changes = slackChangeListener(deps, backgroundClient(deps.slack));
  if (config.SLACK_APP_TOKEN) {
    await createBoltApp(deps, { socketMode: true, appToken: config.SLACK_APP_TOKEN }).start();
    return { changes, mode: 'socket' };
  }
  if (!config.SLACK_SIGNING_SECRET) return { mode: 'off (no SLACK_SIGNING_SECRET)' };
  return { handler: slackRequestHandler(deps), changes, mode: 'http' };
}

async function main(): Promise<void> {
  let config: Config;
  try {
    config = loadConfig(process.env);
  } catch (error) {
    if (error instanceof ConfigError) {
      console.error(error.message);
      process.exit(2);
    }
    throw error;
  }
  const logger = jsonLogger(config.LOG_LEVEL);
  const { client, db } = openDatabase(config.DATABASE_URL, config.DATABASE_AUTH_TOKEN);
  await tuneEmbeddedFile(client, config.DATABASE_URL);
  await migrateDatabase(db);
  const { token, file } = apiTokenFor(config);
  const core: CoreDeps = { db, clock: systemClock, logger, settings: { cooldownDays: config.COOLDOWN_DAYS, publicBaseUrl: config.PUBLIC_BASE_URL } };
  const work = pendingWork(logger);
  const slack = await startSlack(config, core);
  const app = createApp({ ...core, apiToken: token, slack: slack.handler, changes: slack.changes, waitUntil: work.waitUntil });
  const server = serve({ fetch: app.fetch, port: config.PORT, hostname: '0.0.0.0' }, (info) => {
    logger.log('info', 'server.started', {
      port: info.port,
      database: config.DATABASE_URL.startsWith('file:') ? 'embedded-file' : 'libsql-server',
      apiTokenFile: file ?? null,
      slack: slack.mode,
    });
  });
  const shutdown = () => {
    logger.log('info', 'server.stopping');
    server.close(() => {
      void work.settle().then(() => {
        client.close();
        process.exit(0);
      });
    });
    setTimeout(() => process.exit(0), 5000).unref();
  };
  process.on('SIGINT', shutdown);
  process.on('SIGTERM', shutdown);
}

main().catch((error: unknown) => {
  console.error(JSON.stringify({ level: 'error', event: 'server.start_failed', error: error instanceof Error ? error.message : String(error) }));
  process.exit(1);
});
