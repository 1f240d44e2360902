// Node-only: an embedded libSQL file run on a thread of its own (database-worker.ts). The embedded
// client works synchronously on the calling thread: on the server, a 1M-member preview held every
// Slack ack and page behind it, and the runner could not build one batch while recording another.
// This is a libSQL Client like any other, so drizzle and everything above it are unchanged.
import { LibsqlBatchError, LibsqlError, type Client, type InArgs, type InStatement, type ResultSet, type Row, type Transaction, type TransactionMode } from '@libsql/client';
import { startWorker } from '../worker-thread.js';

/** A result set as it crosses threads: the rows as plain arrays (libSQL's Row objects do not survive the copy). */
export interface PlainResult {
  columns: string[];
  columnTypes: string[];
  rows: unknown[][];
  rowsAffected: number;
  lastInsertRowid: bigint | undefined;
}

export type DatabaseRequest =
  | { op: 'execute'; stmt: InStatement; tx?: number }
  | { op: 'batch'; stmts: InStatement[]; mode?: TransactionMode; tx?: number }
  | { op: 'migrate'; stmts: InStatement[] }
  | { op: 'executeMultiple'; sql: string; tx?: number }
  | { op: 'begin'; mode?: TransactionMode }
  | { op: 'commit' | 'rollback' | 'end'; tx: number };

/** What failed, with libSQL's codes (an Error loses its own fields between threads). */
export interface ThreadError {
  message: string;
  code?: string;
  extendedCode?: string;
  rawCode?: number;
  statementIndex?: number;
}

export type DatabaseAnswer = { id: number; ok: true; value: unknown } | { id: number; ok: false; error: ThreadError };

export interface ThreadConfig {
  url: string;
  timeout?: number;
}

function rowOf(values: unknown[], columns: string[]): Row {
  // The same shape as libSQL's own rows: indexes and a non-enumerable length, columns by name.
  const row: Record<string | number, unknown> = {};
  Object.defineProperty(row, 'length', { value: values.length });
  values.forEach((value, i) => {
    Object.defineProperty(row, i, { value });
    const column = columns[i]!;
    if (!Object.hasOwn(row, column)) Object.defineProperty(row, column, { value, enumerable: true, configurable: true, writable: true });
  });
  return row as unknown as Row;
}

function resultSet(plain: PlainResult): ResultSet {
  const rows = plain.rows.map((values) => rowOf(values, plain.columns));
  return {
    columns: plain.columns,
    columnTypes: plain.columnTypes,
    rows,
    rowsAffected: plain.rowsAffected,
    lastInsertRowid: plain.lastInsertRowid,
    toJSON: () => ({ ...plain, lastInsertRowid: plain.lastInsertRowid?.toString() }),
  };
}

function libsqlError(error: ThreadError): Error {
  const code = error.code ?? 'UNKNOWN';
  const rebuilt =
    error.statementIndex === undefined
      ? new LibsqlError(error.message, code, error.extendedCode, error.rawCode)
      : new LibsqlBatchError(error.message, error.statementIndex, code, error.extendedCode, error.rawCode);
  // The constructor puts the code before the message, which already starts with it.
  rebuilt.message = error.message;
  return rebuilt;
}

const statement = (stmt: InStatement | string, args?: InArgs): InStatement => (typeof stmt === 'string' ? (args === undefined ? stmt : { sql: stmt, args }) : stmt);
const statements = (stmts: Array<InStatement | [string, InArgs?]>): InStatement[] => stmts.map((s) => (Array.isArray(s) ? statement(s[0], s[1] ?? []) : s));

export function clientOnThread(config: ThreadConfig): Client {
  const worker = startWorker(new URL('./database-worker.ts', import.meta.url), { workerData: config });
  const pending = new Map<number, { resolve(value: unknown): void; reject(error: Error): void }>();
  let nextId = 1;
  let closed = false;
  let broken: Error | undefined;
  // Like a client on this thread, an idle database thread does not keep the process alive.
  worker.unref();
  worker.on('message', (answer: DatabaseAnswer) => {
    const waiter = pending.get(answer.id);
    pending.delete(answer.id);
    if (pending.size === 0) worker.unref();
    if (answer.ok) waiter?.resolve(answer.value);
    else waiter?.reject(libsqlError(answer.error));
  });
  const fail = (error: Error) => {
    broken = error;
    for (const waiter of pending.values()) waiter.reject(error);
    pending.clear();
  };
  worker.on('error', (error) => fail(new LibsqlError(`the database thread failed: ${error.message}`, 'THREAD_FAILED')));
  worker.on('exit', (code) => {
    if (!closed) fail(new LibsqlError(`the database thread stopped (exit code ${code})`, 'THREAD_FAILED'));
  });

  function ask<T>(request: DatabaseRequest): Promise<T> {
    if (closed) return Promise.reject(new LibsqlError('The client is closed', 'CLIENT_CLOSED'));
    if (broken) return Promise.reject(broken);
    const id = nextId++;
    if (pending.size === 0) worker.ref();
    return new Promise<T>((resolve, reject) => {
      pending.set(id, { resolve: resolve as (value: unknown) => void, reject });
      worker.postMessage({ id, request });
    });
  }
  const results = async (request: DatabaseRequest) => (await ask<PlainResult[]>(request)).map(resultSet);

  function transactionOn(tx: number): Transaction {
    let done = false;
    return {
      execute: async (stmt: InStatement) => resultSet(await ask<PlainResult>({ op: 'execute', stmt, tx })),
      batch: (stmts: InStatement[]) => results({ op: 'batch', stmts, tx }),
      executeMultiple: (sql: string) => ask<void>({ op: 'executeMultiple', sql, tx }),
      commit: async () => {
        await ask<void>({ op: 'commit', tx });
        done = true;
      },
      rollback: async () => {
        done = true;
        await ask<void>({ op: 'rollback', tx });
      },
      close: () => {
        if (done) return;
        done = true;
        void ask<void>({ op: 'end', tx }).catch(() => {});
      },
      get closed() {
        return done;
      },
    };
  }

  return {
    execute: async (stmt: InStatement | string, args?: InArgs) => resultSet(await ask<PlainResult>({ op: 'execute', stmt: statement(stmt, args) })),
    batch: (stmts: Array<InStatement | [string, InArgs?]>, mode?: TransactionMode) => results({ op: 'batch', stmts: statements(stmts), mode }),
    migrate: (stmts: InStatement[]) => results({ op: 'migrate', stmts }),
    transaction: async (mode?: TransactionMode) => transactionOn(await ask<number>({ op: 'begin', mode })),
    executeMultiple: (sql: string) => ask<void>({ op: 'executeMultiple', sql }),
    sync: () => Promise.reject(new LibsqlError('sync() is for embedded replicas', 'SYNC_NOT_SUPPORTED')),
    close: () => {
      if (closed) return;
      closed = true;
      void worker.terminate();
      fail(new LibsqlError('The client is closed', 'CLIENT_CLOSED'));
    },
    reconnect: () => {
      throw new LibsqlError('reconnect() is not supported on the database thread', 'RECONNECT_NOT_SUPPORTED');
    },
    get closed() {
      return closed;
    },
    protocol: 'file',
  } as Client;
}
