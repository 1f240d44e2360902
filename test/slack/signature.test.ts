import { describe, expect, it } from 'vitest';
import { verifySlackSignature } from '../../src/slack/signature.js';
import { fixture } from '../support/fixtures.js';

// Slack's published worked example (test/fixtures/slack-signature-vector.json).
const vector = fixture('slack-signature-vector.json');

const base = {
  signingSecret: vector.signing_secret as string,
  timestamp: vector.headers['X-Slack-Request-Timestamp'] as string,
  signature: vector.headers['X-Slack-Signature'] as string,
  rawBody: vector.raw_body as string,
  nowSeconds: vector.now_for_validity as number,
};

describe('Slack request signatures', () => {
  it("accept Slack's worked example", async () => {
    expect(await verifySlackSignature(base)).toEqual({ ok: true });
  });

  it('reject a tampered body, a bad signature and a stale timestamp', async () => {
    const [tampered, stale, bad] = vector.negative_cases;
    expect(await verifySlackSignature({ ...base, rawBody: tampered.raw_body })).toEqual({ ok: false, reason: 'bad_signature' });
    expect(await verifySlackSignature({ ...base, nowSeconds: stale.now })).toEqual({ ok: false, reason: 'stale_timestamp' });
    expect(await verifySlackSignature({ ...base, signature: bad.signature })).toEqual({ ok: false, reason: 'bad_signature' });
  });

  it('accept the edges of the 5-minute window, in both directions, and nothing beyond', async () => {
    const ts = Number(base.timestamp);
    expect((await verifySlackSignature({ ...base, nowSeconds: ts + 300 })).ok).toBe(true);
    expect((await verifySlackSignature({ ...base, nowSeconds: ts - 300 })).ok).toBe(true);
    expect(await verifySlackSignature({ ...base, nowSeconds: ts - 301 })).toEqual({ ok: false, reason: 'stale_timestamp' });
  });

  it('reject missing headers and non-numeric timestamps', async () => {
    expect(await verifySlackSignature({ ...base, signature: null })).toEqual({ ok: false, reason: 'missing_headers' });
    expect(await verifySlackSignature({ ...base, timestamp: undefined })).toEqual({ ok: false, reason: 'missing_headers' });
    expect(await verifySlackSignature({ ...base, timestamp: `${base.timestamp}.5` })).toEqual({ ok: false, reason: 'stale_timestamp' });
  });
});
