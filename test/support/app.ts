// The real app on a real database, with a clock the test moves by hand.
import { sql } from 'drizzle-orm';
import { createApp, type AppDeps } from '../../src/app.js';
import type { Clock } from '../../src/core/clock.js';
import type { CoreDeps } from '../../src/core/deps.js';
import { silentLogger, type Logger } from '../../src/core/logger.js';
import type { Db } from '../../src/db/client.js';

export const TEST_API_TOKEN = 'test-api-token-0123456789abcdef';

export interface ManualClock extends Clock {
  set(instant: number | string): void;
  advance(ms: number): void;
}

export function manualClock(start: number | string = '2026-12-01T12:00:00Z'): ManualClock {
  let t = typeof start === 'string' ? Date.parse(start) : start;
  return {
    now: () => t,
    set: (v) => (t = typeof v === 'string' ? Date.parse(v) : v),
    advance: (ms) => (t += ms),
  };
}

export function coreDeps(db: Db, clock: Clock, settings: Partial<CoreDeps['settings']> = {}): CoreDeps {
  return { db, clock, logger: silentLogger, settings: { cooldownDays: 7, publicBaseUrl: 'http://localhost:3000', ...settings } };
}

export function testApp(db: Db, clock: Clock = manualClock(), logger: Logger = silentLogger, extra: Partial<AppDeps> = {}) {
  const app = createApp({ ...coreDeps(db, clock), logger, apiToken: TEST_API_TOKEN, ...extra });
  async function call(method: string, path: string, body?: unknown, headers: Record<string, string> = {}) {
    const res = await app.request(path, {
      method,
      headers: { authorization: `Bearer ${TEST_API_TOKEN}`, ...(body !== undefined ? { 'content-type': 'application/json' } : {}), ...headers },
      body: body === undefined ? undefined : typeof body === 'string' ? body : JSON.stringify(body),
    });
    const text = await res.text();
    let json: any;
    try {
      json = text ? JSON.parse(text) : undefined;
    } catch {
      json = text;
    }
    return { status: res.status, body: json, contentType: res.headers.get('content-type') ?? '' };
  }
  return { app, call };
}

/** Wipes every table so each test starts from a known state on the file's shared database. */
export async function clearTables(db: Db): Promise<void> {
  for (const table of ['deliveries', 'send_batches', 'outbox', 'participations', 'audit_events', 'invitations', 'chat_responses', 'members', 'chat_locales', 'chats', 'import_rows', 'slack_events', 'send_rates']) {
    await db.run(sql.raw(`DELETE FROM ${table}`));
  }
}
