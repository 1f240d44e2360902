// A libSQL server that leaves the runner's claim or record unanswered (a proxy in front of a real
// sqld holds back the request, to run it late, or the answer of one already run): the runner sends
// it again, the repeated claim gets what the first one claimed, and the late request changes
// nothing — every member gets one message, no batch is claimed twice.
import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { sendDue } from '../../src/core/delivery/dispatch.js';
import { openDueInvitations } from '../../src/core/delivery/open.js';
import { createInvitation } from '../../src/core/invitations/service.js';
import { jsonLogger } from '../../src/core/logger.js';
import { migrateDatabase } from '../../src/db/migrate.js';
import { openDatabase, type OpenDatabase } from '../../src/db/open.js';
import { coreDeps, manualClock } from '../support/app.js';
import { member, seedChats, seedMembers } from '../support/community.js';
import { startFakePostmark, type FakePostmark } from '../support/fake-postmark.js';
import { startFakeTwilio, type FakeTwilio } from '../support/fake-twilio.js';
import { startHoldingProxy, type HoldingProxy } from '../support/holding-proxy.js';
import { fakeProviders, runnerDeps } from '../support/runner.js';
import { startSqld, type SqldServer } from '../support/sqld.js';

const MEMBERS = 1_200;
const ANSWER_MS = 1_000;

let sqld: SqldServer;
let proxy: HoldingProxy;
let postmark: FakePostmark;
let twilio: FakeTwilio;
let direct: OpenDatabase;
let proxied: OpenDatabase;
beforeAll(async () => {
  [sqld, postmark, twilio] = await Promise.all([startSqld(), startFakePostmark(), startFakeTwilio()]);
  proxy = await startHoldingProxy(sqld.url);
  direct = openDatabase(sqld.url);
  proxied = openDatabase(proxy.url);
  await migrateDatabase(direct.db);
});
afterAll(async () => {
  direct.client.close();
  proxied.client.close();
  await Promise.all([proxy.close(), sqld.stop(), postmark.close(), twilio.close()]);
});

it('a claim and a record left unanswered are sent again, and running late they change nothing', async () => {
  const clock = manualClock('2026-12-01T12:00:00Z');
  await seedChats(direct.db, clock.now());
  await seedMembers(direct.db, Array.from({ length: MEMBERS }, (_, i) => member(`u${i}`)), clock.now());
  await createInvitation(
    coreDeps(direct.db, clock),
    { chatId: 'onboarding', name: 'Held', scheduleMode: 'fixed', timeZone: 'UTC', closesAt: '2026-12-08T12:00:00Z', target: { type: 'all' }, sameLocaleOnly: false, liveAudience: true, message: { channel: 'email' } } as never,
    'api:test',
  );
  const logs: string[] = [];
  const deps = { ...runnerDeps(proxied.db, clock, fakeProviders(postmark, twilio), { delivery: { databaseAnswerMs: ANSWER_MS } }), logger: jsonLogger('warn', (line) => logs.push(line)) };
  expect(await openDueInvitations(deps)).toHaveLength(1);

  // Claims write their batch row; records close it.
  proxy.holdNext('INSERT INTO send_batches', 'answer');
  proxy.holdNext('INSERT INTO send_batches', 'request');
  proxy.holdNext(`SET state = 'recorded'`, 'request');
  const report = await sendDue(deps, { concurrency: 1 });
  expect(proxy.held()).toBe(3);
  expect(report.sent).toBe(MEMBERS);
  // At least once each (a slow machine may leave a repeated request over the limit too).
  const unanswered = logs.map((line) => JSON.parse(line) as { event: string; step: string }).filter((l) => l.event === 'delivery.db_unanswered');
  expect(new Set(unanswered.map((l) => l.step))).toEqual(new Set(['claim', 'record']));

  // The held requests reach sqld late: they must claim and change nothing.
  await proxy.release();
  const recipients = postmark.sent.map((m) => m.message.To!);
  expect(recipients).toHaveLength(MEMBERS);
  expect(new Set(recipients).size).toBe(MEMBERS);
  const states = await direct.db.all<{ state: string; n: number }>(sql`SELECT state, count(*) AS n FROM deliveries GROUP BY state`);
  expect(states).toEqual([{ state: 'sent', n: MEMBERS }]);
  const batches = await direct.db.all<{ state: string; n: number; attempted: number }>(sql`SELECT state, count(*) AS n, sum(attempted) AS attempted FROM send_batches GROUP BY state`);
  expect(batches).toEqual([{ state: 'recorded', n: Math.ceil(MEMBERS / 500), attempted: MEMBERS }]);
}, 60_000);
