// Reads a member's attribute slots back as typed values (type, text, number): what the filters see.
import { sql } from 'drizzle-orm';
import type { Db } from '../../src/db/client.js';
import { loadAttributeSlots, slotColumns } from '../../src/core/members/attribute-slots.js';

export interface TypedAttribute {
  key: string;
  type: 'string' | 'number' | 'boolean' | 'date';
  value_text: string;
  value_num: number | null;
}

export async function attributeIndex(db: Db, externalId: string): Promise<TypedAttribute[]> {
  const out: TypedAttribute[] = [];
  for (const [key, slot] of [...(await loadAttributeSlots(db))].sort(([a], [b]) => (a < b ? -1 : 1))) {
    const { value, num } = slotColumns(slot);
    const [row] = await db.all<{ v: string | number | null; t: string; text: string; n: number | null }>(
      sql`SELECT ${sql.identifier(value)} AS v, typeof(${sql.identifier(value)}) AS t, CAST(${sql.identifier(value)} AS TEXT) AS text, ${sql.identifier(num)} AS n
          FROM members WHERE external_id = ${externalId}`,
    );
    if (!row || row.v === null) continue;
    if (row.t === 'text') out.push({ key, type: row.n === null ? 'string' : 'date', value_text: row.text, value_num: row.n });
    else if (row.n !== null) out.push({ key, type: 'boolean', value_text: row.v ? 'true' : 'false', value_num: row.n });
    else out.push({ key, type: 'number', value_text: row.text, value_num: Number(row.v) });
  }
  return out;
}
