// Twilio's request signature: base64 HMAC-SHA1, keyed with the auth token, of the URL Twilio called
// followed by every POST parameter (sorted by name; each distinct value of a repeated one, sorted)
// as name+value. Twilio sometimes signs the URL with the scheme's standard port and sometimes
// without, so both forms are tried (as twilio-node's validateRequest does).
import { timingSafeEqual } from '../auth.js';
import { hmac, toBase64 } from '../hmac.js';

export function signedPayload(url: string, params: URLSearchParams): string {
  const names = [...new Set(params.keys())].sort();
  let out = url;
  for (const name of names) {
    for (const value of [...new Set(params.getAll(name))].sort()) out += name + value;
  }
  return out;
}

/** The URL as Twilio may have signed it: as given, with the standard port, and without any port. */
function urlVariants(url: string): string[] {
  const parsed = new URL(url);
  const variants = new Set([url]);
  const standard = parsed.protocol === 'https:' ? '443' : '80';
  const withPort = new URL(url);
  withPort.port = standard;
  // URL drops a standard port when set, so it is put in by hand.
  variants.add(`${parsed.protocol}//${parsed.username ? `${parsed.username}:${parsed.password}@` : ''}${parsed.hostname}:${standard}${parsed.pathname}${parsed.search}`);
  const withoutPort = new URL(url);
  withoutPort.port = '';
  variants.add(withoutPort.toString());
  return [...variants];
}

export async function twilioSignature(authToken: string, url: string, params: URLSearchParams): Promise<string> {
  return toBase64(await hmac('SHA-1', authToken, signedPayload(url, params)));
}

export async function verifyTwilioSignature(authToken: string, url: string, params: URLSearchParams, signature: string | undefined): Promise<boolean> {
  if (!signature) return false;
  for (const candidate of urlVariants(url)) {
    if (timingSafeEqual(await twilioSignature(authToken, candidate, params), signature)) return true;
  }
  return false;
}
