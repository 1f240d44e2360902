// The runner end to end on a real database: open on time, send through the real Postmark and
// Twilio clients (local fakes at the network edge), record, close; opt-outs win; nothing twice.
import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, beforeEach, expect, it } from 'vitest';
import { pauseInvitation, resumeInvitation } from '../../src/core/delivery/controls.js';
import { createInvitation, getInvitation, invitationCounts } from '../../src/core/invitations/service.js';
import type { InvitationCreateInput } from '../../src/core/invitations/input.js';
import { runTick } from '../../src/jobs/tick.js';
import { clearTables, coreDeps, manualClock } from '../support/app.js';
import { member, seedChats, seedMembers } from '../support/community.js';
import { describeEachDatabase } from '../support/databases.js';
import { startFakePostmark, type FakePostmark } from '../support/fake-postmark.js';
import { startFakeTwilio, type FakeTwilio } from '../support/fake-twilio.js';
import { fakeProviders, POSTMARK_FROM, runnerDeps } from '../support/runner.js';

let postmark: FakePostmark;
let twilio: FakeTwilio;
beforeAll(async () => {
  [postmark, twilio] = await Promise.all([startFakePostmark(), startFakeTwilio()]);
});
afterAll(async () => {
  await Promise.all([postmark.close(), twilio.close()]);
});

const HOUR = 3_600_000;

function form(overrides: Partial<InvitationCreateInput> = {}): InvitationCreateInput {
  return {
    chatId: 'feedback',
    name: 'December feedback',
    locale: 'en-US',
    scheduleMode: 'fixed',
    timeZone: 'UTC',
    opensAt: '2026-12-01T13:00:00Z',
    closesAt: '2026-12-08T13:00:00Z',
    target: { type: 'all' },
    sameLocaleOnly: false,
    liveAudience: true,
    message: { channel: 'email', emailSubject: 'Hi {{first_name}}', emailBody: 'Hello {{first_name}}, join {{chat_name}}: {{link}} (closes {{closes_at}})' },
    ...overrides,
  } as InvitationCreateInput;
}

