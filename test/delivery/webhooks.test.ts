// Provider webhooks with real payload shapes (test/fixtures) and real signatures (Twilio's own
// helper computes them): delivery reports, bounces, suppressions, STOP/START/HELP; retries change
// nothing twice; wrong credentials are refused before anything is read.
import { sql } from 'drizzle-orm';
import twilioLib from 'twilio';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { createInvitation, invitationCounts } from '../../src/core/invitations/service.js';
import { verifyTwilioSignature } from '../../src/http/webhooks/twilio-signature.js';
import { runTick } from '../../src/jobs/tick.js';
import { clearTables, coreDeps, manualClock, testApp } from '../support/app.js';
import { member, seedChats, seedMembers } from '../support/community.js';
import { describeEachDatabase } from '../support/databases.js';
import { startFakePostmark, type FakePostmark } from '../support/fake-postmark.js';
import { startFakeTwilio, type FakeTwilio } from '../support/fake-twilio.js';
import { fakeProviders, runnerDeps } from '../support/runner.js';
import { fixtureFile as fixture } from '../support/fixtures.js';


let postmark: FakePostmark;
let twilio: FakeTwilio;
beforeAll(async () => {
  [postmark, twilio] = await Promise.all([startFakePostmark(), startFakeTwilio()]);
});
afterAll(async () => {
  await Promise.all([postmark.close(), twilio.close()]);
});

const PUBLIC = 'https://invites.example.org';
const WEBHOOK_AUTH = { user: 'postmark', password: 'correct horse battery staple' };

describe('Twilio signature', () => {
  const vectors = fixture('twilio-signature-vector.json').data;
  for (const v of vectors.cases.filter((c: any) => !c.raw_body)) {
    it(v.case, async () => {
      const params = new URLSearchParams();
      for (const [k, value] of Object.entries(v.params)) for (const one of [value].flat() as string[]) params.append(k, one);
      const signature = v.signature ?? v.expected_signature;
      expect(await verifyTwilioSignature(vectors.auth_token, v.url, params, signature)).toBe(v.expect_valid);
    });
  }
});

