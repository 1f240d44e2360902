import { Cron } from 'croner';
import { z } from 'zod';
import { defaultDeliverySettings, type DeliverySettings } from './core/delivery/deps.js';

function isCronPattern(pattern: string): boolean {
  try {
    new Cron(pattern, { paused: true }).stop();
    return true;
  } catch {
    return false;
  }
}

const optionalString = z
  .string()
  .optional()
  .transform((v) => (v === '' ? undefined : v));

const databaseUrl = z
  .string()
  .refine((v) => /^(file:|https?:\/\/|libsql:\/\/|wss?:\/\/)/.test(v), {
    message: 'must start with file:, http://, https://, libsql://, ws:// or wss://',
  });

const slackIdList = (pattern: RegExp, what: string) =>
  optionalString.pipe(
    z
      .string()
      .optional()
      .transform((v) => [...new Set((v ?? '').split(/[\s,]+/).filter(Boolean))])
      .refine((ids) => ids.every((id) => pattern.test(id)), { message: `must be a comma-separated list of ${what}` }),
  );

const quietHours = z
  .string()
  .regex(/^(off|([01]?\d|2[0-3])-([01]?\d|2[0-3]))$/, 'must be START-END hours such as 21-8, or off')
  .transform((v) => (v === 'off' ? null : { start: Number(v.split('-')[0]), end: Number(v.split('-')[1]) }));

/** Every environment variable the app reads, with its default. README lists the same set. */
export const configSchema = z.object({
  PORT: z.coerce.number().int().min(1).max(65535).default(3000),
  DATABASE_URL: databaseUrl.default('file:./data/invitations.db'),
  DATABASE_AUTH_TOKEN: optionalString,
  API_TOKEN: optionalString.pipe(z.string().min(16, 'must be at least 16 characters').optional()),
  PUBLIC_BASE_URL: z.url().default('http://localhost:3000'),
  COOLDOWN_DAYS: z.coerce.number().int().min(0).max(365).default(7),
  LOG_LEVEL: z.enum(['debug', 'info', 'warn', 'error']).default('info'),
  SLACK_SIGNING_SECRET: optionalString,
  SLACK_BOT_TOKEN: optionalString.pipe(z.string().startsWith('xoxb-', 'must be a bot token (xoxb-…)').optional()),
  SLACK_APP_TOKEN: optionalString.pipe(z.string().startsWith('xapp-', 'must be an app-level token (xapp-…)').optional()),
  SLACK_API_URL: optionalString.pipe(z.url().optional()),
  SLACK_TEAM_ID: optionalString.pipe(z.string().regex(/^T[A-Z0-9]+$/, 'must be a workspace ID (T…)').optional()),
  SLACK_MANAGERS: slackIdList(/^[UWS][A-Z0-9]+$/, 'user IDs (U…, W…) and user-group IDs (S…)'),
  LARGE_AUDIENCE: z.coerce.number().int().min(1).default(5000),
  // The runner
  RUNNER: z.enum(['on', 'off']).default('on'),
  CRON_SCHEDULE: z
    .string()
    .refine(isCronPattern, 'must be a cron pattern such as "* * * * *" (minute hour day month weekday)')
    .default('* * * * *'),
  EMAIL_RATE: z.coerce.number().min(0).default(500),
  SMS_RATE: z.coerce.number().min(0).default(10),
  SMS_QUIET_HOURS: quietHours.prefault('21-8'),
  DELIVERY_LEASE_SECONDS: z.coerce.number().int().min(5).max(3600).default(300),
  RECONCILE_AFTER_SECONDS: z.coerce.number().int().min(0).max(86_400).default(60),
  DATABASE_ANSWER_SECONDS: z.coerce.number().int().min(1).max(300).default(30),
  MAX_SEND_ATTEMPTS: z.coerce.number().int().min(1).max(20).default(5),
  FAILURE_PAUSE_RATIO: z.coerce.number().gt(0).max(1).default(0.2),
  // Providers: without credentials, messages go to the local outbox
  POSTMARK_SERVER_TOKEN: optionalString,
  POSTMARK_FROM: optionalString,
  POSTMARK_MESSAGE_STREAM: z.string().min(1).default('broadcast'),
  POSTMARK_API_URL: optionalString.pipe(z.url().optional()),
  POSTMARK_WEBHOOK_USER: optionalString,
  POSTMARK_WEBHOOK_PASSWORD: optionalString,
  TWILIO_ACCOUNT_SID: optionalString.pipe(z.string().regex(/^AC[0-9a-fA-F]{32}$/, 'must be an account SID (AC + 32 hex digits)').optional()),
  TWILIO_AUTH_TOKEN: optionalString,
  TWILIO_FROM: optionalString.pipe(z.string().regex(/^\+[1-9]\d{6,14}$/, 'must be a phone number in E.164 form (+15551234567)').optional()),
  TWILIO_MESSAGING_SERVICE_SID: optionalString.pipe(z.string().regex(/^MG[0-9a-fA-F]{32}$/, 'must be a messaging service SID (MG…)').optional()),
  TWILIO_API_URL: optionalString.pipe(z.url().optional()),
  COMPLETION_WEBHOOK_SECRET: optionalString.pipe(z.string().min(16, 'must be at least 16 characters').optional()),
});

