// Slack request signing (v0): hex HMAC-SHA256 of `v0:timestamp:rawBody` with the signing secret,
// timestamp within five minutes of now. Web Crypto only, so it runs on Node and on Workers.

import { timingSafeEqual } from '../http/auth.js';
import { hmacSha256Hex } from '../http/hmac.js';

export const SLACK_SIGNATURE_WINDOW_SECONDS = 300;

export type SignatureCheck = { ok: true } | { ok: false; reason: 'missing_headers' | 'stale_timestamp' | 'bad_signature' };

export async function verifySlackSignature(input: {
  signingSecret: string;
  timestamp: string | null | undefined;
  signature: string | null | undefined;
  rawBody: string;
  nowSeconds: number;
}): Promise<SignatureCheck> {
  const { timestamp, signature } = input;
  if (!timestamp || !signature) return { ok: false, reason: 'missing_headers' };
  const ts = Number(timestamp);
  if (!/^\d+$/.test(timestamp) || Math.abs(input.nowSeconds - ts) > SLACK_SIGNATURE_WINDOW_SECONDS) return { ok: false, reason: 'stale_timestamp' };
  const expected = `v0=${await hmacSha256Hex(input.signingSecret, `v0:${timestamp}:${input.rawBody}`)}`;
  return timingSafeEqual(expected, signature) ? { ok: true } : { ok: false, reason: 'bad_signature' };
}
