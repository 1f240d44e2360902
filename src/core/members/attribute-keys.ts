// The profile attribute names in use, for pickers (the Slack filter builder).
import { sql } from 'drizzle-orm';
import type { Db } from '../../db/client.js';

/** Attribute names ever stored, alphabetically, at most `limit`. */
export async function attributeKeys(db: Db, limit: number): Promise<string[]> {
  const rows = await db.all<{ key: string }>(sql`SELECT key FROM attribute_slots ORDER BY key LIMIT ${limit}`);
  return rows.map((r) => r.key);
}
