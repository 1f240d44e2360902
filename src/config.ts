import { z } from 'zod';

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
});

export type Config = z.infer<typeof configSchema>;

export class ConfigError extends Error {
  override name = 'ConfigError';
}

/** Parses the environment; the first problem becomes one line naming the variable. */
export function loadConfig(env: Record<string, string | undefined>): Config {
  const result = configSchema.safeParse(env);
  if (result.success) return result.data;
  const issue = result.error.issues[0]!;
  const variable = String(issue.path[0] ?? 'environment');
  // Secrets are never echoed, even wrong ones: a wrong one is often the right one of another app.
  const shown = /TOKEN|SECRET/.test(variable) ? 'value hidden' : `got ${JSON.stringify(env[variable] ?? '')}`;
  throw new ConfigError(`Invalid ${variable}: ${issue.message} (${shown})`);
}