describeEachDatabase('provider webhooks', (get) => {
  const clock = manualClock('2026-12-01T12:00:00Z');
  // Twilio signs the public URL it called, which is PUBLIC_BASE_URL's, not the one the request reached.
  const settings = { cooldownDays: 7, publicBaseUrl: PUBLIC };
  const http = () => testApp(get().db, clock, undefined, { settings, webhooks: { postmark: WEBHOOK_AUTH, twilioAuthToken: twilio.authToken } }).app;

  beforeEach(async () => {
    clock.set('2026-12-01T12:00:00Z');
    postmark.reset();
    twilio.reset();
    await clearTables(get().db);
    await seedChats(get().db, clock.now());
    await seedMembers(get().db, [member('ana', { phone: '+14165550101', preferredChannel: 'sms' }), member('ben', { phone: '+14165550102' })], clock.now());
  });

  async function send(channel: 'email' | 'sms') {
    const { invitation } = await createInvitation(
      coreDeps(get().db, clock),
      { chatId: 'feedback', name: 'Webhooks', locale: 'en-US', scheduleMode: 'fixed', timeZone: 'UTC', closesAt: '2026-12-05T12:00:00Z', target: { type: 'all' }, sameLocaleOnly: false, liveAudience: true, message: { channel } } as never,
      'api:test',
    );
    await runTick({ ...runnerDeps(get().db, clock, fakeProviders(postmark, twilio)), settings });
    const rows = await get().db.all<{ external_id: string; id: number }>(sql`SELECT m.external_id, d.id FROM deliveries d JOIN members m ON m.id = d.member_id`);
    return { invitation, delivery: Object.fromEntries(rows.map((r) => [r.external_id, r.id])) as Record<string, number> };
  }

  const basic = (user: string, password: string) => `Basic ${btoa(`${user}:${password}`)}`;
  const postPostmark = (body: unknown, auth = basic(WEBHOOK_AUTH.user, WEBHOOK_AUTH.password)) =>
    http().request('/webhooks/postmark', { method: 'POST', headers: { 'content-type': 'application/json', authorization: auth }, body: JSON.stringify(body) });

  async function memberRow(id: string) {
    const [row] = await get().db.all<{ email_suppressed_at: number | null; email_suppression_reason: string | null; sms_opt_out_at: number | null }>(
      sql`SELECT email_suppressed_at, email_suppression_reason, sms_opt_out_at FROM members WHERE external_id = ${id}`,
    );
    return row!;
  }

  it('a Postmark delivery report marks the message delivered, once', async () => {
    const { invitation, delivery } = await send('email');
    const event = { ...fixture('postmark-delivery-webhook.json').data, Metadata: { delivery_id: String(delivery.ana), batch_id: 'x' } };
    const first = await postPostmark(event);
    expect(first.status).toBe(200);
    expect((await first.json()).outcome).toBe('applied');
    expect((await (await postPostmark(event)).json()).outcome).toBe('unchanged');
    expect((await invitationCounts(get().db, invitation.id)).delivered).toBe(1);
  });

  it('a hard bounce marks the message bounced and suppresses the address; a soft one does not', async () => {
    const { invitation, delivery } = await send('email');
    const hard = { ...fixture('postmark-bounce-webhook.json').data.parsed, Metadata: { delivery_id: String(delivery.ana) } };
    expect((await postPostmark(hard)).status).toBe(200);
    expect((await memberRow('ana')).email_suppression_reason).toBe('postmark:HardBounce');
    const soft = { ...hard, Type: 'SoftBounce', Inactive: false, Metadata: { delivery_id: String(delivery.ben) } };
    await postPostmark(soft);
    expect((await memberRow('ben')).email_suppressed_at).toBeNull();
    expect((await invitationCounts(get().db, invitation.id)).bounced).toBe(2);
  });

  it('spam complaints and SubscriptionChange suppress, and a reactivation lifts it', async () => {
    const { delivery } = await send('email');
    const spam = { ...fixture('postmark-spamcomplaint-webhook.json').data.doc_example, Metadata: { delivery_id: String(delivery.ana) } };
    expect((await postPostmark(spam)).status).toBe(200);
    expect((await memberRow('ana')).email_suppression_reason).toBe('spam_complaint');

    const unsubscribe = { ...fixture('postmark-subscriptionchange-webhook.json').data.broadcast_recipient_unsubscribe, Metadata: { delivery_id: String(delivery.ben) } };
    await postPostmark(unsubscribe);
    expect((await memberRow('ben')).email_suppression_reason).toBe('postmark:ManualSuppression');
    await postPostmark({ ...unsubscribe, SuppressSending: false, SuppressionReason: null });
    expect((await memberRow('ben')).email_suppressed_at).toBeNull();
  });

  it('refuses wrong credentials, names bad fields, and acknowledges record types it does not use', async () => {
    await send('email');
    expect((await postPostmark({ RecordType: 'Delivery' }, basic('postmark', 'wrong'))).status).toBe(401);
    expect((await postPostmark({ RecordType: 'Delivery' }, '')).status).toBe(401);
    const bad = await postPostmark({ RecordType: 'Delivery', DeliveredAt: 'soon', Metadata: {} });
    expect(bad.status).toBe(422);
    expect((await bad.json()).errors[0].path).toBe('DeliveredAt');
    expect((await postPostmark({ RecordType: 'Open', Metadata: {} })).status).toBe(200);
  });

  async function postTwilio(path: string, params: Record<string, string>, signWith = twilio.authToken) {
    const url = `${PUBLIC}${path}`;
    const signature = twilioLib.getExpectedTwilioSignature(signWith, url, params);
    return http().request(path, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded', 'x-twilio-signature': signature },
      body: new URLSearchParams(params).toString(),
    });
  }

  it('Twilio status callbacks: delivered, and a 21610 failure opts the number out', async () => {
    const { invitation, delivery } = await send('sms');
    expect(twilio.sent).toHaveLength(2);
    const callback = twilio.sent.find((m) => m.params.To === '+14165550101')!.params.StatusCallback!;
    expect(callback).toBe(`${PUBLIC}/webhooks/twilio/status?delivery=${delivery.ana}`);

    const delivered = await postTwilio(`/webhooks/twilio/status?delivery=${delivery.ana}`, { MessageSid: 'SM1', MessageStatus: 'delivered', To: '+14165550101' });
    expect(delivered.status).toBe(204);
    const stop = fixture('twilio-status-callback.json').data.parsed.statusStop_21610;
    await postTwilio(`/webhooks/twilio/status?delivery=${delivery.ben}`, { ...stop, To: '+14165550102' });
    const counts = await invitationCounts(get().db, invitation.id);
    expect(counts).toMatchObject({ delivered: 1, failed: 1 });
    expect((await memberRow('ben')).sms_opt_out_at).not.toBeNull();
    // A forged callback is refused.
    expect((await postTwilio(`/webhooks/twilio/status?delivery=${delivery.ana}`, { MessageSid: 'SM1', MessageStatus: 'failed' }, 'not-the-token')).status).toBe(403);
  });

  it('inbound STOP opts out, START opts back in, HELP is answered', async () => {
    const inbound = fixture('twilio-inbound-message-webhook.json').data.parsed.receiveValid;
    const say = (Body: string) => postTwilio('/webhooks/twilio/inbound', { ...inbound, From: '+14165550101', Body });
    const stop = await say(' stop ');
    expect(stop.status).toBe(200);
    expect(stop.headers.get('content-type')).toContain('text/xml');
    expect((await memberRow('ana')).sms_opt_out_at).not.toBeNull();
    await say('STOP please'); // not a keyword: the whole message must be one
    await say('START');
    expect((await memberRow('ana')).sms_opt_out_at).toBeNull();
    const help = await (await say('help')).text();
    expect(help).toContain('<Message>');
    expect(help).toContain('Reply STOP to opt out');
  });
});
