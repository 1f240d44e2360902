// SmsProvider over Twilio's Messages API with nothing but fetch, for Cloudflare Workers.
//
// Why not the official `twilio` SDK (twilio.ts) there: it is a Node library — its RequestClient is
// axios over node:http/https agents, and it reads node:fs/os/url/crypto, which workerd does not
// provide (twilio-node#1096). This adapter speaks the same two calls on the wire — create
// (POST /2010-04-01/Accounts/{sid}/Messages.json, basic auth, form body) and list (GET the same
// path, To + DateSent> filters, next_page_uri paging) — and classifies answers with the same rules
// (twilio-shared.ts), so the dispatcher sees identical SendOutcomes on Node and on Workers.
import type { FoundMessages, OutgoingSms, SendOutcome, SmsLookup, SmsProvider } from '../core/delivery/providers.js';
import { checkSender, DEFAULT_TIMEOUT_MS, findSentWith, LIST_LIMIT, LIST_PAGE_SIZE, refusalOutcome, safeJson, type ListedMessage, type TwilioSettings } from './twilio-shared.js';

const API_VERSION = '2010-04-01';
const DEFAULT_API_URL = 'https://api.twilio.com';
/** Socket errors (as Node's fetch reports them in `cause`) that mean the request never left. */
const NEVER_CONNECTED = new Set(['ECONNREFUSED', 'ENOTFOUND', 'EAI_AGAIN', 'UND_ERR_CONNECT_TIMEOUT']);

interface TwilioErrorBody {
  code?: unknown;
  message?: unknown;
}

interface MessagePage {
  messages?: ListedMessage[];
  next_page_uri?: string | null;
}

export function twilioFetchSmsProvider(settings: TwilioSettings): SmsProvider {
  checkSender(settings);
  const timeoutMs = settings.timeoutMs ?? DEFAULT_TIMEOUT_MS;
  const base = apiBase(settings.apiUrl);
  const messagesPath = `/${API_VERSION}/Accounts/${encodeURIComponent(settings.accountSid)}/Messages.json`;
  const authorization = `Basic ${btoa(`${settings.accountSid}:${settings.authToken}`)}`;

  const call = (url: string, init: RequestInit = {}) =>
    fetch(url, {
      ...init,
      headers: { authorization, accept: 'application/json', ...(init.headers as Record<string, string> | undefined) },
      signal: AbortSignal.timeout(timeoutMs),
    });

  return {
    name: 'twilio',

    async send(message: OutgoingSms): Promise<SendOutcome> {
      const form = new URLSearchParams({ To: message.to, Body: message.body, StatusCallback: message.statusCallbackUrl });
      if (settings.from) form.set('From', settings.from);
      if (settings.messagingServiceSid) form.set('MessagingServiceSid', settings.messagingServiceSid);
      let response: Response;
      try {
        response = await call(`${base}${messagesPath}`, {
          method: 'POST',
          headers: { 'content-type': 'application/x-www-form-urlencoded' },
          body: form,
        });
      } catch (error) {
        const reason = describe(error);
        // Refused before the request left: nothing was sent. Anything else (timeout, reset): maybe.
        if (neverConnected(error)) return { status: 'failed', permanent: false, code: 'twilio:unreachable', reason };
        return { status: 'unknown', reason };
      }
      let text: string;
      try {
        text = await response.text();
      } catch (error) {
        // The status came but the body did not: on a 2xx the message exists.
        if (response.ok) return { status: 'unknown', reason: `Twilio's answer was unreadable: ${describe(error)}` };
        return refusalOutcome(response.status, undefined, describe(error), response.headers.get('retry-after'));
      }
      const body = safeJson(text) as ({ sid?: unknown } & TwilioErrorBody) | null;
      if (response.ok) {
        return typeof body?.sid === 'string'
          ? { status: 'sent', providerMessageId: body.sid }
          : { status: 'unknown', reason: `Twilio's answer was unreadable: ${text.slice(0, 200)}` };
      }
      const errorCode = typeof body?.code === 'number' ? body.code : undefined;
      const reason = typeof body?.message === 'string' ? body.message : `HTTP ${response.status}`;
      return refusalOutcome(response.status, errorCode, reason, response.headers.get('retry-after'));
    },

    async findSent(lookups: SmsLookup[]): Promise<FoundMessages> {
      return findSentWith(lookups, async (to, since) => {
        const query = new URLSearchParams({ To: to, 'DateSent>': isoSeconds(since), PageSize: String(LIST_PAGE_SIZE) });
        const messages: ListedMessage[] = [];
        let url: string | undefined = `${base}${messagesPath}?${query}`;
        while (url && messages.length < LIST_LIMIT) {
          const response = await call(url);
          if (!response.ok) {
            const body = safeJson(await response.text().catch(() => '')) as TwilioErrorBody | null;
            throw new Error(`Twilio message list failed: HTTP ${response.status}${typeof body?.code === 'number' ? ` (${body.code})` : ''}`);
          }
          const page = (await response.json()) as MessagePage;
          messages.push(...(page.messages ?? []));
          // next_page_uri is a path on the API host (the SDK follows it on api.twilio.com): keep it on ours.
          url = page.next_page_uri ? `${base}${page.next_page_uri}` : undefined;
        }
        return messages;
      });
    },
  };
}

/** apiUrl's origin and path prefix (no trailing slash), or Twilio's own API host. */
function apiBase(apiUrl: string | undefined): string {
  const url = new URL(apiUrl ?? DEFAULT_API_URL);
  return `${url.origin}${url.pathname.replace(/\/+$/, '')}`;
}

function neverConnected(error: unknown): boolean {
  const cause = error instanceof Error ? (error.cause as { code?: unknown } | undefined) : undefined;
  return typeof cause?.code === 'string' && NEVER_CONNECTED.has(cause.code);
}

function describe(error: unknown): string {
  if (!(error instanceof Error)) return String(error);
  const cause = error.cause instanceof Error ? `: ${error.cause.message}` : '';
  return `${error.message}${cause}`;
}

/** The SDK's DateSent format: YYYY-MM-DDTHH:mm:ssZ (UTC, no milliseconds). */
function isoSeconds(date: Date): string {
  return date.toISOString().replace(/\.\d{3}Z$/, 'Z');
}
