// Node-only: drizzle's migrator reads migrations/ from disk. Workers deployments run it before deploy.
import { fileURLToPath } from 'node:url';
import { migrate } from 'drizzle-orm/libsql/migrator';
import type { Db } from './client.js';

export const migrationsFolder = fileURLToPath(new URL('../../migrations', import.meta.url));

export async function migrateDatabase(db: Db): Promise<void> {
  await migrate(db, { migrationsFolder });
}