/** Settings that only make sense together; each problem names the variable that is missing. */
const completeConfig = configSchema.superRefine((c, ctx) => {
  const need = (when: boolean, variable: keyof typeof c, message: string) => {
    if (when && !c[variable]) ctx.addIssue({ code: 'custom', path: [variable], message });
  };
  need(!!c.POSTMARK_SERVER_TOKEN, 'POSTMARK_FROM', 'is required with POSTMARK_SERVER_TOKEN (a verified sender address)');
  need(!!c.TWILIO_ACCOUNT_SID, 'TWILIO_AUTH_TOKEN', 'is required with TWILIO_ACCOUNT_SID');
  need(!!c.TWILIO_AUTH_TOKEN, 'TWILIO_ACCOUNT_SID', 'is required with TWILIO_AUTH_TOKEN');
  need(!!c.TWILIO_ACCOUNT_SID && !c.TWILIO_MESSAGING_SERVICE_SID, 'TWILIO_FROM', 'is required with TWILIO_ACCOUNT_SID (or set TWILIO_MESSAGING_SERVICE_SID)');
  need(!!c.POSTMARK_WEBHOOK_USER, 'POSTMARK_WEBHOOK_PASSWORD', 'is required with POSTMARK_WEBHOOK_USER');
});

export type Config = z.infer<typeof configSchema>;

export class ConfigError extends Error {
  override name = 'ConfigError';
}

/** Parses the environment; the first problem becomes one line naming the variable. */
export function loadConfig(env: Record<string, string | undefined>): Config {
  const result = completeConfig.safeParse(env);
  if (result.success) return result.data;
  const issue = result.error.issues[0]!;
  const variable = String(issue.path[0] ?? 'environment');
  // Secrets are never echoed, even wrong ones: a wrong one is often the right one of another app.
  const shown = /TOKEN|SECRET/.test(variable) ? 'value hidden' : `got ${JSON.stringify(env[variable] ?? '')}`;
  throw new ConfigError(`Invalid ${variable}: ${issue.message} (${shown})`);
}

/** The runner's settings as the environment gives them. */
export function deliverySettingsFrom(config: Config): DeliverySettings {
  return {
    emailRate: config.EMAIL_RATE,
    smsRate: config.SMS_RATE,
    smsQuietHours: config.SMS_QUIET_HOURS,
    leaseMs: config.DELIVERY_LEASE_SECONDS * 1000,
    reconcileAfterMs: config.RECONCILE_AFTER_SECONDS * 1000,
    databaseAnswerMs: config.DATABASE_ANSWER_SECONDS * 1000,
    maxAttempts: config.MAX_SEND_ATTEMPTS,
    failurePause: { ...defaultDeliverySettings.failurePause, ratio: config.FAILURE_PAUSE_RATIO },
    largeAudience: config.LARGE_AUDIENCE,
  };
}
