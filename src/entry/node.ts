// Node entry point: read config, open and migrate the database, serve the app, run the runner.
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { serve } from '@hono/node-server';
import { createApp } from '../app.js';
import { ConfigError, loadConfig, type Config } from '../config.js';
import { randomToken } from '../core/ids.js';
import { jsonLogger } from '../core/logger.js';
import { scheduleTicks } from '../jobs/schedule.js';
import { createBoltApp } from '../slack/bolt.js';
import { slackRequestHandler, type SlackRequestHandler } from '../slack/http.js';
import { openRuntime, type Runtime } from './runtime.js';

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

/**
 * Slack waits for credentials: with SLACK_APP_TOKEN it connects over Socket Mode (no public URL
 * needed), else SLACK_SIGNING_SECRET makes POST /slack/events live.
 */
async function startSlack(config: Config, runtime: Runtime): Promise<{ handler?: SlackRequestHandler; mode: string }> {
  if (!runtime.slack) return { mode: 'off (no SLACK_BOT_TOKEN)' };
  if (config.SLACK_APP_TOKEN) {
    await createBoltApp(runtime.slack, { socketMode: true, appToken: config.SLACK_APP_TOKEN }).start();
    return { mode: 'socket' };
  }
  if (!config.SLACK_SIGNING_SECRET) return { mode: 'off (no SLACK_SIGNING_SECRET)' };
  return { handler: slackRequestHandler(runtime.slack), mode: 'http' };
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
  const runtime = await openRuntime(config, logger);
  const { token, file } = apiTokenFor(config);
  const slack = await startSlack(config, runtime);
  const app = createApp({
    ...runtime.core,
    apiToken: token,
    slack: slack.handler,
    changes: runtime.changes,
    waitUntil: runtime.work.waitUntil,
    webhooks: {
      completionSecret: config.COMPLETION_WEBHOOK_SECRET,
      postmark: config.POSTMARK_WEBHOOK_USER ? { user: config.POSTMARK_WEBHOOK_USER, password: config.POSTMARK_WEBHOOK_PASSWORD! } : undefined,
      twilioAuthToken: config.TWILIO_AUTH_TOKEN,
    },
  });
  const ticks = config.RUNNER === 'on' ? scheduleTicks(runtime.runner, config.CRON_SCHEDULE) : undefined;
  const server = serve({ fetch: app.fetch, port: config.PORT, hostname: '0.0.0.0' }, (info) => {
    logger.log('info', 'server.started', {
      port: info.port,
      database: config.DATABASE_URL.startsWith('file:') ? 'embedded-file' : 'libsql-server',
      apiTokenFile: file ?? null,
      slack: slack.mode,
      runner: ticks ? config.CRON_SCHEDULE : 'off',
      email: runtime.runner.providers.email.name,
      sms: runtime.runner.providers.sms.name,
    });
  });
  const shutdown = () => {
    logger.log('info', 'server.stopping');
    ticks?.stop();
    server.close(() => {
      void Promise.all([ticks?.idle(), runtime.work.settle()]).then(() => {
        runtime.client.close();
        process.exit(0);
      });
    });
    setTimeout(() => process.exit(0), 10_000).unref();
  };
  process.on('SIGINT', shutdown);
  process.on('SIGTERM', shutdown);
}

main().catch((error: unknown) => {
  console.error(JSON.stringify({ level: 'error', event: 'server.start_failed', error: error instanceof Error ? error.message : String(error) }));
  process.exit(1);
});
