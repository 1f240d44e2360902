// SmsProvider over Twilio, with the official `twilio` client (v6): one Messages API create per SMS,
// and the message list (by recipient and day) to find what an earlier attempt got accepted.
//
// Twilio's RestException keeps no response headers (Retry-After), and its transport errors say
// nothing about whether the request left. So each call gets a client whose `httpClient` (a
// documented client option) delegates to one shared RequestClient, points *.twilio.com at
// `apiUrl`, sets the timeout, and records what happened on the wire.
import twilio from 'twilio';
import type { FoundMessages, OutgoingSms, SendOutcome, SmsLookup, SmsProvider } from '../core/delivery/providers.js';

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

type RequestClient = twilio.RequestClient;
type RequestOptions = Parameters<RequestClient['request']>[0];
type HttpResponse = Awaited<ReturnType<RequestClient['request']>>;

const DEFAULT_TIMEOUT_MS = 30_000;
/** Recipient errors: retrying the same number cannot help (https://www.twilio.com/docs/api/errors/<code>). */
const PERMANENT_CODES = new Set([
  21211, // invalid 'To' number
  21265, // 'To' is a short code
  21408, // no permission for the number's region (geo permissions)
  21610, // the recipient replied STOP
  21612, // 'To' not reachable via SMS
  21614, // 'To' is not a mobile number
  21635, // 'To' is a landline
]);
const RATE_LIMITED = 20429;
/** Axios (inside RequestClient) socket errors that mean the request never left. */
const NEVER_CONNECTED = new Set(['ECONNREFUSED', 'ENOTFOUND', 'EAI_AGAIN']);
/** findSent: the list is newest first; a participant gets few SMS a day, so these are generous. */
const LIST_PAGE_SIZE = 100;
const LIST_LIMIT = 1000;
/** Clock difference we tolerate between this process and Twilio when picking the day to search from. */
const CLOCK_SKEW_MS = 10 * 60_000;
const DAY_MS = 86_400_000;

/** What the wire saw during one client call. */
interface Exchange {
  response?: HttpResponse;
  failure?: unknown;
}

export function twilioSmsProvider(settings: TwilioSettings): SmsProvider {
  if (!settings.from && !settings.messagingServiceSid) throw new Error('Twilio needs a From number or a Messaging Service SID');
  const timeoutMs = settings.timeoutMs ?? DEFAULT_TIMEOUT_MS;
  const apiUrl = settings.apiUrl ? new URL(settings.apiUrl) : undefined;
  // Shared, so all calls reuse its connection pool; autoRetry off: the dispatcher owns retries.
  const transport = new twilio.RequestClient({ timeout: timeoutMs, autoRetry: false });
  const sender = {
    ...(settings.from ? { from: settings.from } : {}),
    ...(settings.messagingServiceSid ? { messagingServiceSid: settings.messagingServiceSid } : {}),
  };

  function clientFor(exchange: Exchange): twilio.Twilio {
    const httpClient = {
      async request(opts: RequestOptions): Promise<HttpResponse> {
        try {
          const response = await transport.request({ ...opts, uri: rewrite(opts.uri, apiUrl), timeout: timeoutMs });
          exchange.response = response;
          return response;
        } catch (error) {
          exchange.failure = error;
          throw error;
        }
      },
    };
    // Twilio only ever calls request() on its httpClient; the option's type asks for a whole RequestClient.
    return twilio(settings.accountSid, settings.authToken, { httpClient: httpClient as unknown as RequestClient, autoRetry: false });
  }

  return {
    name: 'twilio',

    async send(message: OutgoingSms): Promise<SendOutcome> {
      const exchange: Exchange = {};
      try {
        const created = await clientFor(exchange).messages.create({
          to: message.to,
          body: message.body,
          statusCallback: message.statusCallbackUrl,
          ...sender,
        });
        return { status: 'sent', providerMessageId: created.sid };
      } catch (error) {
        return failureOutcome(error, exchange);
      }
    },

    async findSent(lookups: SmsLookup[]): Promise<FoundMessages> {
      const found: FoundMessages = new Map();
      const client = clientFor({});
      // One list per recipient. Errors propagate: "could not look" must never read as "was not sent".
      for (const [to, group] of groupBy(lookups, (lookup) => lookup.to)) {
        const earliest = Math.min(...group.map((lookup) => lookup.sentAfter));
        const messages = await client.messages.list({
          to,
          // Twilio filters DateSent by whole UTC days ("on or after midnight"), so ask from the
          // start of that day; the marker, unique per message, does the exact matching.
          dateSentAfter: startOfUtcDay(earliest - CLOCK_SKEW_MS),
          pageSize: LIST_PAGE_SIZE,
          limit: LIST_LIMIT,
        });
        for (const lookup of group) {
          const match = messages.find((sent) => sent.body?.includes(lookup.marker));
          if (match) found.set(lookup.deliveryId, match.sid);
        }
      }
      return found;
    },
  };
}

