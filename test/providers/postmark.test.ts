// The Postmark adapter, with the real `postmark` client, against a local fake of Postmark's API.
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { OutgoingEmail, SendOutcome } from '../../src/core/delivery/providers.js';
import { postmarkEmailProvider, type PostmarkSettings } from '../../src/providers/postmark.js';
import { startFakePostmark, type FakePostmark } from '../support/fake-postmark.js';
import { closedPortUrl } from '../support/ports.js';

let fake: FakePostmark;
beforeAll(async () => {
  fake = await startFakePostmark();
});
afterEach(() => fake.reset());
afterAll(() => fake.close());

const FROM = 'surveys@example.com';

function provider(overrides: Partial<PostmarkSettings> = {}) {
  return postmarkEmailProvider({ serverToken: fake.serverToken, from: FROM, messageStream: 'invitations', apiUrl: fake.url, timeoutMs: 300, ...overrides });
}

function email(deliveryId: number, overrides: Partial<OutgoingEmail> = {}): OutgoingEmail {
  return {
    deliveryId,
    batchId: 'batch-1',
    to: `p${deliveryId}@example.org`,
    fromName: null,
    subject: `Subject ${deliveryId}`,
    textBody: `Text ${deliveryId}`,
    htmlBody: `<p>Html ${deliveryId}</p>`,
    unsubscribeUrl: `https://surveys.example.com/u/${deliveryId}`,
    ...overrides,
  };
}

describe('sendBatch', () => {
  it('sends each message with its sender, stream, unsubscribe headers and metadata, and returns the MessageIDs', async () => {
    const outcomes = await provider().sendBatch([
      email(1, { fromName: 'Surveys "Team", Inc. \\ Research' }),
      email(2),
    ]);

    expect(fake.sent.map((s) => s.message)).toEqual([
      {
        From: `"Surveys \\"Team\\", Inc. \\\\ Research" <${FROM}>`,
        To: 'p1@example.org',
        Subject: 'Subject 1',
        TextBody: 'Text 1',
        HtmlBody: '<p>Html 1</p>',
        MessageStream: 'invitations',
        Headers: [
          { Name: 'List-Unsubscribe', Value: '<https://surveys.example.com/u/1>' },
          { Name: 'List-Unsubscribe-Post', Value: 'List-Unsubscribe=One-Click' },
        ],
        Metadata: { delivery_id: '1', batch_id: 'batch-1' },
        TrackOpens: false,
      },
      expect.objectContaining({ From: FROM, To: 'p2@example.org', Metadata: { delivery_id: '2', batch_id: 'batch-1' } }),
    ]);
    expect(outcomes).toEqual(fake.sent.map((s): SendOutcome => ({ status: 'sent', providerMessageId: s.messageId })));
    expect(fake.requests.map((r) => `${r.method} ${r.path}`)).toEqual(['POST /email/batch']);
  });

  it('fails inactive (406) and invalid (300) recipients permanently, each on its own, and sends the rest', async () => {
    fake.rejectRecipient('gone@example.org', 406);
    const outcomes = await provider().sendBatch([email(1), email(2, { to: 'gone@example.org' }), email(3, { to: 'not-an-address' })]);

    expect(outcomes[0]).toEqual({ status: 'sent', providerMessageId: fake.sent[0]!.messageId });
    expect(outcomes[1]).toEqual({ status: 'failed', permanent: true, code: 'postmark:406', reason: expect.stringContaining('gone@example.org') });
    expect(outcomes[2]).toEqual({ status: 'failed', permanent: true, code: 'postmark:300', reason: "Invalid 'To' address: 'not-an-address'." });
    expect(fake.sent.map((s) => s.message.To)).toEqual(['p1@example.org']);
  });

  it('keeps an unverified sender (300 about From) retryable: our configuration, not the recipient', async () => {
    fake.verifySenders(['someone-else@example.com']);
    const [outcome] = await provider().sendBatch([email(1)]);
    expect(outcome).toEqual({ status: 'failed', permanent: false, code: 'postmark:300', reason: expect.stringContaining("'From'") });
  });

  it('answers a 429 with Retry-After for every message, not permanent, with retryAfterMs', async () => {
    fake.failNext({ status: 429, retryAfterSeconds: 7 });
    const outcomes = await provider().sendBatch([email(1), email(2)]);
    expect(outcomes).toEqual([1, 2].map(() => ({ status: 'failed', permanent: false, code: 'postmark:429', reason: expect.any(String), retryAfterMs: 7000 })));
    expect(fake.sent).toEqual([]);
  });

  it('answers a 429 without Retry-After with no retryAfterMs (the dispatcher picks the delay)', async () => {
    fake.failNext({ status: 429 });
    const [outcome] = await provider().sendBatch([email(1)]);
    expect(outcome).toEqual({ status: 'failed', permanent: false, code: 'postmark:429', reason: expect.any(String) });
  });

  it('answers a 500 (even without a JSON body) as a retryable failure', async () => {
    fake.failNext({ status: 500 });
    const outcomes = await provider().sendBatch([email(1), email(2)]);
    expect(outcomes).toEqual([1, 2].map(() => ({ status: 'failed', permanent: false, code: 'postmark:http_500', reason: expect.any(String) })));
  });

  it('answers a bad server token (401, ErrorCode 10) as a retryable failure with Postmark’s code', async () => {
    const [outcome] = await provider({ serverToken: 'wrong' }).sendBatch([email(1)]);
    expect(outcome).toEqual({ status: 'failed', permanent: false, code: 'postmark:10', reason: 'Request does not contain a valid Server token.' });
    expect(fake.sent).toEqual([]);
  });

  it('answers a request Postmark never got (connection refused) as a retryable failure, not unknown', async () => {
    const [outcome] = await provider({ apiUrl: await closedPortUrl() }).sendBatch([email(1)]);
    expect(outcome).toEqual({ status: 'failed', permanent: false, code: 'postmark:unreachable', reason: expect.any(String) });
  });

  it('answers unknown for every message when Postmark does not answer in time', async () => {
    fake.delay(2000);
    const started = Date.now();
    const outcomes = await provider({ timeoutMs: 200 }).sendBatch([email(1), email(2)]);
    expect(Date.now() - started).toBeLessThan(1500);
    expect(outcomes).toEqual([1, 2].map(() => ({ status: 'unknown', reason: expect.any(String) })));
  });

  it('answers unknown when Postmark accepted the batch but the answer never came; findSent then finds them', async () => {
    fake.hangNext();
    const outcomes = await provider({ timeoutMs: 200 }).sendBatch([email(1), email(2), email(3, { to: 'gone@example.org' })]);
    expect(outcomes.map((o) => o.status)).toEqual(['unknown', 'unknown', 'unknown']);
    // Another batch, and another stream, that findSent must not mix in.
    await provider().sendBatch([email(4, { batchId: 'batch-2' })]);
    await provider({ messageStream: 'outbound' }).sendBatch([email(5)]);

    const found = await provider().findSent('batch-1', [1, 2, 3, 5]);

    const idOf = (to: string) => fake.sent.find((s) => s.message.To === to && s.stream === 'invitations')!.messageId;
    expect(found).toEqual(new Map([[1, idOf('p1@example.org')], [2, idOf('p2@example.org')], [3, idOf('gone@example.org')]]));
    const search = fake.requests.find((r) => r.path === '/messages/outbound')!;
    expect(Object.fromEntries(search.query)).toEqual({ count: '500', offset: '0', messagestream: 'invitations', metadata_batch_id: 'batch-1' });
  });

  it('refuses a batch larger than Postmark takes, before sending anything', async () => {
    const tooMany = Array.from({ length: 501 }, (_, i) => email(i + 1));
    await expect(provider().sendBatch(tooMany)).rejects.toThrow(/500/);
    expect(fake.requests).toEqual([]);
  });
});

