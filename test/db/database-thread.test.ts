// The embedded file on a thread of its own answers exactly as the client on the calling thread
// does (rows, errors with their codes, batches, transactions), and leaves the event loop free.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { migrateDatabase } from '../../src/db/migrate.js';
import { openDatabase, tuneEmbeddedFile, type OpenDatabase } from '../../src/db/open.js';
import { chats } from '../../src/db/schema.js';

const dir = mkdtempSync(join(tmpdir(), 'database-thread-'));
let threaded: OpenDatabase;
let direct: OpenDatabase;

beforeAll(async () => {
  const url = `file:${join(dir, 'test.db')}`;
  threaded = openDatabase(url, undefined, { thread: true });
  await tuneEmbeddedFile(threaded.client, url);
  await migrateDatabase(threaded.db);
  direct = openDatabase(url);
  await threaded.client.execute('CREATE TABLE samples (id INTEGER PRIMARY KEY, label TEXT NOT NULL UNIQUE, weight REAL, data BLOB)');
});
afterAll(() => {
  threaded?.client.close();
  direct?.client.close();
  rmSync(dir, { recursive: true, force: true });
});

const failure = (promise: Promise<unknown>) => promise.then(() => undefined, (error: unknown) => error as Error & { code?: string; statementIndex?: number });

describe('an embedded database on its own thread', () => {
  it('returns the same rows, ids and counts as the client on the calling thread', async () => {
    const inserted = await threaded.client.execute({ sql: 'INSERT INTO samples (label, weight, data) VALUES (?, ?, ?)', args: ['a', 1.5, new Uint8Array([1, 2, 3])] });
    expect(inserted.rowsAffected).toBe(1);
    expect(inserted.lastInsertRowid).toBe(1n);
    await threaded.client.execute('INSERT INTO samples (label, weight) VALUES (?, ?)', ['b', null]);
    const query = 'SELECT id, label, weight, data, label AS id FROM samples ORDER BY id';
    const [mine, theirs] = [await threaded.client.execute(query), await direct.client.execute(query)];
    expect(mine.columns).toEqual(theirs.columns);
    expect(mine.columnTypes).toEqual(theirs.columnTypes);
    // Rows are read both ways: by position (drizzle's selects) and by name (its raw queries).
    expect(mine.rows.map((row) => Array.prototype.slice.call(row))).toEqual(theirs.rows.map((row) => Array.prototype.slice.call(row)));
    expect(mine.rows.map((row) => ({ ...row }))).toEqual(theirs.rows.map((row) => ({ ...row })));
    expect(mine.rows[0]!.length).toBe(4 + 1);
    expect(mine.rows[0]!.id).toBe(1);
    expect(new Uint8Array(mine.rows[0]!.data as ArrayBuffer)).toEqual(new Uint8Array([1, 2, 3]));
  });

  it('works under drizzle: typed selects, inserts and raw statements', async () => {
    const now = Date.now();
    await threaded.db.insert(chats).values({ id: 'thread-chat', name: 'On a thread', defaultLocale: 'en-US', createdAt: now, updatedAt: now });
    const [mine] = await threaded.db.select().from(chats).where(sql`${chats.id} = 'thread-chat'`);
    const [theirs] = await direct.db.select().from(chats).where(sql`${chats.id} = 'thread-chat'`);
    expect(mine).toEqual(theirs);
    expect(mine).toMatchObject({ id: 'thread-chat', name: 'On a thread', createdAt: now });
    expect(await threaded.db.all(sql`SELECT count(*) AS n FROM samples`)).toEqual([{ n: 2 }]);
  });

  it('keeps libSQL’s error codes, and a failed batch changes nothing', async () => {
    const single = await failure(threaded.client.execute({ sql: 'INSERT INTO samples (label) VALUES (?)', args: ['a'] }));
    const same = await failure(direct.client.execute({ sql: 'INSERT INTO samples (label) VALUES (?)', args: ['a'] }));
    expect(single?.code).toBe(same?.code);
    expect(single?.code).toMatch(/^SQLITE_CONSTRAINT/);
    expect(single?.message).toBe(same?.message);

    const batch = await failure(
      threaded.client.batch([
        { sql: 'INSERT INTO samples (label) VALUES (?)', args: ['c'] },
        { sql: 'INSERT INTO samples (label) VALUES (?)', args: ['b'] },
      ]),
    );
    expect(batch?.code).toMatch(/^SQLITE_CONSTRAINT/);
    expect(batch?.statementIndex).toBe(1);
    const { rows } = await threaded.client.execute("SELECT count(*) AS n FROM samples WHERE label = 'c'");
    expect(rows[0]!.n).toBe(0);
  });

  it('runs interactive transactions: committed work stays, work in one that throws is rolled back', async () => {
    await threaded.db.transaction(async (tx) => {
      await tx.run(sql`INSERT INTO samples (label) VALUES ('kept')`);
    });
    const thrown = await failure(
      threaded.db.transaction(async (tx) => {
        await tx.run(sql`INSERT INTO samples (label) VALUES ('undone')`);
        throw new Error('changed my mind');
      }),
    );
    expect(thrown?.message).toBe('changed my mind');
    // Each transaction gives its connection back: more of them than the client's pool holds still run.
    for (let i = 0; i < 20; i++) {
      await failure(threaded.db.transaction(async (tx) => tx.run(sql`INSERT INTO samples (label) VALUES ('kept')`)));
    }
    await threaded.db.transaction(async (tx) => tx.run(sql`INSERT INTO samples (label) VALUES ('after')`));
    const labels = (await direct.client.execute("SELECT label FROM samples WHERE label IN ('kept', 'undone', 'after') ORDER BY id")).rows.map((row) => row.label);
    expect(labels).toEqual(['kept', 'after']);
  });

  it('leaves the event loop free while a long statement runs', async () => {
    const slow = 'WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 2000000) SELECT count(*) AS n FROM n';
    const ticksDuring = async (client: OpenDatabase['client']) => {
      let ticks = 0;
      const timer = setInterval(() => ticks++, 5);
      const started = performance.now();
      await client.execute(slow);
      clearInterval(timer);
      return { ticks, ms: performance.now() - started };
    };
    const blocked = await ticksDuring(direct.client);
    const free = await ticksDuring(threaded.client);
    // On the calling thread, no timer fires until the statement is done.
    expect(blocked.ticks).toBe(0);
    expect(free.ticks).toBeGreaterThanOrEqual(Math.floor(free.ms / 5 / 4));
  });

  it('refuses work once closed, with libSQL’s code', async () => {
    const url = `file:${join(dir, 'closed.db')}`;
    const { client } = openDatabase(url, undefined, { thread: true });
    await client.execute('SELECT 1');
    client.close();
    expect(client.closed).toBe(true);
    expect((await failure(client.execute('SELECT 1')))?.code).toBe('CLIENT_CLOSED');
  });
});
