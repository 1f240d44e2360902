// Random identifiers from Web Crypto (Node 20+ and Workers alike).

const alphabet = '0123456789abcdefghjkmnpqrstvwxyz';

/** Opaque, URL-safe id with 80 random bits, e.g. inv_3kq9x…; not a secret. */
export function randomId(prefix: string): string {
  const bytes = crypto.getRandomValues(new Uint8Array(16));
  let out = '';
  for (const b of bytes) out += alphabet[b & 31];
  return `${prefix}_${out}`;
}

/** 128 random bits as hex: the secret in a participant's personal link. */
export function randomToken(): string {
  const bytes = crypto.getRandomValues(new Uint8Array(16));
  return Array.from(bytes, (b) => b.toString(16).padStart(2, '0')).join('');
}
