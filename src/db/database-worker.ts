// Worker thread: holds the embedded libSQL client and runs what database-thread.ts sends it, one
// request at a time (the client works synchronously), open transactions kept by number.
import { createClient, type ResultSet, type Transaction } from '@libsql/client';
import { parentPort, workerData } from 'node:worker_threads';
import type { DatabaseAnswer, DatabaseRequest, PlainResult, ThreadConfig, ThreadError } from './database-thread.js';

const port = parentPort!;
const client = createClient(workerData as ThreadConfig);
const transactions = new Map<number, Transaction>();
let nextTransaction = 1;

function plain(result: ResultSet): PlainResult {
  return {
    columns: result.columns,
    columnTypes: result.columnTypes,
    rows: result.rows.map((row) => Array.prototype.slice.call(row) as unknown[]),
    rowsAffected: result.rowsAffected,
    lastInsertRowid: result.lastInsertRowid,
  };
}

function transaction(tx: number): Transaction {
  const open = transactions.get(tx);
  if (!open) throw Object.assign(new Error('The transaction is closed'), { code: 'TRANSACTION_CLOSED' });
  return open;
}

async function run(request: DatabaseRequest): Promise<unknown> {
  switch (request.op) {
    case 'execute':
      return plain(await (request.tx === undefined ? client : transaction(request.tx)).execute(request.stmt));
    case 'batch':
      return (await (request.tx === undefined ? client.batch(request.stmts, request.mode) : transaction(request.tx).batch(request.stmts))).map(plain);
    case 'migrate':
      return (await client.migrate(request.stmts)).map(plain);
    case 'executeMultiple':
      return (request.tx === undefined ? client : transaction(request.tx)).executeMultiple(request.sql);
    case 'begin': {
      const id = nextTransaction++;
      transactions.set(id, await client.transaction(request.mode));
      return id;
    }
    case 'commit':
      // Kept until it succeeds: after a failed commit, drizzle rolls back.
      await transaction(request.tx).commit();
      transactions.delete(request.tx);
      return undefined;
    case 'rollback':
      try {
        return await transaction(request.tx).rollback();
      } finally {
        transactions.delete(request.tx);
      }
    case 'end':
      transactions.get(request.tx)?.close();
      transactions.delete(request.tx);
      return undefined;
  }
}

function threadError(error: unknown): ThreadError {
  const e = error as Partial<ThreadError> & { message?: string };
  return { message: e?.message ?? String(error), code: e?.code, extendedCode: e?.extendedCode, rawCode: e?.rawCode, statementIndex: e?.statementIndex };
}

port.on('message', ({ id, request }: { id: number; request: DatabaseRequest }) => {
  run(request).then(
    (value) => port.postMessage({ id, ok: true, value } satisfies DatabaseAnswer),
    (error: unknown) => port.postMessage({ id, ok: false, error: threadError(error) } satisfies DatabaseAnswer),
  );
});
