// The dependencies both entry points build the same way — the Node one (runtime.ts, for node.ts and
// the CLI) and the Workers one (worker.ts): the core's, the providers, Slack's, the Slack summaries
// as a change listener, and the runner's. Runtime-free (no node: imports): each entry point brings
// its database, its Twilio adapter, its runner id and its waitUntil.
import { deliverySettingsFrom, type Config } from '../config.js';
import { systemClock } from '../core/clock.js';
import type { DeliveryDeps } from '../core/delivery/deps.js';
import type { Providers } from '../core/delivery/providers.js';
import type { CoreDeps } from '../core/deps.js';
import type { InvitationChangeListener } from '../core/invitations/changes.js';
import type { Logger } from '../core/logger.js';
import type { Db } from '../db/client.js';
import { providersFrom } from '../providers/from-config.js';
import type { TwilioSmsAdapter } from '../providers/twilio-shared.js';
import type { SlackDeps } from '../slack/deps.js';
import { slackChangeListener } from '../slack/notifier.js';
import { backgroundClient } from '../slack/web.js';

export interface AppDeps {
  core: CoreDeps;
  /** One set for the runner and Slack's "Send test": a test goes out exactly as the invitations do. */
  providers: Providers;
  /** Present when SLACK_BOT_TOKEN is set. */
  slack?: SlackDeps;
  changes?: InvitationChangeListener;
}

export function appDeps(config: Config, db: Db, logger: Logger, twilioSms: TwilioSmsAdapter): AppDeps {
  const core: CoreDeps = { db, clock: systemClock, logger, settings: { cooldownDays: config.COOLDOWN_DAYS, publicBaseUrl: config.PUBLIC_BASE_URL } };
  const providers = providersFrom(config, db, systemClock, twilioSms);
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
  return { core, providers, slack, changes };
}

/** The runner's: `runnerId` names the holder of its leases; `waitUntil` keeps its background work alive. */
export function runnerDeps(config: Config, deps: AppDeps, runnerId: string, waitUntil: (work: Promise<unknown>) => void): DeliveryDeps {
  return {
    ...deps.core,
    providers: deps.providers,
    delivery: deliverySettingsFrom(config),
    runnerId,
    changes: deps.changes,
    waitUntil,
  };
}
