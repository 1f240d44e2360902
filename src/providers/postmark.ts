// EmailProvider over Postmark, with the official `postmark` client (v5, fetch-based): batches go
// through /email/batch, and the outbound message search finds what an earlier attempt got accepted.
//
// The client turns every failure into a PostmarkError that keeps neither the response headers
// (Retry-After) nor the cause of a network failure (refused, or reset after the request left). So
// each call gets its own client, whose `fetch` (a documented client option) records what happened
// on the wire; the outcome is read from that record, not guessed from the error message.
import { Errors, ServerClient, type Message } from 'postmark';
import type { EmailProvider, FoundMessages, OutgoingEmail, SendOutcome } from '../core/delivery/providers.js';

export interface PostmarkSettings {
  serverToken: string;
  /** Sender address: a confirmed sender signature, or an address of a verified domain. */
  from: string;
  /** Postmark message stream id ('outbound' is the default transactional stream). */
  messageStream: string;
  /** Another API origin, e.g. http://127.0.0.1:1234 in tests. Default https://api.postmarkapp.com. */
  apiUrl?: string;
  /** Per request; an unanswered send becomes `unknown`, not a retry. Default 30 s. */
  timeoutMs?: number;
}

/** /email/batch takes at most 500 messages. */
const BATCH_LIMIT = 500;
/** The search returns at most 500 messages a page, and stops at offset + count = 10,000. */
const SEARCH_PAGE = 500;
const SEARCH_LIMIT = 10_000;
const DEFAULT_TIMEOUT_MS = 30_000;

/** Retrying these cannot help: the address itself is refused. */
const INACTIVE_RECIPIENT = 406;
const INVALID_EMAIL_REQUEST = 300;
/**
 * 300 also covers an unverified From address. That is our configuration, not the recipient, and
 * must stay retryable once fixed. Postmark says which field in the message text only, so this reads
 * it; if the wording changes, the error falls back to permanent for that one recipient.
 */
const SENDER_PROBLEM = /'From'|sender signature/i;

/** Socket errors (as Node's fetch reports them in `cause`) that mean the request never left. */
const NEVER_CONNECTED = new Set(['ECONNREFUSED', 'ENOTFOUND', 'EAI_AGAIN', 'UND_ERR_CONNECT_TIMEOUT']);

/** What the wire saw during one client call. */
interface Exchange {
  response?: { status: number; headers: Headers };
  failure?: unknown;
}

/** One message as the batch API takes it. */
export function postmarkMessage(settings: Pick<PostmarkSettings, 'from' | 'messageStream'>, message: OutgoingEmail): Message {
  return {
    From: message.fromName ? `${quotedDisplayName(message.fromName)} <${settings.from}>` : settings.from,
    To: message.to,
    Subject: message.subject,
    TextBody: message.textBody,
    HtmlBody: message.htmlBody,
    MessageStream: settings.messageStream,
    Headers: [
      { Name: 'List-Unsubscribe', Value: `<${message.unsubscribeUrl}>` },
      { Name: 'List-Unsubscribe-Post', Value: 'List-Unsubscribe=One-Click' },
    ],
    // Metadata is what findSent searches by after a timeout or a crash.
    Metadata: { delivery_id: String(message.deliveryId), batch_id: message.batchId },
    TrackOpens: false,
  };
}

export function postmarkEmailProvider(settings: PostmarkSettings): EmailProvider {
  const host = hostOptions(settings.apiUrl);
  const timeoutMs = settings.timeoutMs ?? DEFAULT_TIMEOUT_MS;

  function clientFor(exchange: Exchange): ServerClient {
    return new ServerClient(settings.serverToken, {
      ...host,
      // The client counts in seconds; fractions work (it multiplies by 1000).
      timeout: timeoutMs / 1000,
      fetch: recordingFetch(exchange),
    });
  }

  return {
    name: 'postmark',
    batchSize: BATCH_LIMIT,

    async sendBatch(messages) {
      if (messages.length === 0) return [];
      if (messages.length > BATCH_LIMIT) throw new Error(`Postmark batches hold at most ${BATCH_LIMIT} messages, got ${messages.length}`);
      const exchange: Exchange = {};
      try {
        const results = await clientFor(exchange).sendEmailBatch(messages.map((message) => postmarkMessage(settings, message)));
        if (!Array.isArray(results) || results.length !== messages.length) {
          // Accepted (HTTP 2xx) but unreadable: some may have gone out. Reconcile, never resend blindly.
          const reason = `Postmark answered ${Array.isArray(results) ? results.length : 'no'} results for ${messages.length} messages`;
          return messages.map((): SendOutcome => ({ status: 'unknown', reason }));
        }
        return results.map(resultOutcome);
      } catch (error) {
        const outcome = requestOutcome(error, exchange);
        return messages.map(() => ({ ...outcome }));
      }
    },

    async findSent(batchId, deliveryIds) {
      const wanted = new Set(deliveryIds);
      const found: FoundMessages = new Map();
      const client = clientFor({});
      // Errors propagate: "could not look" must never read as "was not sent".
      for (let offset = 0; offset + SEARCH_PAGE <= SEARCH_LIMIT && found.size < wanted.size; offset += SEARCH_PAGE) {
        const page = await client.getOutboundMessages({
          count: SEARCH_PAGE,
          offset,
          // Without it the search covers the transactional stream only.
          messagestream: settings.messageStream,
          metadata_batch_id: batchId,
        });
        for (const message of page.Messages) {
          const deliveryId = Number(message.Metadata?.delivery_id);
          if (wanted.has(deliveryId) && !found.has(deliveryId)) found.set(deliveryId, message.MessageID);
        }
        if (page.Messages.length < SEARCH_PAGE || offset + SEARCH_PAGE >= Number(page.TotalCount)) break;
      }
      return found;
    },
  };
}

