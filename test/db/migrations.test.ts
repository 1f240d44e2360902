import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { sql } from 'drizzle-orm';
import { migrate } from 'drizzle-orm/libsql/migrator';
import { expect, it } from 'vitest';
import { migrateDatabase, migrationsFolder } from '../../src/db/migrate.js';
import { openDatabase } from '../../src/db/open.js';
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

it('0002 keys participations by the invitation seq, keeping every row of an existing database', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'migrations-'));
  const before = join(dir, 'before');
  cpSync(migrationsFolder, before, { recursive: true });
  const journalPath = join(before, 'meta/_journal.json');
  const journal = JSON.parse(readFileSync(journalPath, 'utf8')) as { entries: { tag: string }[] };
  journal.entries = journal.entries.filter((e) => e.tag < '0002');
  writeFileSync(journalPath, JSON.stringify(journal));
  const { client, db } = openDatabase(`file:${join(dir, 'old.db')}`);
  try {
    await migrate(db, { migrationsFolder: before });
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
    client.close();
    rmSync(dir, { recursive: true, force: true });
  }
});
