// What both Twilio adapters share, without the `twilio` SDK (so the fetch-based one stays free of
// it on Workers): the settings, how Twilio's refusals become SendOutcomes, and how findSent
// matches an earlier attempt. The SDK adapter (twilio.ts, Node) and the fetch adapter
// (twilio-fetch.ts, Workers) differ only in how they reach the API.
import type { FoundMessages, SendOutcome, SmsLookup, SmsProvider } from '../core/delivery/providers.js';

export interface TwilioSettings {
  accountSid: string;
  authToken: string;
  /** A sender of the account (E.164 number, short code, alphanumeric id). This or messagingServiceSid. */
  from?: string;
  /** A Messaging Service (MG…); Twilio picks the sender from its pool unless `from` is also set. */
  messagingServiceSid?: string;
  /** Another API origin for every *.twilio.com host, e.g. http://127.0.0.1:1234 in tests. */
  apiUrl?: string;
  /** Per request; an unanswered send becomes `unknown`, not a retry. Default 30 s. */
  timeoutMs?: number;
}

/** Either adapter: twilioSmsProvider (SDK, Node) or twilioFetchSmsProvider (fetch, Workers). */
export type TwilioSmsAdapter = (settings: TwilioSettings) => SmsProvider;

export const DEFAULT_TIMEOUT_MS = 30_000;
/** findSent: the list is newest first; a participant gets few SMS a day, so these are generous. */
export const LIST_PAGE_SIZE = 100;
export const LIST_LIMIT = 1000;
/** Clock difference we tolerate between this process and Twilio when picking the day to search from. */
const CLOCK_SKEW_MS = 10 * 60_000;
const DAY_MS = 86_400_000;

/** Recipient errors: retrying the same number cannot help (https://www.twilio.com/docs/api/errors/<code>). */
export const PERMANENT_CODES: ReadonlySet<number> = new Set([
  21211, // invalid 'To' number
  21265, // 'To' is a short code
  21408, // no permission for the number's region (geo permissions)
  21610, // the recipient replied STOP
  21612, // 'To' not reachable via SMS
  21614, // 'To' is not a mobile number
  21635, // 'To' is a landline
]);
export const RATE_LIMITED = 20429;

export function checkSender(settings: TwilioSettings): void {
  if (!settings.from && !settings.messagingServiceSid) throw new Error('Twilio needs a From number or a Messaging Service SID');
}

/**
 * Twilio answered with a non-2xx status. Only recipient errors are permanent; auth, sender and
 * account errors must be retryable once fixed; 429 (or 20429) carries Retry-After when given.
 */
export function refusalOutcome(status: number, errorCode: number | undefined, reason: string, retryAfter: string | null): SendOutcome {
  const code = errorCode ? `twilio:${errorCode}` : `twilio:http_${status}`;
  if (status === 429 || errorCode === RATE_LIMITED) {
    const wait = retryAfterMs(retryAfter);
    return { status: 'failed', permanent: false, code, reason, ...(wait === undefined ? {} : { retryAfterMs: wait }) };
  }
  const permanent = status >= 400 && status < 500 && errorCode !== undefined && PERMANENT_CODES.has(errorCode);
  return { status: 'failed', permanent, code, reason };
}

/** Retry-After is either delay-seconds or an HTTP date (RFC 9110 §10.2.3). */
export function retryAfterMs(value: string | null): number | undefined {
  if (!value) return undefined;
  if (/^\s*\d+\s*$/.test(value)) return Number(value) * 1000;
  const at = Date.parse(value);
  return Number.isNaN(at) ? undefined : Math.max(0, at - Date.now());
}

/** A message as Twilio's list returns it (the fields findSent reads). */
export interface ListedMessage {
  sid: string;
  body?: string | null;
}

/**
 * findSent for either adapter: `list` fetches one recipient's messages sent on or after `since`.
 * One list per recipient. Errors propagate: "could not look" must never read as "was not sent".
 */
export async function findSentWith(lookups: SmsLookup[], list: (to: string, since: Date) => Promise<ListedMessage[]>): Promise<FoundMessages> {
  const found: FoundMessages = new Map();
  for (const [to, group] of groupBy(lookups, (lookup) => lookup.to)) {
    const earliest = Math.min(...group.map((lookup) => lookup.sentAfter));
    // Twilio filters DateSent by whole UTC days ("on or after midnight"), so ask from the start of
    // that day; the marker, unique per message, does the exact matching.
    const messages = await list(to, startOfUtcDay(earliest - CLOCK_SKEW_MS));
    for (const lookup of group) {
      const match = messages.find((sent) => sent.body?.includes(lookup.marker));
      if (match) found.set(lookup.deliveryId, match.sid);
    }
  }
  return found;
}

export function safeJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return null;
  }
}

function startOfUtcDay(ms: number): Date {
  return new Date(Math.floor(ms / DAY_MS) * DAY_MS);
}

function groupBy<T>(items: T[], key: (item: T) => string): Map<string, T[]> {
  const groups = new Map<string, T[]>();
  for (const item of items) {
    const group = groups.get(key(item));
    if (group) group.push(item);
    else groups.set(key(item), [item]);
  }
  return groups;
}