/** One /email/batch result. A missing ErrorCode means accepted ("delivery may be delayed" replies). */
function resultOutcome(result: { ErrorCode?: number; Message?: string; MessageID?: string }): SendOutcome {
  const errorCode = result.ErrorCode ?? 0;
  const reason = result.Message ?? '';
  if (errorCode === 0) {
    return result.MessageID
      ? { status: 'sent', providerMessageId: result.MessageID }
      : { status: 'unknown', reason: `Postmark accepted the message without a MessageID: ${reason}` };
  }
  const permanent =
    errorCode === INACTIVE_RECIPIENT || (errorCode === INVALID_EMAIL_REQUEST && !SENDER_PROBLEM.test(reason));
  return { status: 'failed', permanent, code: `postmark:${errorCode}`, reason };
}

/**
 * The whole request failed. Never permanent: a refused request (bad token, malformed, rate limit,
 * outage) says nothing about any one recipient, and a configuration error must be retryable once fixed.
 */
function requestOutcome(error: unknown, exchange: Exchange): SendOutcome {
  const message = error instanceof Error ? error.message : String(error);
  if (exchange.response) {
    const { status, headers } = exchange.response;
    // Postmark answered 2xx but the body could not be read: some messages may have been accepted.
    if (status >= 200 && status < 300) return { status: 'unknown', reason: `Postmark's answer was unreadable: ${message}` };
    const errorCode = error instanceof Errors.PostmarkError ? error.code : 0;
    const code = errorCode ? `postmark:${errorCode}` : `postmark:http_${status}`;
    if (status === 429) {
      const retryAfter = retryAfterMs(headers.get('retry-after'));
      return { status: 'failed', permanent: false, code, reason: message, ...(retryAfter === undefined ? {} : { retryAfterMs: retryAfter }) };
    }
    return { status: 'failed', permanent: false, code, reason: message };
  }
  if (exchange.failure !== undefined) {
    if (neverConnected(exchange.failure)) return { status: 'failed', permanent: false, code: 'postmark:unreachable', reason: message };
    // Timeout, reset, abort: the batch may have been accepted.
    return { status: 'unknown', reason: message };
  }
  // Nothing reached the wire: a bug on our side, not a provider's answer.
  throw error;
}

function recordingFetch(exchange: Exchange): (input: RequestInfo | URL, init?: RequestInit) => Promise<Response> {
  return async (input, init) => {
    try {
      const response = await fetch(input, init);
      exchange.response = { status: response.status, headers: response.headers };
      return response;
    } catch (error) {
      exchange.failure = error;
      throw error;
    }
  };
}

function neverConnected(error: unknown): boolean {
  const cause = error instanceof Error ? (error.cause as { code?: unknown } | undefined) : undefined;
  return typeof cause?.code === 'string' && NEVER_CONNECTED.has(cause.code);
}

/** The client builds `${scheme}://${requestHost}${path}`, so a path prefix can ride in requestHost. */
function hostOptions(apiUrl: string | undefined): { useHttps: boolean; requestHost: string } {
  if (!apiUrl) return { useHttps: true, requestHost: 'api.postmarkapp.com' };
  const url = new URL(apiUrl);
  return { useHttps: url.protocol === 'https:', requestHost: url.host + url.pathname.replace(/\/+$/, '') };
}

/** RFC 5322 quoted-string, so commas, quotes and brackets in a sender name cannot break the address. */
function quotedDisplayName(name: string): string {
  const escaped = name.replace(/[\r\n]+/g, ' ').replace(/[\\"]/g, (c) => `\\${c}`);
  return `"${escaped}"`;
}

/** Retry-After is either delay-seconds or an HTTP date (RFC 9110 §10.2.3). */
function retryAfterMs(value: string | null): number | undefined {
  if (!value) return undefined;
  if (/^\s*\d+\s*$/.test(value)) return Number(value) * 1000;
  const at = Date.parse(value);
  return Number.isNaN(at) ? undefined : Math.max(0, at - Date.now());
}
