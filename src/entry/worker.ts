// Cloudflare Workers entry point: the same Hono app (fetch) and the same runner tick (scheduled,
// a Cron Trigger from wrangler.toml) as the Node entry (node.ts + runtime.ts), with what differs:
//  - the database is reached over HTTP only (@libsql/client/web: libsql:, http(s):, ws(s): URLs);
//    migrations are not run here (drizzle's migrator reads files with node:fs): run
//    `DATABASE_URL=… npm run db:migrate` before `wrangler deploy`;
//  - SMS go through the fetch-based Twilio adapter (the `twilio` SDK is a Node library);
//  - no Socket Mode (no long-lived connections): Slack reaches POST /slack/events;
//  - API_TOKEN is required (there is no file system to keep a generated one in);
//  - the schedule is wrangler.toml's `[triggers] crons`, not CRON_SCHEDULE.
import { createClient } from '@libsql/client/web';
import { createApp } from '../app.js';
import { ConfigError, loadConfig, type Config } from '../config.js';
import { randomId } from '../core/ids.js';
import { jsonLogger, type Logger } from '../core/logger.js';
import { retryingBusy } from '../db/busy-retry.js';
import { createDb } from '../db/client.js';
import { runTick } from '../jobs/tick.js';
import { twilioFetchSmsProvider } from '../providers/twilio-fetch.js';
import { slackRequestHandler, type SlackRequestHandler } from '../slack/http.js';
import { appDeps, runnerDeps, type AppDeps } from './deps.js';
import { errorSummary } from '../core/error-summary.js';

/** The parts of the Workers runtime types this file uses (no @cloudflare/workers-types in the project). */
export interface ExecutionContext {
  waitUntil(promise: Promise<unknown>): void;
  passThroughOnException(): void;
  readonly props: unknown;
}
export interface ScheduledController {
  readonly scheduledTime: number;
  readonly cron: string;
  noRetry(): void;
}
/** wrangler.toml [vars] and `wrangler secret put` values; bindings (none yet) would be objects. */
export type Env = Record<string, unknown>;

/** A Cron Trigger may run 30 s (free plan) of wall time after its last I/O; leave room to finish. */
const TICK_BUDGET_MS = 25_000;

interface Worker {
  config: Config;
  logger: Logger;
  deps: AppDeps;
  app: ReturnType<typeof createApp>;
  runnerId: string;
}

function stringsOf(env: Env): Record<string, string | undefined> {
  return Object.fromEntries(Object.entries(env).filter((entry): entry is [string, string] => typeof entry[1] === 'string'));
}

/** What only makes sense on Workers; ConfigError messages in loadConfig's style (one line, the variable). */
function checkForWorkers(config: Config, env: Record<string, string | undefined>): void {
  if (!env.DATABASE_URL || config.DATABASE_URL.startsWith('file:')) {
    throw new ConfigError('Invalid DATABASE_URL: on Workers it must be a libsql://, https:// or wss:// URL of a libSQL server (Turso, sqld); set it with `wrangler secret put DATABASE_URL`');
  }
  if (!config.API_TOKEN) throw new ConfigError('Invalid API_TOKEN: is required on Workers (`wrangler secret put API_TOKEN`, at least 16 characters)');
}

/**
 * Built once per isolate (per env object): building the app's router costs ~12 ms of CPU, too much
 * for every request. Nothing here holds a request's I/O: the libSQL web client, Postmark and the
 * fetch Twilio adapter make a fetch per call.
 */
function build(env: Env): Worker {
  const strings = stringsOf(env);
  const config = loadConfig(strings);
  checkForWorkers(config, strings);
  const logger = jsonLogger(config.LOG_LEVEL);
  const client = createClient({ url: config.DATABASE_URL, authToken: config.DATABASE_AUTH_TOKEN });
  const db = createDb(retryingBusy(client));
  // Slack exactly as on Node (deps.ts), minus Socket Mode; SMS through the fetch Twilio adapter.
  const deps = appDeps(config, db, logger, twilioFetchSmsProvider);
  const { core, slack, changes } = deps;
  if (slack && config.SLACK_APP_TOKEN) logger.log('warn', 'worker.slack_socket_mode_ignored', { reason: 'Socket Mode needs a long-lived connection; Workers serve POST /slack/events' });
  const handler: SlackRequestHandler | undefined = slack && config.SLACK_SIGNING_SECRET ? slackRequestHandler(slack) : undefined;

  const app = createApp({
    ...core,
    apiToken: config.API_TOKEN!,
    slack: handler,
    changes,
    // No `waitUntil` here on purpose: the app is shared by the isolate's concurrent requests, so a
    // captured ctx would be the wrong one. Without it the app uses Hono's c.executionCtx.waitUntil —
    // the ctx that fetch() passes to app.fetch for this very request.
    webhooks: {
      completionSecret: config.COMPLETION_WEBHOOK_SECRET,
      postmark: config.POSTMARK_WEBHOOK_USER ? { user: config.POSTMARK_WEBHOOK_USER, password: config.POSTMARK_WEBHOOK_PASSWORD! } : undefined,
      twilioAuthToken: config.TWILIO_AUTH_TOKEN,
    },
  });
  // Leases name their holder; an isolate is the closest thing to a process here.
  return { config, logger, deps, app, runnerId: `worker-${randomId('r').slice(2, 10)}` };
}

const built = new WeakMap<object, Worker>();

function workerFor(env: Env): Worker {
  let worker = built.get(env);
  if (!worker) {
    worker = build(env);
    built.set(env, worker);
  }
  return worker;
}

function configFailure(error: unknown): Response {
  // The ConfigError line names the variable and never a secret's value; it goes to the log, not to the caller.
  console.error(JSON.stringify({ level: 'error', event: 'worker.config_invalid', error: error instanceof Error ? error.message : String(error) }));
  return new Response(JSON.stringify({ type: 'about:blank', title: 'Service misconfigured', status: 503 }), {
    status: 503,
    headers: { 'content-type': 'application/problem+json' },
  });
}

export default {
  async fetch(request: Request, env: Env, ctx: ExecutionContext): Promise<Response> {
    let worker: Worker;
    try {
      worker = workerFor(env);
    } catch (error) {
      if (error instanceof ConfigError) return configFailure(error);
      throw error;
    }
    return worker.app.fetch(request, env, ctx);
  },

  async scheduled(controller: ScheduledController, env: Env, ctx: ExecutionContext): Promise<void> {
    const worker = workerFor(env);
    if (worker.config.RUNNER === 'off') return;
    const deps = runnerDeps(worker.config, worker.deps, worker.runnerId, (work) => ctx.waitUntil(work));
    ctx.waitUntil(
      runTick(deps, { deadline: Date.now() + TICK_BUDGET_MS }).catch((error: unknown) => {
        worker.logger.log('error', 'tick.failed', { cron: controller.cron, message: errorSummary(error, 300) });
        throw error;
      }),
    );
  },
};
