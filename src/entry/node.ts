// Node entry point: read config, open and migrate the database, serve the app.
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { serve } from '@hono/node-server';
import { createApp } from '../app.js';
import { ConfigError, loadConfig, type Config } from '../config.js';
import { systemClock } from '../core/clock.js';
import { randomToken } from '../core/ids.js';
import { jsonLogger } from '../core/logger.js';
import { migrateDatabase } from '../db/migrate.js';
import { openDatabase, tuneEmbeddedFile } from '../db/open.js';

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
  const app = createApp({
    db,
    clock: systemClock,
    logger,
    apiToken: token,
    settings: { cooldownDays: config.COOLDOWN_DAYS, publicBaseUrl: config.PUBLIC_BASE_URL },
  });
  const server = serve({ fetch: app.fetch, port: config.PORT, hostname: '0.0.0.0' }, (info) => {
    logger.log('info', 'server.started', {
      port: info.port,
      database: config.DATABASE_URL.startsWith('file:') ? 'embedded-file' : 'libsql-server',
      apiTokenFile: file ?? null,
    });
  });
  const shutdown = () => {
    logger.log('info', 'server.stopping');
    server.close(() => {
      client.close();
      process.exit(0);
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
