// SmsProvider over Twilio, with the official `twilio` client (v6): one Messages API create per SMS,
// and the message list (by recipient and day) to find what an earlier attempt got accepted.
//
// Twilio's RestException keeps no response headers (Retry-After), and its transport errors say
// nothing about whether the request left. So each call gets a client whose `httpClient` (a
// documented client option) delegates to one shared RequestClient, points *.twilio.com at
// `apiUrl`, sets the timeout, and records what happened on the wire.
import twilio from 'twilio';
import type { FoundMessages, OutgoingSms, SendOutcome, SmsLookup, SmsProvider } from '../core/delivery/providers.js';
import { checkSender, DEFAULT_TIMEOUT_MS, findSentWith, LIST_LIMIT, LIST_PAGE_SIZE, refusalOutcome, safeJson, type TwilioSettings } from './twilio-shared.js';

export type { TwilioSettings } from './twilio-shared.js';

type RequestClient = twilio.RequestClient;
type RequestOptions = Parameters<RequestClient['request']>[0];
type HttpResponse = Awaited<ReturnType<RequestClient['request']>>;

/** Axios (inside RequestClient) socket errors that mean the request never left. */
const NEVER_CONNECTED = new Set(['ECONNREFUSED', 'ENOTFOUND', 'EAI_AGAIN']);

/** What the wire saw during one client call. */
interface Exchange {
  response?: HttpResponse;
  failure?: unknown;
}

export function twilioSmsProvider(settings: TwilioSettings): SmsProvider {
  checkSender(settings);
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
      const client = clientFor({});
      return findSentWith(lookups, (to, since) => client.messages.list({ to, dateSentAfter: since, pageSize: LIST_PAGE_SIZE, limit: LIST_LIMIT }));
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
    // The same rules as the fetch adapter (twilio-shared.ts).
    return refusalOutcome(status, twilioErrorCode(error, response.body), message, headerValue(response.headers, 'retry-after'));
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
