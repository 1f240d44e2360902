import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { sql } from 'drizzle-orm';
import { migrate } from 'drizzle-orm/libsql/migrator';
import { expect, it } from 'vitest';
import { migrateDatabase, migrationsFolder } from '../../src/db/migrate.js';
import { openDatabase } from '../../src/db/open.js';
import { attributeIndex } from '../support/attributes.js';
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
    const tables = await db.all<{ name: string }>(sql`SELECT name FROM sqlite_master WHERE type IN ('table', 'trigger') AND name LIKE '%attribute%' ORDER BY name`);
    expect(tables.map((r) => r.name)).toEqual(['attribute_backfill', 'attribute_slots']);
  });
});

/** A database migrated with the migrations before `tag` only, as an older release left it. */
async function olderDatabase(tag: string) {
  const dir = mkdtempSync(join(tmpdir(), 'migrations-'));
  const before = join(dir, 'before');
  cpSync(migrationsFolder, before, { recursive: true });
  const journalPath = join(before, 'meta/_journal.json');
  const journal = JSON.parse(readFileSync(journalPath, 'utf8')) as { entries: { tag: string }[] };
  journal.entries = journal.entries.filter((e) => e.tag < tag);
  writeFileSync(journalPath, JSON.stringify(journal));
  const { client, db } = openDatabase(`file:${join(dir, 'old.db')}`);
  await migrate(db, { migrationsFolder: before });
  return {
    db,
    close() {
      client.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

it('0006 moves the attributes of existing members into typed slots', async () => {
  const old = await olderDatabase('0006');
  const { db } = old;
  try {
  await db.run(sql`INSERT INTO members (external_id, attributes, created_at, updated_at) VALUES
    ('m-typed', '{"country":"CA","age":34,"vip":true,"joined":"2024-02-01","note":"2024-99-99 nope"}', 1, 1),
    ('m-other', '{"age":2.5,"vip":false}', 1, 1), ('m-none', '{}', 1, 1)`);
  expect(await db.all(sql`SELECT count(*) AS n FROM member_attributes`)).toEqual([{ n: 7 }]);
  await migrateDatabase(db);
  expect(await attributeIndex(db, 'm-typed')).toEqual([
    { key: 'age', type: 'number', value_text: '34', value_num: 34 },
    { key: 'country', type: 'string', value_text: 'CA', value_num: null },
    { key: 'joined', type: 'date', value_text: '2024-02-01', value_num: Date.UTC(2024, 1, 1) },
    { key: 'note', type: 'string', value_text: '2024-99-99 nope', value_num: null },
    { key: 'vip', type: 'boolean', value_text: 'true', value_num: 1 },
  ]);
  expect(await attributeIndex(db, 'm-other')).toEqual([
    { key: 'age', type: 'number', value_text: '2.5', value_num: 2.5 },
    { key: 'vip', type: 'boolean', value_text: 'false', value_num: 0 },
  ]);
  expect(await attributeIndex(db, 'm-none')).toEqual([]);
  // Done once: the marker is gone, and running again changes nothing.
  expect(await db.all(sql`SELECT * FROM attribute_backfill`)).toEqual([]);
  await migrateDatabase(db);
  expect(await attributeIndex(db, 'm-other')).toHaveLength(2);
  } finally {
    old.close();
  }
});

it('0002 keys participations by the invitation seq, keeping every row of an existing database', async () => {
  const old = await olderDatabase('0002');
  const { db } = old;
  try {
    await db.run(sql`INSERT INTO chats (id, name, default_locale, created_at, updated_at) VALUES ('c', 'C', 'en-US', 1, 1)`);
    await db.run(sql`INSERT INTO members (external_id, attributes, created_at, updated_at) VALUES ('m1', '{}', 1, 1), ('m2', '{}', 1, 1)`);
    for (const [id, at] of [['inv_later', 20], ['inv_earlier', 10]] as const) {
      await db.run(sql`INSERT INTO invitations (id, chat_id, name, locale, schedule_mode, time_zone, opens_at, closes_at, target, channel, created_by, status, created_at, updated_at)
        VALUES (${id}, 'c', ${id}, 'en-US', 'fixed', 'UTC', 1, 2, '{}', 'email', 't', 'closed', ${at}, ${at})`);
    }
    await db.run(sql`INSERT INTO participations (invitation_id, member_id, chat_id, token, channel, targeted_at, completed_at)
      VALUES ('inv_later', 1, 'c', 'tok-a', 'email', 5, 6), ('inv_earlier', 1, 'c', 'tok-b', 'email', 5, NULL), ('inv_earlier', 2, 'c', NULL, 'sms', 5, NULL)`);

    await migrateDatabase(db);
    const rows = await db.all<{ id: string; seq: number; member_id: number; token: string | null; channel: string; completed_at: number | null }>(
      sql`SELECT i.id, i.seq, p.member_id, p.token, p.channel, p.completed_at FROM participations p JOIN invitations i ON i.seq = p.invitation_seq ORDER BY i.seq, p.member_id`,
    );
    expect(rows).toEqual([
      { id: 'inv_earlier', seq: 1, member_id: 1, token: 'tok-b', channel: 'email', completed_at: null },
      { id: 'inv_earlier', seq: 1, member_id: 2, token: null, channel: 'sms', completed_at: null },
      { id: 'inv_later', seq: 2, member_id: 1, token: 'tok-a', channel: 'email', completed_at: 6 },
    ]);
    // New invitations continue after the migrated keys.
    await db.run(sql`INSERT INTO invitations (id, chat_id, name, locale, schedule_mode, time_zone, opens_at, closes_at, target, channel, created_by, status, created_at, updated_at)
      VALUES ('inv_new', 'c', 'n', 'en-US', 'fixed', 'UTC', 1, 2, '{}', 'email', 't', 'scheduled', 30, 30)`);
    expect(await db.all(sql`SELECT seq FROM invitations WHERE id = 'inv_new'`)).toEqual([{ seq: 3 }]);
  } finally {
    old.close();
  }
});
