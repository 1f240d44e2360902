// The delivery rules one by one, on a temp-file database: member-local opening, SMS quiet hours,
// rate limits, 429 Retry-After, permanent SMS errors, the failure guard, reminders, remind now,
// retry failed, the send guard at open.
import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { remindNow, resumeInvitation, retryFailed } from '../../src/core/delivery/controls.js';
import { deliveryProgress } from '../../src/core/delivery/progress.js';
import type { InvitationCreateInput } from '../../src/core/invitations/input.js';
import { createInvitation, getInvitation } from '../../src/core/invitations/service.js';
import { recordCompletion } from '../../src/core/participants/completions.js';
import { runTick } from '../../src/jobs/tick.js';
import { clearTables, coreDeps, manualClock } from '../support/app.js';
import { member, seedChats, seedMembers } from '../support/community.js';
import { openTestDatabase, type TestDatabase } from '../support/databases.js';
import { startFakePostmark, type FakePostmark } from '../support/fake-postmark.js';
import { startFakeTwilio, type FakeTwilio } from '../support/fake-twilio.js';
import { fakeProviders, runnerDeps } from '../support/runner.js';
import type { DeliverySettings } from '../../src/core/delivery/deps.js';
import { invitationInput } from '../support/invitation-input.js';

const HOUR = 3_600_000;
let database: TestDatabase;
let postmark: FakePostmark;
let twilio: FakeTwilio;
beforeAll(async () => {
  [database, postmark, twilio] = await Promise.all([openTestDatabase('file'), startFakePostmark(), startFakeTwilio()]);
});
afterAll(async () => {
  await Promise.all([database.close(), postmark.close(), twilio.close()]);
});

const clock = manualClock('2026-12-01T12:00:00Z');
const db = () => database.db;
const deps = (delivery: Partial<DeliverySettings> = {}, runnerId = 'r1') => runnerDeps(db(), clock, fakeProviders(postmark, twilio, 500), { delivery: { reconcileAfterMs: 0, ...delivery }, runnerId });

beforeEach(async () => {
  clock.set('2026-12-01T12:00:00Z');
  postmark.reset();
  twilio.reset();
  await clearTables(db());
  await seedChats(db(), clock.now());
});

async function create(overrides: Partial<InvitationCreateInput> = {}, actor = 'api:test') {
  const { invitation } = await createInvitation(
    coreDeps(db(), clock),
    invitationInput({ chatId: 'feedback', name: 'Rules', locale: 'en-US', closesAt: '2026-12-20T12:00:00Z', ...overrides }),
    actor,
  );
  return invitation;
}

const people = (n: number, overrides: Parameters<typeof member>[1] = {}) => Array.from({ length: n }, (_, i) => member(`p${i}`, { phone: `+1416555${1000 + i}`, ...overrides }));

describe('member-local schedules', () => {
  it('each member gets the first message at the open time in their own zone', async () => {
    await seedMembers(db(), [member('tokyo', { timezone: 'Asia/Tokyo' }), member('paris', { timezone: 'Europe/Paris' }), member('toronto', { timezone: 'America/Toronto' })], clock.now());
    await create({ scheduleMode: 'member_local', opensAt: '2026-12-02T09:00', closesAt: '2026-12-09T18:00' });
    const sentTo = () => postmark.sent.map((m) => m.message.To!.split('@')[0]);
    clock.set('2026-12-02T00:00:00Z'); // 09:00 in Tokyo
    await runTick(deps());
    expect(sentTo()).toEqual(['tokyo']);
    clock.set('2026-12-02T08:00:00Z'); // 09:00 in Paris
    await runTick(deps());
    expect(sentTo()).toEqual(['tokyo', 'paris']);
    clock.set('2026-12-02T13:59:00Z');
    await runTick(deps());
    expect(sentTo()).toHaveLength(2);
    clock.set('2026-12-02T14:00:00Z'); // 09:00 in Toronto
    await runTick(deps());
    expect(sentTo()).toEqual(['tokyo', 'paris', 'toronto']);
  });
});