describeEachDatabase('runner', (get) => {
  const clock = manualClock('2026-12-01T12:00:00Z');
  const deps = () => runnerDeps(get().db, clock, fakeProviders(postmark, twilio, 500), { delivery: { reconcileAfterMs: 0 } });

  beforeEach(async () => {
    clock.set('2026-12-01T12:00:00Z');
    postmark.reset();
    twilio.reset();
    await clearTables(get().db);
    await seedChats(get().db, clock.now());
    await seedMembers(
      get().db,
      Array.from({ length: 30 }, (_, i) => member(`m${String(i).padStart(2, '0')}`, { attributes: { first_name: `Ana${i}` }, phone: `+1416555${String(1000 + i)}` })),
      clock.now(),
    );
  });

  async function create(overrides: Partial<InvitationCreateInput> = {}) {
    const { invitation } = await createInvitation(coreDeps(get().db, clock), form(overrides), 'api:test');
    return invitation;
  }

  /** Each sent delivery keeps the provider's id for its message, and when it went. */
  async function expectProviderIds(invitationSeq: number, sentAt: number) {
    const rows = await get().db.all<{ id: number; provider_message_id: string | null; sent_at: number | null }>(
      sql`SELECT id, provider_message_id, sent_at FROM deliveries WHERE invitation_seq = ${invitationSeq} AND state = 'sent'`,
    );
    const accepted = new Map(postmark.sent.map((m) => [Number(m.message.Metadata!.delivery_id), m.messageId]));
    expect(rows.length).toBeGreaterThan(0);
    for (const row of rows) expect(row).toEqual({ id: row.id, provider_message_id: accepted.get(row.id), sent_at: sentAt });
  }

  async function deliveryStates(invitationSeq: number) {
    return get().db.all<{ state: string; n: number }>(sql`SELECT state, count(*) AS n FROM deliveries WHERE invitation_seq = ${invitationSeq} GROUP BY state ORDER BY state`);
  }

  it('does nothing before the open time, then opens and sends one personal email per member', async () => {
    const inv = await create();
    const early = await runTick(deps());
    expect(early.opened).toEqual([]);
    expect(postmark.sent).toHaveLength(0);

    clock.set('2026-12-01T13:00:00Z');
    const tick = await runTick(deps());
    expect(tick.opened).toEqual([inv.id]);
    expect(tick.dispatch.sent).toBe(30);
    expect(postmark.sent).toHaveLength(30);
    const recipients = new Set(postmark.sent.map((m) => m.message.To));
    expect(recipients.size).toBe(30);

    const first = postmark.sent.find((m) => m.message.To === 'm03@example.com')!.message;
    expect(first.Subject).toBe('Hi Ana3');
    expect(first.From).toBe(`"Feedback" <${POSTMARK_FROM}>`);
    expect(first.MessageStream).toBe('broadcast');
    const link = /http:\/\/localhost:3000\/i\/([0-9a-f]{32})/.exec(first.TextBody!)![1]!;
    expect(first.HtmlBody).toContain(`href="http://localhost:3000/i/${link}"`);
    expect(first.Headers).toEqual(
      expect.arrayContaining([
        { Name: 'List-Unsubscribe', Value: `<http://localhost:3000/u/${link}>` },
        { Name: 'List-Unsubscribe-Post', Value: 'List-Unsubscribe=One-Click' },
      ]),
    );
    expect(first.TextBody).not.toContain('{{');
    expect(first.TextBody).toContain('closes December 8, 2026 at 8:00 AM'); // Toronto time
    // The link token is the participation's, random, and not the member id.
    const [p] = await get().db.all<{ token: string; external_id: string }>(sql`SELECT p.token, m.external_id FROM participations p JOIN members m ON m.id = p.member_id WHERE p.token = ${link}`);
    expect(p!.external_id).toBe('m03');
    expect(Number(first.Metadata!.delivery_id)).toBeGreaterThan(0);

    expect(await deliveryStates(inv.seq)).toEqual([{ state: 'sent', n: 30 }]);
    await expectProviderIds(inv.seq, clock.now());
    const counts = await invitationCounts(get().db, inv.id);
    expect(counts).toMatchObject({ targeted: 30, sent: 30 });
    expect((await getInvitation(get().db, inv.id)).status).toBe('open');

    // A second tick sends nothing more.
    const again = await runTick(deps());
    expect(again.dispatch.sent).toBe(0);
    expect(postmark.sent).toHaveLength(30);
  });

  it('closes at the close time and cancels what is still queued', async () => {
    const inv = await create({ closesAt: '2026-12-01T14:00:00Z' });
    clock.set('2026-12-01T13:00:00Z');
    await pauseAfterOpen(inv.id);
    clock.set('2026-12-01T14:00:00Z');
    const tick = await runTick(deps());
    expect(tick.closed).toEqual([inv.id]);
    const closed = await getInvitation(get().db, inv.id);
    expect(closed).toMatchObject({ status: 'closed', closeReason: 'close_time' });
    expect(await deliveryStates(inv.seq)).toEqual([{ state: 'cancelled', n: 30 }]);
    expect(postmark.sent).toHaveLength(0);
  });

  async function pauseAfterOpen(id: string) {
    // Opening and sending happen in the same tick; a pause right after opening is what a manager
    // does from the summary. The open step runs alone here through a paused invitation.
    const d = deps();
    const { openDueInvitations } = await import('../../src/core/delivery/open.js');
    await openDueInvitations(d);
    await pauseInvitation(d, id, 'slack:U1');
  }

  it('pause stops sending, resume continues where it stopped', async () => {
    const inv = await create();
    clock.set('2026-12-01T13:00:00Z');
    await pauseAfterOpen(inv.id);
    expect((await runTick(deps())).dispatch.sent).toBe(0);
    await resumeInvitation(deps(), inv.id, 'slack:U1');
    expect((await runTick(deps())).dispatch.sent).toBe(30);
    expect(postmark.sent).toHaveLength(30);
  });

  it('an opt-out that arrives before the message goes stops it', async () => {
    const inv = await create();
    clock.set('2026-12-01T13:00:00Z');
    await pauseAfterOpen(inv.id);
    await get().db.run(sql`UPDATE members SET email_opt_out_at = ${clock.now()} WHERE external_id IN ('m01', 'm02')`);
    await get().db.run(sql`UPDATE members SET subscribed = 0 WHERE external_id = 'm03'`);
    await resumeInvitation(deps(), inv.id, 'slack:U1');
    const tick = await runTick(deps());
    expect(tick.dispatch).toMatchObject({ sent: 27, cancelled: 3 });
    expect(postmark.sent.map((m) => m.message.To)).not.toContain('m01@example.com');
    const [row] = await get().db.all<{ cancel_reason: string }>(sql`SELECT d.cancel_reason FROM deliveries d JOIN members m ON m.id = d.member_id WHERE m.external_id = 'm03'`);
    expect(row!.cancel_reason).toBe('unsubscribed');
  });

  it('retries a provider outage with backoff, once per message', async () => {
    const inv = await create();
    clock.set('2026-12-01T13:00:00Z');
    postmark.failNext({ status: 503 }, 1);
    const tick = await runTick(deps());
    expect(tick.dispatch).toMatchObject({ sent: 0, retrying: 30 });
    expect(postmark.sent).toHaveLength(0);
    // Not again before the backoff.
    clock.advance(10_000);
    expect((await runTick(deps())).dispatch.sent).toBe(0);
    clock.advance(HOUR);
    expect((await runTick(deps())).dispatch.sent).toBe(30);
    expect(postmark.sent).toHaveLength(30);
    expect(await deliveryStates(inv.seq)).toEqual([{ state: 'sent', n: 30 }]);
  });

  it('never retries a permanent refusal, and records the provider code', async () => {
    const inv = await create();
    postmark.rejectRecipient('m05@example.com', 406);
    clock.set('2026-12-01T13:00:00Z');
    const tick = await runTick(deps());
    expect(tick.dispatch).toMatchObject({ sent: 29, failed: 1 });
    const [row] = await get().db.all<{ state: string; error_code: string; transient: number }>(sql`SELECT d.state, d.error_code, d.transient FROM deliveries d JOIN members m ON m.id = d.member_id WHERE m.external_id = 'm05'`);
    expect(row).toEqual({ state: 'failed', error_code: 'postmark:406', transient: 0 });
    clock.advance(24 * HOUR);
    await runTick(deps());
    expect(postmark.sent.filter((m) => m.message.To === 'm05@example.com')).toHaveLength(0);
    expect((await invitationCounts(get().db, inv.id)).failed).toBe(1);
  });

  it('a timeout after the provider accepted the batch is reconciled, not resent', async () => {
    const inv = await create();
    clock.set('2026-12-01T13:00:00Z');
    postmark.hangNext(1);
    const tick = await runTick(deps());
    expect(tick.dispatch.unknown).toBe(30);
    expect(postmark.sent).toHaveLength(30);
    const next = await runTick(deps());
    expect(next.reconciled).toMatchObject({ found: 30, requeued: 0 });
    expect(next.dispatch.sent).toBe(0);
    expect(postmark.sent).toHaveLength(30);
    expect(await deliveryStates(inv.seq)).toEqual([{ state: 'sent', n: 30 }]);
    await expectProviderIds(inv.seq, clock.now());
  });

  it('two runners at once send each message once and share the work', async () => {
    await seedMembers(get().db, Array.from({ length: 1170 }, (_, i) => member(`x${i}`)), clock.now());
    const inv = await create();
    clock.set('2026-12-01T13:00:00Z');
    const a = runnerDeps(get().db, clock, fakeProviders(postmark, twilio), { runnerId: 'a' });
    const b = runnerDeps(get().db, clock, fakeProviders(postmark, twilio), { runnerId: 'b' });
    const [ta, tb] = await Promise.all([runTick(a), runTick(b)]);
    expect(ta.dispatch.sent + tb.dispatch.sent).toBe(1200);
    expect([...ta.opened, ...tb.opened]).toEqual([inv.id]);
    expect(postmark.sent).toHaveLength(1200);
    expect(new Set(postmark.sent.map((m) => m.message.To)).size).toBe(1200);
  });

  it('two runners at once keep to EMAIL_RATE together, not each', async () => {
    await seedMembers(get().db, Array.from({ length: 1170 }, (_, i) => member(`x${i}`)), clock.now());
    await create();
    clock.set('2026-12-01T13:00:00Z');
    // 1,200 emails at 1,000 a second: batches of 500 start 0.5 s apart, whichever runner sends them.
    const delivery = { emailRate: 1000 };
    const a = runnerDeps(get().db, clock, fakeProviders(postmark, twilio), { runnerId: 'a', delivery });
    const b = runnerDeps(get().db, clock, fakeProviders(postmark, twilio), { runnerId: 'b', delivery });
    const [ta, tb] = await Promise.all([runTick(a), runTick(b)]);
    expect(ta.dispatch.sent + tb.dispatch.sent).toBe(1200);
    const firstOfBatch = new Map<string, number>();
    for (const { message, submittedAt } of postmark.sent) {
      const batch = message.Metadata!.batch_id!;
      firstOfBatch.set(batch, Math.min(firstOfBatch.get(batch) ?? Infinity, Date.parse(submittedAt)));
    }
    const starts = [...firstOfBatch.values()].sort((x, y) => x - y);
    expect(starts).toHaveLength(3);
    // Each arrives some milliseconds after its reserved start (rendering, the request): a margin.
    expect(starts[1]! - starts[0]!).toBeGreaterThanOrEqual(300);
    expect(starts[2]! - starts[1]!).toBeGreaterThanOrEqual(300);
    expect(starts[2]! - starts[0]!).toBeGreaterThanOrEqual(850);
  });
});
