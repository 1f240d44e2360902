// Field validators shared by every input schema (API bodies, CSV rows, Slack forms).
import { z } from 'zod';

// Building an Intl formatter costs ~0.1 ms; a bulk request repeats the same few zones thousands of times.
const knownZones = new Map<string, boolean>();

export function isTimeZone(value: string): boolean {
  let known = knownZones.get(value);
  if (known === undefined) {
    try {
      new Intl.DateTimeFormat('en-US', { timeZone: value });
      known = true;
    } catch {
      known = false;
    }
    if (knownZones.size < 10_000) knownZones.set(value, known);
  }
  return known;
}

export const timeZone = z.string().refine(isTimeZone, { message: 'must be an IANA time zone such as America/Toronto' });

/** BCP 47 tags as communities use them: language, optional script, optional region (en-US, fr-CA, zh-Hant-TW). */
export const localeTag = z
  .string()
  .regex(/^[a-z]{2,3}(-[A-Z][a-z]{3})?(-([A-Z]{2}|[0-9]{3}))?$/, 'must be a locale tag such as en-US or fr-CA');

export const e164Phone = z.string().regex(/^\+[1-9][0-9]{6,14}$/, 'must be an E.164 phone number such as +15145550123');

export const emailAddress = z.email({ message: 'must be an email address' }).max(254);

export const httpUrl = z.url({ protocol: /^https?$/, message: 'must be an http(s) URL' }).max(2000);

export const isoInstant = z.iso.datetime({ offset: true, message: 'must be an ISO 8601 date-time with a zone, e.g. 2026-12-01T09:00:00Z' });

export const externalId = z
  .string()
  .min(1)
  .max(128)
  .regex(/^[^\s,]+$/, 'must not contain spaces or commas');
