// The newcomer's path, as real processes: no provider credentials, `npm run tick` opens a due
// invitation and puts its messages in the local outbox, `npm run outbox` shows them, and so does
// GET /api/outbox.
import { spawnSync } from 'node:child_process';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { systemClock } from '../../src/core/clock.js';
import { createInvitation } from '../../src/core/invitations/service.js';
import { coreDeps, testApp } from '../support/app.js';
import { member, seedChats, seedMembers } from '../support/community.js';
import { openTestDatabase, type TestDatabase } from '../support/databases.js';
import { buildBundles, programArgs, type Bundles } from '../support/bundles.js';

let database: TestDatabase;
let bundles: Bundles;
beforeAll(async () => {
  [database, bundles] = await Promise.all([openTestDatabase('file'), buildBundles()]);
});
afterAll(async () => {
  bundles.remove();
  await database.close();
});

/** A TypeScript CLI, or a bundle (`npm run tick` runs dist/node/tick.js). */
function cli(script: string, args: string[] = []) {
  return spawnSync(process.execPath, programArgs(script, args), {
    // Quiet hours off: whenever the suite runs, the SMS goes now (runner-rules.test.ts covers quiet hours).
    env: { PATH: process.env.PATH, DATABASE_URL: database.url, LOG_LEVEL: 'warn', SMS_QUIET_HOURS: 'off' },
    encoding: 'utf8',
    timeout: 30_000,
  });
}

it('npm run tick sends to the outbox and npm run outbox reads it back', async () => {
  const { db } = database;
  const now = systemClock.now();
  await seedChats(db, now);
  await seedMembers(db, [member('ana', { attributes: { first_name: 'Ana' } }), member('ben', { phone: '+14165550102', preferredChannel: 'sms' })], now);
  await createInvitation(
    coreDeps(db, systemClock),
    { chatId: 'feedback', name: 'Newcomer', locale: 'en-US', scheduleMode: 'fixed', timeZone: 'UTC', closesAt: new Date(now + 86_400_000).toISOString(), target: { type: 'all' }, sameLocaleOnly: false, liveAudience: true, message: { channel: 'preference' } } as never,
    'api:test',
  );

  expect(cli('src/cli/outbox.ts').stdout).toContain('The outbox is empty');
  const tick = cli(bundles.tick);
  expect(tick.status, tick.stderr).toBe(0);
  expect(tick.stderr).toMatch(/^tick: opened 1, closed 0, sent 2, failed 0/m);

  const outbox = cli('src/cli/outbox.ts', ['--limit', '5']);
  expect(outbox.status).toBe(0);
  expect(outbox.stdout).toMatch(/email to ana@example\.com \(from Feedback\)/);
  expect(outbox.stdout).toMatch(/sms to \+14165550102/);
  expect(outbox.stdout).toMatch(/Hi Ana,/);
  expect(outbox.stdout).toMatch(/http:\/\/localhost:3000\/i\/[0-9a-f]{32}/);
  expect(cli('src/cli/outbox.ts', ['--limit', 'many']).stderr).toContain('--limit');

  const api = await testApp(db).call('GET', '/api/outbox?limit=1');
  expect(api.status).toBe(200);
  expect(api.body.items).toHaveLength(1);
  expect(api.body.nextBefore).toEqual(expect.any(Number));

  // Nothing is sent twice.
  expect(cli(bundles.tick).stderr).toMatch(/opened 0, closed 0, sent 0/);
}, 60_000);
