import type { Client } from '@libsql/client';
import { drizzle, type LibSQLDatabase } from 'drizzle-orm/libsql';
import * as schema from './schema.js';

export type Db = LibSQLDatabase<typeof schema>;

/**
 * Wraps a libSQL client (embedded file, sqld or Turso; the entry point picks the build of
 * @libsql/client that its runtime supports) in drizzle with our schema.
 */
export function createDb(client: Client): Db {
  return drizzle(client, { schema });
}
