// Crash safety and concurrency with real processes: `npm run tick`'s program is SIGKILLed in the middle of sending
// 20,000 emails while Postmark holds an accepted batch unanswered; a new runner started after
// the lease ran out reconciles them against Postmark's message search instead of resending, sends
// the rest, and every member ends with exactly one message.
import { spawn, type ChildProcess } from 'node:child_process';
import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { createInvitation } from '../../src/core/invitations/service.js';
import { coreDeps } from '../support/app.js';
import { member, seedChats, seedMembers } from '../support/community.js';
import { openTestDatabase, type TestDatabase } from '../support/databases.js';
import { startFakePostmark, type FakePostmark } from '../support/fake-postmark.js';
import { systemClock } from '../../src/core/clock.js';

const MEMBERS = 20_000;
const LEASE_SECONDS = 5;

let database: TestDatabase;
let postmark: FakePostmark;
beforeAll(async () => {
  [database, postmark] = await Promise.all([openTestDatabase('file'), startFakePostmark()]);
});
afterAll(async () => {
  await Promise.all([database.close(), postmark.close()]);
});

function runner(): { child: ChildProcess; output: Promise<{ code: number | null; signal: NodeJS.Signals | null; stderr: string }> } {
  const child = spawn(process.execPath, ['--import', 'tsx', 'src/cli/tick.ts'], {
    env: {
      PATH: process.env.PATH,
      DATABASE_URL: database.url,
      POSTMARK_SERVER_TOKEN: postmark.serverToken,
      POSTMARK_FROM: 'invitations@research.example.org',
      POSTMARK_API_URL: postmark.url,
      DELIVERY_LEASE_SECONDS: String(LEASE_SECONDS),
      RECONCILE_AFTER_SECONDS: '0',
      EMAIL_RATE: '0',
      LOG_LEVEL: 'warn',
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stderr = '';
  child.stderr!.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  child.stdout!.resume(); // the JSON logs: read, or a full pipe would stall the runner
  const output = new Promise<{ code: number | null; signal: NodeJS.Signals | null; stderr: string }>((resolve) => child.on('exit', (code, signal) => resolve({ code, signal, stderr })));
  return { child, output };
}

async function until(condition: () => boolean, timeoutMs: number, what: () => string): Promise<void> {
  const end = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > end) throw new Error(`timed out waiting: ${what()}`);
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

it(`a runner killed mid-send loses nothing and sends nothing twice (${MEMBERS.toLocaleString('en-US')} emails)`, async () => {
  const { db } = database;
  const now = systemClock.now();
  await seedChats(db, now);
  await seedMembers(db, Array.from({ length: MEMBERS }, (_, i) => member(`c${i}`)), now);
  await createInvitation(
    coreDeps(db, systemClock),
    { chatId: 'onboarding', name: 'Crash', scheduleMode: 'fixed', timeZone: 'UTC', closesAt: new Date(now + 86_400_000).toISOString(), target: { type: 'all' }, sameLocaleOnly: false, liveAudience: true, message: { channel: 'email' } } as never,
    'api:test',
  );

  postmark.delay(40); // paced, so the kill lands mid-send
  const first = runner();
  let firstErr = '';
  first.child.stderr!.on('data', (c: Buffer) => (firstErr += c.toString()));
  const status = () => `${postmark.sent.length} sent; runner said: ${firstErr.slice(-2000)}`;
  await until(() => postmark.sent.length >= 4_000, 60_000, status);
  postmark.hangNext(1); // a batch Postmark accepts and never answers (the other worker goes on)
  await until(() => postmark.sent.length >= 9_000, 60_000, status);
  first.child.kill('SIGKILL');
  const killed = await first.output;
  expect(killed.signal).toBe('SIGKILL');
  const atKill = postmark.sent.length;
  expect(atKill).toBeLessThan(MEMBERS);
  const [inFlight] = await db.all<{ n: number }>(sql`SELECT count(*) AS n FROM deliveries WHERE state = 'sending'`);
  expect(inFlight!.n).toBeGreaterThanOrEqual(500); // the hung batch at least

  postmark.delay(0);
  await new Promise((resolve) => setTimeout(resolve, LEASE_SECONDS * 1000 + 200));
  const second = runner();
  const done = await second.output;
  expect(done.code, done.stderr).toBe(0);
  expect(done.stderr).toMatch(/reconciled [1-9]\d*/);

  const recipients = postmark.sent.map((m) => m.message.To!);
  expect(recipients).toHaveLength(MEMBERS);
  expect(new Set(recipients).size).toBe(MEMBERS);
  const states = await db.all<{ state: string; n: number }>(sql`SELECT state, count(*) AS n FROM deliveries GROUP BY state`);
  expect(states).toEqual([{ state: 'sent', n: MEMBERS }]);
}, 120_000);

it('two runner processes ticking at once open the invitation once and send each message once', async () => {
  const { db } = database;
  await db.run(sql`DELETE FROM deliveries`);
  await db.run(sql`DELETE FROM send_batches`);
  await db.run(sql`DELETE FROM participations`);
  await db.run(sql`DELETE FROM invitations`);
  postmark.reset();
  const now = systemClock.now();
  await createInvitation(
    coreDeps(db, systemClock),
    { chatId: 'onboarding', name: 'Twice', scheduleMode: 'fixed', timeZone: 'UTC', closesAt: new Date(now + 86_400_000).toISOString(), target: { type: 'all' }, sameLocaleOnly: false, liveAudience: true, message: { channel: 'email' } } as never,
    'api:test',
  );
  const [a, b] = [runner(), runner()];
  const [ra, rb] = await Promise.all([a.output, b.output]);
  expect(ra.code, ra.stderr).toBe(0);
  expect(rb.code, rb.stderr).toBe(0);
  const sent = (stderr: string) => Number(/sent (\d+)/.exec(stderr)?.[1] ?? NaN);
  const opened = (stderr: string) => Number(/opened (\d+)/.exec(stderr)?.[1] ?? NaN);
  expect(opened(ra.stderr) + opened(rb.stderr)).toBe(1);
  expect(sent(ra.stderr) + sent(rb.stderr)).toBe(MEMBERS);
  const recipients = postmark.sent.map((m) => m.message.To!);
  expect(recipients).toHaveLength(MEMBERS);
  expect(new Set(recipients).size).toBe(MEMBERS);
}, 120_000);
