// Both Twilio adapters — the SDK one (the real `twilio` client, Node) and the fetch one (Workers) —
// against a local fake of Twilio's Messages API: the same cases, the same outcomes.
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { OutgoingSms, SmsLookup } from '../../src/core/delivery/providers.js';
import { twilioFetchSmsProvider } from '../../src/providers/twilio-fetch.js';
import type { TwilioSettings, TwilioSmsAdapter } from '../../src/providers/twilio-shared.js';
import { twilioSmsProvider } from '../../src/providers/twilio.js';
import { startFakeTwilio, type FakeTwilio } from '../support/fake-twilio.js';
import { closedPortUrl } from '../support/ports.js';

let fake: FakeTwilio;
beforeAll(async () => {
  fake = await startFakeTwilio();
});
afterEach(() => fake.reset());
afterAll(() => fake.close());

const FROM = '+15005550006';
const DAY = 86_400_000;

const adapters: { name: string; adapter: TwilioSmsAdapter }[] = [
  { name: 'twilioSmsProvider (the twilio SDK, Node)', adapter: twilioSmsProvider },
  { name: 'twilioFetchSmsProvider (fetch, Workers)', adapter: twilioFetchSmsProvider },
];

function sms(deliveryId: number, overrides: Partial<OutgoingSms> = {}): OutgoingSms {
  return {
    deliveryId,
    batchId: 'batch-1',
    to: '+14155550100',
    body: `Join us: https://s.example.com/i/${deliveryId}x`,
    statusCallbackUrl: `https://surveys.example.com/webhooks/twilio/status?d=${deliveryId}`,
    ...overrides,
  };
}

function lookup(deliveryId: number, overrides: Partial<SmsLookup> = {}): SmsLookup {
  return { deliveryId, to: '+14155550100', marker: `/i/${deliveryId}x`, sentAfter: Date.now() - 60_000, ...overrides };
}

