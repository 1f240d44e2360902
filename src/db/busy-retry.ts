// A libSQL server (sqld, Turso) answers SQLITE_BUSY when another connection holds the write lock
// instead of waiting for it (an embedded file waits, PRAGMA busy_timeout). With several runners
// writing at once that is routine, so statements and batches that got it are tried again: both
// are atomic, and one refused with SQLITE_BUSY changed nothing.
import type { Client } from '@libsql/client';

const ATTEMPTS = 50;

function isBusy(error: unknown): boolean {
  const e = error as { code?: string; message?: string; cause?: { code?: string } } | null;
  return e?.code === 'SQLITE_BUSY' || e?.cause?.code === 'SQLITE_BUSY' || /SQLITE_BUSY|database is locked/.test(e?.message ?? '');
}

async function retried<T>(run: () => Promise<T>): Promise<T> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await run();
    } catch (error) {
      if (!isBusy(error) || attempt >= ATTEMPTS) throw error;
      // 5 ms, 10 ms, … up to 200 ms, jittered so waiting writers do not retry in step.
      const ceiling = Math.min(200, 5 * 2 ** Math.min(attempt, 6));
      await new Promise((resolve) => setTimeout(resolve, ceiling / 2 + Math.random() * (ceiling / 2)));
    }
  }
}

export function retryingBusy(client: Client): Client {
  return new Proxy(client, {
    get(target, property) {
      const value: unknown = Reflect.get(target, property, target);
      if (typeof value !== 'function') return value;
      // The client keeps private fields: its methods must run on it, not on the proxy.
      const method = value as (...args: unknown[]) => unknown;
      if (property === 'execute' || property === 'batch') return (...args: unknown[]) => retried(() => method.apply(target, args) as Promise<unknown>);
      return method.bind(target);
    },
  });
}