describe('SMS', () => {
  it('waits out quiet hours in the member zone instead of dropping the message', async () => {
    await seedMembers(db(), [member('van', { timezone: 'America/Vancouver', phone: '+16045550100' }), member('tor', { timezone: 'America/Toronto', phone: '+14165550100' })], clock.now());
    await create({ message: { channel: 'sms' }, opensAt: '2026-12-02T04:30:00Z' });
    clock.set('2026-12-02T04:30:00Z'); // 20:30 in Vancouver, 23:30 in Toronto
    const night = await runTick(deps({ smsQuietHours: { start: 21, end: 8 } }));
    expect(night.dispatch).toMatchObject({ sent: 1, deferred: 1 });
    expect(twilio.sent.map((m) => m.params.To)).toEqual(['+16045550100']);
    clock.set('2026-12-02T12:59:00Z'); // 07:59 in Toronto
    await runTick(deps({ smsQuietHours: { start: 21, end: 8 } }));
    expect(twilio.sent).toHaveLength(1);
    clock.set('2026-12-02T13:00:00Z'); // 08:00
    await runTick(deps({ smsQuietHours: { start: 21, end: 8 } }));
    expect(twilio.sent.map((m) => m.params.To)).toEqual(['+16045550100', '+14165550100']);
    // The first message of the program says how to opt out.
    expect(twilio.sent[0]!.params.Body).toMatch(/Reply STOP to opt out\.$/);
  });

  it('records Twilio permanent errors without retrying, and respects SMS_RATE', async () => {
    await seedMembers(db(), people(6), clock.now());
    twilio.rejectNumber('+14165551002', 21610, 'Attempt to send to unsubscribed recipient');
    twilio.rejectNumber('+14165551003', 21211, "The 'To' number is not a valid phone number.");
    await create({ message: { channel: 'sms' } });
    const started = Date.now();
    const tick = await runTick(deps({ smsRate: 20 }));
    const elapsed = Date.now() - started;
    expect(tick.dispatch).toMatchObject({ sent: 4, failed: 2 });
    // 6 messages at 20 per second: at least 5 gaps of 50 ms.
    expect(elapsed).toBeGreaterThanOrEqual(240);
    const failures = await db().all<{ error_code: string; transient: number }>(sql`SELECT error_code, transient FROM deliveries WHERE state = 'failed' ORDER BY error_code`);
    expect(failures).toEqual([
      { error_code: 'twilio:21211', transient: 0 },
      { error_code: 'twilio:21610', transient: 0 },
    ]);
  });

  it('"member preference" picks SMS or email per member', async () => {
    await seedMembers(db(), [member('likes-sms', { phone: '+14165550111', preferredChannel: 'sms' }), member('likes-email', { phone: '+14165550112', preferredChannel: 'email' }), member('no-phone')], clock.now());
    await create({ message: { channel: 'preference' } });
    await runTick(deps());
    expect(twilio.sent.map((m) => m.params.To)).toEqual(['+14165550111']);
    expect(postmark.sent.map((m) => m.message.To).sort()).toEqual(['likes-email@example.com', 'no-phone@example.com']);
  });
});

describe('rate limits and storms', () => {
  it('honours a 429 Retry-After and then sends everything once', async () => {
    await seedMembers(db(), people(10), clock.now());
    await create();
    postmark.failNext({ status: 429, retryAfterSeconds: 120 }, 1);
    const first = await runTick(deps());
    expect(first.dispatch.retrying).toBe(10);
    const [due] = await db().all<{ due_at: number }>(sql`SELECT min(due_at) AS due_at FROM deliveries`);
    expect(due!.due_at).toBe(clock.now() + 120_000);
    clock.advance(119_000);
    expect((await runTick(deps())).dispatch.sent).toBe(0);
    clock.advance(1_000);
    expect((await runTick(deps())).dispatch.sent).toBe(10);
    expect(postmark.sent).toHaveLength(10);
  });

  it('rides out a storm of 500s and timeouts without sending anything twice', async () => {
    await seedMembers(db(), people(40), clock.now());
    await create();
    postmark.failNext({ status: 500 }, 2);
    postmark.hangNext(1);
    for (let i = 0; i < 8; i++) {
      await runTick(deps());
      clock.advance(HOUR);
    }
    const recipients = postmark.sent.map((m) => m.message.To);
    expect(recipients).toHaveLength(40);
    expect(new Set(recipients).size).toBe(40);
  });
});

