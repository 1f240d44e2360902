import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { sql } from 'drizzle-orm';
import { expect, it } from 'vitest';
import { migrateDatabase, migrationsFolder } from '../../src/db/migrate.js';
import { members } from '../../src/db/schema.js';
import { describeEachDatabase } from '../support/databases.js';

it('migration journal timestamps strictly increase (drizzle skips older ones silently)', () => {
  const journal = JSON.parse(readFileSync(join(migrationsFolder, 'meta/_journal.json'), 'utf8')) as {
    entries: { when: number }[];
  };
  const whens = journal.entries.map((e) => e.when);
  expect(whens.length).toBeGreaterThan(1);
  for (let i = 1; i < whens.length; i++) expect(whens[i]!).toBeGreaterThan(whens[i - 1]!);
});

describeEachDatabase('migrations', (get) => {
  it('are applied once and are safe to run again', async () => {
    const { db } = get();
    await migrateDatabase(db);
    const rows = await db.all<{ name: string }>(sql`SELECT name FROM sqlite_master WHERE type = 'trigger' ORDER BY name`);
    expect(rows.map((r) => r.name)).toEqual([
      'members_attributes_after_delete',
      'members_attributes_after_insert',
      'members_attributes_after_update',
    ]);
  });

  it('mirror member attributes into the typed index', async () => {
    const { db } = get();
    const now = Date.now();
    await db.insert(members).values({
      externalId: 'm-typed',
      attributes: { country: 'CA', age: 34, vip: true, joined: '2024-02-01', note: '2024-99-99 nope' },
      createdAt: now,
      updatedAt: now,
    });
    const rows = await db.all<{ key: string; type: string; value_text: string; value_num: number | null }>(
      sql`SELECT key, type, value_text, value_num FROM member_attributes WHERE member_id = (SELECT id FROM members WHERE external_id = 'm-typed') ORDER BY key`,
    );
    expect(rows).toEqual([
      { key: 'age', type: 'number', value_text: '34', value_num: 34 },
      { key: 'country', type: 'string', value_text: 'CA', value_num: null },
      { key: 'joined', type: 'date', value_text: '2024-02-01', value_num: Date.UTC(2024, 1, 1) },
      { key: 'note', type: 'string', value_text: '2024-99-99 nope', value_num: null },
      { key: 'vip', type: 'boolean', value_text: 'true', value_num: 1 },
    ]);
    await db.run(sql`UPDATE members SET attributes = '{"age": 35}' WHERE external_id = 'm-typed'`);
    const after = await db.all<{ key: string; value_num: number }>(
      sql`SELECT key, value_num FROM member_attributes WHERE member_id = (SELECT id FROM members WHERE external_id = 'm-typed')`,
    );
    expect(after).toEqual([{ key: 'age', value_num: 35 }]);
  });
});