describe('findSent', () => {
  it('pages through the search until every wanted delivery is found', async () => {
    const first = Array.from({ length: 500 }, (_, i) => email(i + 1));
    const retry = Array.from({ length: 100 }, (_, i) => email(i + 501));
    await provider().sendBatch(first);
    await provider().sendBatch(retry);

    const found = await provider().findSent('batch-1', [1, 250, 600]);

    expect([...found.keys()].sort((a, b) => a - b)).toEqual([1, 250, 600]);
    expect(found.get(1)).toBe(fake.sent[0]!.messageId);
    expect(fake.requests.filter((r) => r.path === '/messages/outbound').map((r) => r.query.get('offset'))).toEqual(['0', '500']);
  });

  it('stops as soon as everything is found', async () => {
    await provider().sendBatch(Array.from({ length: 500 }, (_, i) => email(i + 1)));
    await provider().sendBatch(Array.from({ length: 100 }, (_, i) => email(i + 501)));
    // The newest messages come first: 600 is on the first page.
    const found = await provider().findSent('batch-1', [600]);
    expect(found.size).toBe(1);
    expect(fake.requests.filter((r) => r.path === '/messages/outbound')).toHaveLength(1);
  });

  it('throws when Postmark cannot be searched, rather than reporting nothing as sent', async () => {
    await provider().sendBatch([email(1)]);
    fake.failNext({ status: 500 });
    await expect(provider().findSent('batch-1', [1])).rejects.toThrow();
  });
});
