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

/** Every environment variable the app reads, with its default. README lists the same set. */
export const configSchema = z.object({
  PORT: z.coerce.number().int().min(1).max(65535).default(3000),
  DATABASE_URL: databaseUrl.default('file:./data/invitations.db'),
  DATABASE_AUTH_TOKEN: optionalString,
  API_TOKEN: optionalString.pipe(z.string().min(16, 'must be at least 16 characters').optional()),
  PUBLIC_BASE_URL: z.url().default('http://localhost:3000'),
  COOLDOWN_DAYS: z.coerce.number().int().min(0).max(365).default(7),
  LOG_LEVEL: z.enum(['debug', 'info', 'warn', 'error']).default('info'),
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
  throw new ConfigError(`Invalid ${variable}: ${issue.message} (got ${JSON.stringify(env[variable] ?? '')})`);
}
