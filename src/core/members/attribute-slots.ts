// Profile attributes are filtered from typed "slot" columns on members, one pair per attribute
// name: scanning a plain column is 3-5x faster than reading JSON, and unlike a per-attribute index
// it costs an import nothing beyond writing the row (see attributeSlots in src/db/schema.ts).
import { sql, type SQL } from 'drizzle-orm';
import type { Db } from '../../db/client.js';
import { ValidationError } from '../errors.js';
import { jsonRowsSource } from '../row-source.js';
import { isoDateToEpoch } from '../targeting/filter/validate.js';

/** Attribute name → slot number. */
export type AttributeSlots = ReadonlyMap<string, number>;

/** Two columns a slot; SQLite allows 2,000 columns a table. */
export const MAX_ATTRIBUTE_NAMES = 500;

/** New names that would take the workspace past MAX_ATTRIBUTE_NAMES (422, each name a field). */
export class AttributeLimitError extends ValidationError {
  constructor(readonly names: string[], inUse: number) {
    super(
      names.map((name) => ({
        path: `attributes.${name}`,
        message: `a new attribute name, but the workspace already uses ${inUse} of the ${MAX_ATTRIBUTE_NAMES} it may have`,
      })),
    );
  }
}

/** The slot's columns: `value` (text, number, or 1/0 for booleans) and `num` (booleans and dates). */
export function slotColumns(slot: number): { value: string; num: string } {
  // Identifiers made from our own integer, never from the attribute name.
  if (!Number.isSafeInteger(slot) || slot < 1) throw new Error(`bad attribute slot ${slot}`);
  return { value: `attr_${slot}`, num: `attr_${slot}_num` };
}

export async function loadAttributeSlots(db: Db): Promise<Map<string, number>> {
  const rows = await db.all<{ key: string; slot: number }>(sql`SELECT key, slot FROM attribute_slots`);
  return new Map(rows.map((r) => [r.key, r.slot]));
}

/**
 * Gives every name in `keys` a slot (new names get their columns) and returns all slots. Two
 * writers adding the same name at once: one batch fails on the unique key, and it reads again.
 */
export async function ensureAttributeSlots(db: Db, keys: Iterable<string>): Promise<Map<string, number>> {
  for (let attempt = 1; ; attempt++) {
    const slots = await loadAttributeSlots(db);
    const missing = [...new Set(keys)].filter((k) => !slots.has(k)).sort();
    if (missing.length === 0) return slots;
    if (slots.size + missing.length > MAX_ATTRIBUTE_NAMES) throw new AttributeLimitError(missing, slots.size);
    let next = Math.max(0, ...slots.values()) + 1;
    const statements = missing.flatMap((key) => {
      const { value, num } = slotColumns(next++);
      return [
        db.run(sql`INSERT INTO attribute_slots (key, slot) VALUES (${key}, ${next - 1})`),
        // No declared type: no affinity, so '007' stays text and 7 stays a number.
        db.run(sql.raw(`ALTER TABLE members ADD COLUMN ${value}`)),
        db.run(sql.raw(`ALTER TABLE members ADD COLUMN ${num}`)),
      ];
    });
    try {
      await db.batch(statements as [(typeof statements)[number], ...typeof statements]);
    } catch (error) {
      if (attempt >= 3) throw error;
    }
  }
}

// A stored string is a date when it reads as one: YYYY-MM-DD, optionally a time ("T" or a space,
// any fraction, kept to the millisecond) and a zone; the rest of the rule is isoDateToEpoch's.
const storedDateForm = /^(\d{4}-\d{2}-\d{2})(?:[T ](\d{2}:\d{2}(?::\d{2})?)(?:(\.\d{1,3})\d*)?(Z|[+-]\d{2}:\d{2})?)?$/;

/** Epoch ms of an attribute value that is a date, or undefined. */
export function storedDateEpoch(text: string): number | undefined {
  // Most strings are not dates; an import asks for every string cell (5M times for 1M rows).
  if (text.length < 10 || text.charCodeAt(4) !== 45 /* - */) return undefined;
  const m = storedDateForm.exec(text);
  if (!m) return undefined;
  if (m[3] !== undefined && m[2]!.length !== 8) return undefined;
  return isoDateToEpoch(m[2] === undefined ? m[1]! : `${m[1]}T${m[2]}${m[3] ?? ''}${m[4] ?? ''}`);
}

/**
 * The `num` column of a value: 1/0 for booleans, epoch ms for dates, undefined otherwise. With
 * the value column it tells the four types apart (README.md, "Profile attributes").
 */
function slotNumber(value: string | number | boolean): number | undefined {
  if (typeof value === 'boolean') return value ? 1 : 0;
  return typeof value === 'string' ? storedDateEpoch(value) : undefined;
}

/**
 * The slot numbers of an attribute object's booleans and dates (see slotNumber), by name, or
 * undefined when it has none; the names are also added to `numKeys` when given.
 */