function failureOutcome(error: unknown, exchange: Exchange): SendOutcome {
  const message = error instanceof Error ? error.message : String(error);
  const response = exchange.response;
  if (response) {
    const status = response.statusCode;
    // Twilio answered 2xx but the body could not be read: the message may exist.
    if (status >= 200 && status < 300) return { status: 'unknown', reason: `Twilio's answer was unreadable: ${message}` };
    const errorCode = twilioErrorCode(error, response.body);
    const code = errorCode ? `twilio:${errorCode}` : `twilio:http_${status}`;
    if (status === 429 || errorCode === RATE_LIMITED) {
      const retryAfter = retryAfterMs(headerValue(response.headers, 'retry-after'));
      return { status: 'failed', permanent: false, code, reason: message, ...(retryAfter === undefined ? {} : { retryAfterMs: retryAfter }) };
    }
    // Only recipient errors are permanent; auth, sender and account errors must be retryable once fixed.
    const permanent = status >= 400 && status < 500 && errorCode !== undefined && PERMANENT_CODES.has(errorCode);
    return { status: 'failed', permanent, code, reason: message };
  }
  if (exchange.failure !== undefined) {
    const socketCode = (exchange.failure as { code?: unknown }).code;
    if (typeof socketCode === 'string' && NEVER_CONNECTED.has(socketCode)) {
      return { status: 'failed', permanent: false, code: 'twilio:unreachable', reason: message };
    }
    // Timeout, reset, abort: the message may have been accepted.
    return { status: 'unknown', reason: message };
  }
  // Nothing reached the wire: a bug on our side, not a provider's answer.
  throw error;
}

/** RestException and TwilioServiceException both carry `code`; fall back to the body for anything else. */
function twilioErrorCode(error: unknown, body: unknown): number | undefined {
  const fromError = (error as { code?: unknown } | null)?.code;
  if (typeof fromError === 'number') return fromError;
  const parsed = typeof body === 'string' ? safeJson(body) : body;
  const fromBody = (parsed as { code?: unknown } | null)?.code;
  return typeof fromBody === 'number' ? fromBody : undefined;
}

function safeJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return null;
  }
}

/** Points twilio.com and its subdomains (api., messaging., edge/region hosts) at apiUrl. */
function rewrite(uri: string, apiUrl: URL | undefined): string {
  if (!apiUrl) return uri;
  const url = new URL(uri);
  if (url.hostname !== 'twilio.com' && !url.hostname.endsWith('.twilio.com')) return uri;
  return `${apiUrl.origin}${apiUrl.pathname.replace(/\/+$/, '')}${url.pathname}${url.search}`;
}

/** Response headers come from axios (AxiosHeaders, lower-case names) or a plain object. */
function headerValue(headers: unknown, name: string): string | null {
  if (!headers || typeof headers !== 'object') return null;
  for (const [key, value] of Object.entries(headers)) {
    if (key.toLowerCase() === name) return Array.isArray(value) ? String(value[0]) : String(value);
  }
  return null;
}

/** Retry-After is either delay-seconds or an HTTP date (RFC 9110 §10.2.3). */
function retryAfterMs(value: string | null): number | undefined {
  if (!value) return undefined;
  if (/^\s*\d+\s*$/.test(value)) return Number(value) * 1000;
  const at = Date.parse(value);
  return Number.isNaN(at) ? undefined : Math.max(0, at - Date.now());
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
