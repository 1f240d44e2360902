// Node-only: drizzle's migrator reads migrations/ from disk. Workers deployments run it before deploy.
import { fileURLToPath } from 'node:url';
import { sql } from 'drizzle-orm';
import { migrate } from 'drizzle-orm/libsql/migrator';
import { randomId } from '../core/ids.js';
import { backfillAttributeSlots } from '../core/members/attribute-slots.js';
import type { Db } from './client.js';

export const migrationsFolder = fileURLToPath(new URL('../../migrations', import.meta.url));

const LOCK_MS = 120_000;
const WAIT_STEP_MS = 100;

/**
 * Several processes may start at once on one libSQL server (runners, the server, a CLI). drizzle's
 * migrator reads what is applied, then applies the rest: two at once would both apply the same
 * migration and the second would fail. So one process at a time holds a lease row; the others
 * wait for it, then find everything applied. A holder that died frees the lease when it expires.
 */
async function withMigrationLock<T>(db: Db, run: () => Promise<T>): Promise<T> {
  const holder = randomId('migrate');
  await db.run(sql`CREATE TABLE IF NOT EXISTS migration_lock (id INTEGER PRIMARY KEY CHECK (id = 1), holder TEXT NOT NULL, until INTEGER NOT NULL)`);
  for (;;) {
    const now = Date.now();
    const taken = await db.run(sql`INSERT INTO migration_lock (id, holder, until) VALUES (1, ${holder}, ${now + LOCK_MS})
      ON CONFLICT (id) DO UPDATE SET holder = excluded.holder, until = excluded.until WHERE migration_lock.until < ${now}`);
    if (taken.rowsAffected === 1) break;
    await new Promise((resolve) => setTimeout(resolve, WAIT_STEP_MS));
  }
  try {
    return await run();
  } finally {
    await db.run(sql`DELETE FROM migration_lock WHERE id = 1 AND holder = ${holder}`);
  }
}

export async function migrateDatabase(db: Db): Promise<void> {
  await withMigrationLock(db, async () => {
    await migrate(db, { migrationsFolder });
    await backfillAttributeSlots(db);
  });
}
