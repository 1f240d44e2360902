// Slack request signing (v0): hex HMAC-SHA256 of `v0:timestamp:rawBody` with the signing secret,
// timestamp within five minutes of now. Web Crypto only, so it runs on Node and on Workers.

export const SLACK_SIGNATURE_WINDOW_SECONDS = 300;

export type SignatureCheck = { ok: true } | { ok: false; reason: 'missing_headers' | 'stale_timestamp' | 'bad_signature' };

const encoder = new TextEncoder();

// Importing the key costs as much as signing: it is done once per secret.
const keys = new Map<string, Promise<CryptoKey>>();

function hmacKey(secret: string): Promise<CryptoKey> {
  let key = keys.get(secret);
  if (!key) {
    key = crypto.subtle.importKey('raw', encoder.encode(secret), { name: 'HMAC', hash: 'SHA-256' }, false, ['sign']);
    keys.set(secret, key);
  }
  return key;
}

export async function hmacSha256Hex(secret: string, message: string): Promise<string> {
  const key = await hmacKey(secret);
  const mac = new Uint8Array(await crypto.subtle.sign('HMAC', key, encoder.encode(message)));
  return Array.from(mac, (b) => b.toString(16).padStart(2, '0')).join('');
}

/** Compares in time independent of where the strings differ (length is not secret: it is fixed). */
function constantTimeEqual(a: string, b: string): boolean {
  if (a.length !== b.length) return false;
  let diff = 0;
  for (let i = 0; i < a.length; i++) diff |= a.charCodeAt(i) ^ b.charCodeAt(i);
  return diff === 0;
}

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
  return constantTimeEqual(expected, signature) ? { ok: true } : { ok: false, reason: 'bad_signature' };
}
