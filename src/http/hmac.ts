// HMAC with Web Crypto (Node 20+ and Workers alike), for every signature we check: Slack's
// (SHA-256, hex), Twilio's (SHA-1, base64) and the completion webhook's (SHA-256, hex).
const encoder = new TextEncoder();

// Importing the key costs as much as signing: it is done once per secret and hash.
const keys = new Map<string, Promise<CryptoKey>>();

function hmacKey(hash: 'SHA-1' | 'SHA-256', secret: string): Promise<CryptoKey> {
  const id = `${hash}\u0000${secret}`;
  let key = keys.get(id);
  if (!key) {
    key = crypto.subtle.importKey('raw', encoder.encode(secret), { name: 'HMAC', hash }, false, ['sign']);
    keys.set(id, key);
  }
  return key;
}

export async function hmac(hash: 'SHA-1' | 'SHA-256', secret: string, message: string | Uint8Array<ArrayBuffer>): Promise<Uint8Array> {
  const data = typeof message === 'string' ? encoder.encode(message) : message;
  return new Uint8Array(await crypto.subtle.sign('HMAC', await hmacKey(hash, secret), data));
}

export function toHex(bytes: Uint8Array): string {
  return Array.from(bytes, (b) => b.toString(16).padStart(2, '0')).join('');
}

export function toBase64(bytes: Uint8Array): string {
  return btoa(String.fromCharCode(...bytes));
}

export async function hmacSha256Hex(secret: string, message: string | Uint8Array<ArrayBuffer>): Promise<string> {
  return toHex(await hmac('SHA-256', secret, message));
}
