// The profile attribute names in use, for pickers (the Slack filter builder).
import { sql } from 'drizzle-orm';
import type { Db } from '../../db/client.js';

/**
 * Distinct attribute names, alphabetically, at most `limit`. A loose index scan: one index seek
 * per name (member_attributes_text_idx starts with key), not a pass over every attribute value.
 */
export async function attributeKeys(db: Db, limit: number): Promise<string[]> {
  const rows = await db.all<{ key: string }>(sql`WITH RECURSIVE k(key, n) AS (
      SELECT (SELECT min(key) FROM member_attributes), 1
      UNION ALL
      SELECT (SELECT min(key) FROM member_attributes WHERE key > k.key), n + 1 FROM k WHERE k.key IS NOT NULL AND n < ${limit}
    )
    SELECT key FROM k WHERE key IS NOT NULL`);
  return rows.map((r) => r.key);
}
