// The Bolt app: our listeners on the receiver the entry point chose (HTTP through Hono, or Socket
// Mode for local development), with Bolt's logs turned into our JSON lines.
import { App, LogLevel, type Receiver } from '@slack/bolt';
import type { Logger as SlackLogger } from '@slack/logger';
import { lt } from 'drizzle-orm';
import type { Logger } from '../core/logger.js';
import { slackEvents } from '../db/schema.js';
import type { SlackDeps } from './deps.js';
import { registerDeliveryControlListeners } from './listeners/delivery-controls.js';
import { registerExtendListeners } from './listeners/extend.js';
import { registerInvitationListeners } from './listeners/invitations.js';
import { registerInviteListeners } from './listeners/invite.js';
import { backgroundClientOptions, interactiveClientOptions } from './web.js';

/**
 * Bolt's own messages, warnings and errors only, cut short: at debug level Bolt prints request
 * bodies, which carry what members and users typed.
 */
function boltLogger(logger: Logger): SlackLogger {
  const line = (level: 'warn' | 'error') => (...msg: unknown[]) =>
    logger.log(level, 'slack.bolt', { message: msg.map((m) => (m instanceof Error ? m.message : String(m))).join(' ').slice(0, 300) });
  return {
    debug: () => undefined,
    info: () => undefined,
    warn: line('warn'),
    error: line('error'),
    setLevel: () => undefined,
    getLevel: () => LogLevel.WARN,
    setName: () => undefined,
  };
}

/** Records an event id; false when it was already there (a retry of an event already handled). */
async function firstDelivery(deps: SlackDeps, eventId: string): Promise<boolean> {
  const now = deps.clock.now();
  const [, inserted] = await deps.db.batch([
    // Slack retries within minutes: a day of ids is plenty.
    deps.db.delete(slackEvents).where(lt(slackEvents.receivedAt, now - 86_400_000)),
    deps.db.insert(slackEvents).values({ eventId, receivedAt: now }).onConflictDoNothing(),
  ]);
  return inserted.rowsAffected === 1;
}

export function createBoltApp(deps: SlackDeps, receiver: Receiver | { socketMode: true; appToken: string }): App {
  const transport =
    'socketMode' in receiver
      ? // Socket Mode's own client (apps.connections.open) takes its options from installerOptions.
        { socketMode: true, appToken: receiver.appToken, installerOptions: { clientOptions: backgroundClientOptions(deps.slack) } }
      : { receiver };
  const app = new App({
    ...transport,
    // One workspace, one bot token. Given as `token`, Bolt would call auth.test (at start-up or on
    // the first request) to learn the bot's ids; an authorize function hands the token over as is.
    authorize: async () => ({ botToken: deps.slack.botToken }),
    clientOptions: interactiveClientOptions(deps.slack),
    logger: boltLogger(deps.logger),
    logLevel: LogLevel.WARN,
  });
  // Slack retries an event it believes lost (X-Slack-Retry-Num), possibly to another process.
  app.use(async ({ body, next }) => {
    const eventId = (body as { event_id?: unknown }).event_id;
    if (typeof eventId === 'string' && !(await firstDelivery(deps, eventId))) {
      deps.logger.log('info', 'slack.event_retry_skipped', { event: eventId });
      return;
    }
    await next();
  });
  registerInviteListeners(app, deps);
  registerInvitationListeners(app, deps);
  registerExtendListeners(app, deps);
  registerDeliveryControlListeners(app, deps);
  // Rethrown, not logged: the receiver that called processEvent logs it once, with its outcome.
  app.error(async (error) => {
    throw error;
  });
  return app;
}
