// Every suite that touches the database runs twice: on a temp libSQL file and on a real sqld.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe } from 'vitest';
import type { Client } from '@libsql/client';
import type { Db } from '../../src/db/client.js';
import { migrateDatabase } from '../../src/db/migrate.js';
import { openDatabase, tuneEmbeddedFile } from '../../src/db/open.js';
import { startSqld } from './sqld.js';

export type DatabaseKind = 'file' | 'sqld';
export const databaseKinds: DatabaseKind[] = ['file', 'sqld'];

export interface TestDatabase {
  kind: DatabaseKind;
  url: string;
  client: Client;
  db: Db;
  close(): Promise<void>;
}

export async function openTestDatabase(kind: DatabaseKind): Promise<TestDatabase> {
  let url: string;
  let stopServer: () => Promise<void> = async () => {};
  if (kind === 'file') {
    const dir = mkdtempSync(join(tmpdir(), 'invitations-test-'));
    url = `file:${join(dir, 'test.db')}`;
    stopServer = async () => rmSync(dir, { recursive: true, force: true });
  } else {
    const server = await startSqld();
    url = server.url;
    stopServer = server.stop;
  }
  // The file as the server and the runner open it: on a thread of its own.
  const { client, db } = openDatabase(url, undefined, { thread: kind === 'file' });
  await tuneEmbeddedFile(client, url);
  await migrateDatabase(db);
  return {
    kind,
    url,
    client,
    db,
    async close() {
      client.close();
      await stopServer();
    },
  };
}

/** Declares the suite once per database kind; `get()` returns this file's migrated database. */
export function describeEachDatabase(name: string, suite: (get: () => TestDatabase) => void): void {
  describe.each(databaseKinds)(`${name} [%s]`, (kind) => {
    let database: TestDatabase | undefined;
    beforeAll(async () => {
      database = await openTestDatabase(kind);
    });
    afterAll(async () => {
      await database?.close();
    });
    suite(() => {
      if (!database) throw new Error('database not opened yet');
      return database;
    });
  });
}