export function slotNumbers(attributes: Readonly<Record<string, string | number | boolean>>, numKeys?: Set<string>): Record<string, number> | undefined {
  let nums: Record<string, number> | undefined;
  for (const key in attributes) {
    const n = slotNumber(attributes[key]!);
    if (n === undefined) continue;
    (nums ??= {})[key] = n;
    numKeys?.add(key);
  }
  return nums;
}

/**
 * Column list and values writing every slot: `value(name)` and `num(name)` say where a row holds a
 * name's value and its slot number (see slotNumbers); NULL for a name the row cannot have.
 */
export function slotValues(slots: AttributeSlots, value: (name: string) => SQL, num: (name: string) => SQL): { columns: SQL[]; values: SQL[] } {
  const columns: SQL[] = [];
  const values: SQL[] = [];
  for (const [key, slot] of slots) {
    const stored = slotColumns(slot);
    columns.push(sql`${sql.identifier(stored.value)}`, sql`${sql.identifier(stored.num)}`);
    values.push(value(key), num(key));
  }
  return { columns, values };
}

// json_object takes at most 127 arguments in SQLite's default build.
const KEYS_PER_OBJECT = 60;

/**
 * SQL: the member's attributes as a JSON object, rebuilt from the slot columns of `row` (e.g.
 * sql`m`): the slots are the only copy, which keeps member rows a third narrower for imports and
 * scans. Booleans come back as true/false. Unset slots are left out (a JSON merge patch drops null
 * members), or, with `unset: 'null'`, kept as null: a third of the cost per row, for readers that
 * treat null as unset (the runner's claim). The value carries SQLite's JSON subtype, so
 * json_array() embeds it as an object.
 */
export function attributesJson(slots: AttributeSlots, row: SQL, unset: 'absent' | 'null' = 'absent'): SQL {
  const entries = [...slots].map(([key, slot]) => {
    const { value, num } = slotColumns(slot);
    const v = sql`${row}.${sql.identifier(value)}`;
    return sql`${key}, CASE WHEN ${row}.${sql.identifier(num)} IS NOT NULL AND typeof(${v}) = 'integer' THEN json(iif(${v}, 'true', 'false')) ELSE ${v} END`;
  });
  const objects = [];
  for (let i = 0; i < entries.length; i += KEYS_PER_OBJECT) objects.push(sql`json_object(${sql.join(entries.slice(i, i + KEYS_PER_OBJECT), sql`, `)})`);
  if (unset === 'null' && objects.length === 1) return objects[0]!;
  return sql`json(${objects.reduce((merged, object) => sql`json_patch(${merged}, ${object})`, sql`'{}'`)})`;
}

const BACKFILL_PAGE = 5000;

/**
 * Fills the slots of members stored before slots existed (migrations/0006 leaves a row in
 * attribute_backfill when there are any) from their `attributes` column, which it then empties
 * (nothing reads it any more), and removes the marker. Runs once.
 */
export async function backfillAttributeSlots(db: Db): Promise<void> {
  const [pending] = await db.all<{ id: number }>(sql`SELECT id FROM attribute_backfill`);
  if (!pending) return;
  await rebuildAttributeSlots(db);
  await db.run(sql`DELETE FROM attribute_backfill`);
}

/** Rewrites every member's slots from its legacy `attributes` JSON, a page at a time, and empties it. */
export async function rebuildAttributeSlots(db: Db): Promise<void> {
  const names = await db.all<{ key: string }>(sql`SELECT DISTINCT j.key FROM members, json_each(members.attributes) AS j`);
  const slots = await ensureAttributeSlots(db, names.map((n) => n.key));
  const written = slotValues(
    slots,
    (name) => sql`data ->> ${`$.attributes."${name}"`}`,
    (name) => sql`data ->> ${`$.nums."${name}"`}`,
  );
  const assignments = written.columns.map((column, i) => sql`${column} = ${written.values[i]!}`);
  for (let after = 0; ; ) {
    const page = await db.all<{ id: number; attributes: string }>(
      sql`SELECT id, attributes FROM members WHERE id > ${after} ORDER BY id LIMIT ${BACKFILL_PAGE}`,
    );
    if (page.length === 0) break;
    const rows = page.map((m) => {
      const attributes = JSON.parse(m.attributes) as Record<string, string | number | boolean>;
      return JSON.stringify({ id: m.id, attributes, nums: slotNumbers(attributes) });
    });
    if (assignments.length > 0) {
      await db.run(sql`UPDATE members SET attributes = '{}', ${sql.join(assignments, sql`, `)}
        FROM (SELECT s.data ->> '$.id' AS member_id, jsonb(s.data) AS data FROM ${jsonRowsSource(rows)} AS s) AS r
        WHERE members.id = r.member_id`);
    }
    after = page[page.length - 1]!.id;
  }
}