describe('the failure guard', () => {
  it('pauses sending when too many recent attempts failed, and Retry failed queues only transient failures', async () => {
    await seedMembers(db(), people(60), clock.now());
    for (let i = 0; i < 15; i++) postmark.rejectRecipient(`p${i}@example.com`, 406);
    const inv = await create();
    const tick = await runTick(deps({ maxAttempts: 1 }, 'r1'));
    // 15 of the first batch of 60 failed (25% > 20%): paused after that batch.
    expect(tick.dispatch.failed).toBe(15);
    const paused = await getInvitation(db(), inv.id);
    expect(paused).toMatchObject({ pauseReason: 'failure_rate', pausedBy: 'runner' });
    const [paused1] = await db().all<{ n: number }>(sql`SELECT count(*) AS n FROM audit_events WHERE action = 'paused'`);
    expect(paused1!.n).toBe(1);

    // Permanent failures are not retried.
    await resumeInvitation(coreDeps(db(), clock), inv.id, 'slack:U1');
    expect((await retryFailed(coreDeps(db(), clock), inv.id, 'slack:U1')).requeued).toBe(0);
  });

  it('Retry failed re-queues messages whose transient failure used up the attempts', async () => {
    await seedMembers(db(), people(5), clock.now());
    const inv = await create();
    postmark.failNext({ status: 503 }, 1);
    await runTick(deps({ maxAttempts: 1, failurePause: { ratio: 0.2, window: 200, minAttempts: 100 } }));
    const [progress] = await deliveryProgress(db(), inv.id, clock.now());
    expect(progress).toMatchObject({ retryable: 5, states: expect.objectContaining({ failed: 5 }) });
    expect((await retryFailed(coreDeps(db(), clock), inv.id, 'slack:U1')).requeued).toBe(5);
    expect((await runTick(deps())).dispatch.sent).toBe(5);
  });
});

describe('reminders', () => {
  it('go after the delay to members who have not completed, up to the maximum, never after close', async () => {
    await seedMembers(db(), people(4), clock.now());
    const inv = await create({
      closesAt: '2026-12-05T06:00:00Z',
      reminders: [{ afterHours: 48, maxCount: 3, minGapHours: 24, emailSubject: 'Still time, {{first_name}}', emailBody: 'We would still love to hear from you: {{link}}' }],
    });
    await runTick(deps());
    expect(postmark.sent).toHaveLength(4);
    const tokenOf = async (id: string) => (await db().all<{ token: string }>(sql`SELECT p.token FROM participations p JOIN members m ON m.id = p.member_id WHERE m.external_id = ${id}`))[0]!.token;
    await recordCompletion(coreDeps(db(), clock), await tokenOf('p0'));

    clock.advance(47 * HOUR);
    await runTick(deps());
    expect(postmark.sent).toHaveLength(4);
    clock.advance(HOUR);
    const due = await runTick(deps());
    expect(due.remindersQueued).toBe(3);
    const reminders = postmark.sent.slice(4);
    expect(reminders.map((m) => m.message.To).sort()).toEqual(['p1@example.com', 'p2@example.com', 'p3@example.com']);
    expect(reminders[0]!.message.Subject).toBe('Still time, there');
    // The same personal link as the first message.
    expect(reminders.find((m) => m.message.To === 'p1@example.com')!.message.TextBody).toContain(await tokenOf('p1'));

    clock.advance(23 * HOUR);
    expect((await runTick(deps())).remindersQueued).toBe(0); // the minimum gap
    clock.advance(HOUR);
    expect((await runTick(deps())).remindersQueued).toBe(3); // second round
    clock.advance(24 * HOUR); // the third round would be due, but the invitation closed at 06:00
    const after = await runTick(deps());
    expect(after.closed).toEqual([inv.id]);
    expect(after.remindersQueued).toBe(0);
    expect(postmark.sent).toHaveLength(10);
    const steps = await deliveryProgress(db(), inv.id, clock.now());
    expect(steps.map((s) => [s.step, s.total])).toEqual([
      [0, 4],
      [1, 6],
    ]);
  });

  it('"Remind now" sends at once to members who have not completed, and not twice in an hour', async () => {
    await seedMembers(db(), people(3), clock.now());
    const inv = await create();
    await runTick(deps());
    clock.advance(2 * HOUR);
    expect((await remindNow(coreDeps(db(), clock), inv.id, 'slack:U1')).queued).toBe(3);
    await runTick(deps());
    expect(postmark.sent).toHaveLength(6);
    expect(postmark.sent[3]!.message.Subject).toMatch(/^Reminder: /);
    expect((await remindNow(coreDeps(db(), clock), inv.id, 'slack:U1')).queued).toBe(0);
  });
});

describe('the send guard at open', () => {
  it('holds a Slack invitation whose live audience grew past the large-audience limit', async () => {
    await seedMembers(db(), people(12), clock.now());
    const inv = await create({}, 'slack:U1');
    const tick = await runTick(deps({ largeAudience: 10 }));
    expect(tick.opened).toEqual([]);
    const held = await getInvitation(db(), inv.id);
    expect(held).toMatchObject({ status: 'scheduled', approvalRequired: true });
    expect(postmark.sent).toHaveLength(0);
    // API invitations are not guarded.
    const api = await create({ name: 'From the API' });
    expect((await runTick(deps({ largeAudience: 10 }))).opened).toEqual([api.id]);
  });
});