describe.each(adapters)('$name', ({ adapter }) => {
  function provider(overrides: Partial<TwilioSettings> = {}) {
    return adapter({ accountSid: fake.accountSid, authToken: fake.authToken, from: FROM, apiUrl: fake.url, timeoutMs: 300, ...overrides });
  }

  describe('send', () => {
    it('creates the message from the configured number with its status callback, and returns the sid', async () => {
      const outcome = await provider().send(sms(1));

      expect(fake.sent).toHaveLength(1);
      const [accepted] = fake.sent;
      expect(accepted!.params).toEqual({
        To: '+14155550100',
        From: FROM,
        Body: 'Join us: https://s.example.com/i/1x',
        StatusCallback: 'https://surveys.example.com/webhooks/twilio/status?d=1',
      });
      expect(outcome).toEqual({ status: 'sent', providerMessageId: accepted!.resource.sid });
      expect(fake.requests.map((r) => `${r.method} ${r.path}`)).toEqual([`POST /2010-04-01/Accounts/${fake.accountSid}/Messages.json`]);
    });

    it('sends through a Messaging Service without a From when only the service is configured', async () => {
      const outcome = await twilioSmsProvider({
        accountSid: fake.accountSid,
        authToken: fake.authToken,
        messagingServiceSid: 'MG00000000000000000000000000000000',
        apiUrl: fake.url,
      }).send(sms(1));

      expect(outcome.status).toBe('sent');
      expect(fake.sent[0]!.params).toEqual(expect.objectContaining({ MessagingServiceSid: 'MG00000000000000000000000000000000' }));
      expect(fake.sent[0]!.params).not.toHaveProperty('From');
    });

    it('refuses a configuration with neither a From number nor a Messaging Service', () => {
      expect(() => twilioSmsProvider({ accountSid: fake.accountSid, authToken: fake.authToken })).toThrow(/From|Messaging/);
    });

    it('fails an invalid number (21211) and an unsubscribed recipient (21610) permanently', async () => {
      fake.rejectNumber('+14155550199', 21610, 'Attempt to send to unsubscribed recipient');

      const invalid = await provider().send(sms(1, { to: '+1555' }));
      const stopped = await provider().send(sms(2, { to: '+14155550199' }));

      expect(invalid).toEqual({ status: 'failed', permanent: true, code: 'twilio:21211', reason: "The 'To' number +1555 is not a valid phone number." });
      expect(stopped).toEqual({ status: 'failed', permanent: true, code: 'twilio:21610', reason: 'Attempt to send to unsubscribed recipient' });
      expect(fake.sent).toEqual([]);
    });

    it('keeps a 4xx that is not about the recipient retryable (e.g. 21611, the sender’s queue is full)', async () => {
      fake.rejectNumber('+14155550100', 21611, "This 'From' number has exceeded the maximum number of queued messages");
      const outcome = await provider().send(sms(1));
      expect(outcome).toEqual({ status: 'failed', permanent: false, code: 'twilio:21611', reason: expect.any(String) });
    });

    it('answers a 429 (20429) with Retry-After as retryable with retryAfterMs', async () => {
      fake.failNext({ status: 429, retryAfterSeconds: 3 });
      const outcome = await provider().send(sms(1));
      expect(outcome).toEqual({ status: 'failed', permanent: false, code: 'twilio:20429', reason: 'Too Many Requests', retryAfterMs: 3000 });
      expect(fake.sent).toEqual([]);
      // No retries of its own (the SDK's autoRetry is off): the dispatcher decides when to try again.
      expect(fake.requests).toHaveLength(1);
    });

    it('answers a 500 as retryable', async () => {
      fake.failNext({ status: 500 });
      const outcome = await provider().send(sms(1));
      expect(outcome).toEqual({ status: 'failed', permanent: false, code: 'twilio:20500', reason: expect.any(String) });
    });

    it('answers bad credentials (401, 20003) as retryable: a configuration error, fixable', async () => {
      const outcome = await provider({ authToken: 'wrong' }).send(sms(1));
      expect(outcome).toEqual({ status: 'failed', permanent: false, code: 'twilio:20003', reason: 'Authenticate' });
    });

    it('answers a request Twilio never got (connection refused) as a retryable failure, not unknown', async () => {
      const outcome = await provider({ apiUrl: await closedPortUrl() }).send(sms(1));
      expect(outcome).toEqual({ status: 'failed', permanent: false, code: 'twilio:unreachable', reason: expect.any(String) });
    });

    it('answers unknown when Twilio does not answer in time', async () => {
      fake.delay(2000);
      const started = Date.now();
      const outcome = await provider({ timeoutMs: 200 }).send(sms(1));
      expect(Date.now() - started).toBeLessThan(1500);
      expect(outcome).toEqual({ status: 'unknown', reason: expect.any(String) });
    });

    it('answers unknown when Twilio accepted the message but the answer never came; findSent then finds it', async () => {
      fake.hangNext();
      const outcome = await provider({ timeoutMs: 200 }).send(sms(1));
      expect(outcome.status).toBe('unknown');
      expect(fake.sent).toHaveLength(1);

      const found = await provider().findSent([lookup(1)]);

      expect(found).toEqual(new Map([[1, fake.sent[0]!.resource.sid]]));
    });
  });

  describe('findSent', () => {
    it('matches each lookup by its marker among the messages to its number, and leaves out what is not there', async () => {
      const p = provider();
      await p.send(sms(1));
      await p.send(sms(2));
      await p.send(sms(3, { to: '+14155550111' }));
      const sidOf = (id: number) => fake.sent.find((s) => s.resource.body.includes(`/i/${id}x`))!.resource.sid;

      const found = await p.findSent([lookup(1), lookup(2), lookup(3, { to: '+14155550111' }), lookup(4), lookup(5, { to: '+14155550122' })]);

      expect(found).toEqual(new Map([[1, sidOf(1)], [2, sidOf(2)], [3, sidOf(3)]]));
      // One list per number, filtered by recipient and by the UTC day of the earliest sentAfter.
      const lists = fake.requests.filter((r) => r.method === 'GET');
      expect(lists.map((r) => r.query.get('To'))).toEqual(['+14155550100', '+14155550111', '+14155550122']);
      expect(lists[0]!.query.get('DateSent>')).toMatch(/^\d{4}-\d{2}-\d{2}T00:00:00Z$/);
    });

    it('finds a message Twilio dated just before midnight while our clock was already past it', async () => {
      // Twilio filters by whole UTC days; with clocks a few seconds apart the day can differ.
      fake.setNow(Date.UTC(2030, 0, 1, 23, 59, 58));
      await provider().send(sms(1));

      const found = await provider().findSent([lookup(1, { sentAfter: Date.UTC(2030, 0, 2, 0, 0, 5) })]);

      expect(found.get(1)).toBe(fake.sent[0]!.resource.sid);
      expect(fake.requests.at(-1)!.query.get('DateSent>')).toBe('2030-01-01T00:00:00Z');
    });

    it('does not reach back to days before sentAfter', async () => {
      fake.setNow(Date.now() - 3 * DAY);
      await provider().send(sms(1));
      fake.setNow(null);

      const found = await provider().findSent([lookup(1)]);

      expect(found.size).toBe(0);
    });

    it('follows Twilio’s next pages on apiUrl (the SDK’s absolute api.twilio.com URLs, the fetch adapter’s next_page_uri)', async () => {
      const p = provider();
      for (let id = 1; id <= 130; id++) await p.send(sms(id));

      // Newest first, 100 a page: message 1 is on the second page.
      const found = await p.findSent([lookup(1)]);

      expect(found.get(1)).toBe(fake.sent[0]!.resource.sid);
      expect(fake.requests.filter((r) => r.method === 'GET').map((r) => r.query.get('Page'))).toEqual([null, '1']);
    });

    it('throws when Twilio cannot be listed, rather than reporting nothing as sent', async () => {
      await provider().send(sms(1));
      fake.failNext({ status: 500 });
      await expect(provider().findSent([lookup(1)])).rejects.toThrow();
    });
  });
});
