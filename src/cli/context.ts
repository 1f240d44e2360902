// What every CLI command starts with: validated config, an open and migrated database.
import { ConfigError, loadConfig, type Config } from '../config.js';
import type { Db } from '../db/client.js';
import { migrateDatabase } from '../db/migrate.js';
import { openDatabase, tuneEmbeddedFile, type OpenOptions } from '../db/open.js';

export interface CliContext {
  config: Config;
  db: Db;
  close(): void;
}

export async function openCliContext(options: OpenOptions = {}): Promise<CliContext> {
  const config = loadConfig(process.env);
  const { client, db } = openDatabase(config.DATABASE_URL, config.DATABASE_AUTH_TOKEN, options);
  await tuneEmbeddedFile(client, config.DATABASE_URL);
  await migrateDatabase(db);
  return { config, db, close: () => client.close() };
}

/** Runs a CLI main: a config error is one line on stderr and exit code 2, never a stack trace. */
export function runCli(main: () => Promise<number | void>): void {
  main().then(
    (code) => process.exit(code ?? 0),
    (error: unknown) => {
      if (error instanceof ConfigError) {
        console.error(error.message);
        process.exit(2);
      }
      console.error(error instanceof Error ? error.message : String(error));
      process.exit(1);
    },
  );
}
