// A local Postmark API: the real `postmark` client is pointed at it (apiUrl). It answers in
// Postmark's formats (see test/fixtures/postmark-send-responses.json): /email/batch answers 200
// with one result per message in order, each checked on its own; whole-request errors are
// `{ ErrorCode, Message }` with 401/422/429/5xx. It records every accepted message, searchable
// through GET /messages/outbound by metadata_<key>, and can be told to fail, be slow, or hang.
import { randomUUID } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { readBody } from './read-body.js';

/** A message as the client sent it (Postmark's JSON field names). */
export interface PostmarkMessage {
  From?: string;
  To?: string;
  Subject?: string;
  TextBody?: string;
  HtmlBody?: string;
  MessageStream?: string;
  Tag?: string;
  TrackOpens?: boolean;
  TrackLinks?: string;
  Headers?: { Name: string; Value: string }[];
  Metadata?: Record<string, string>;
}

export interface AcceptedEmail {
  messageId: string;
  submittedAt: string;
  /** The stream it went to ('outbound' when the request named none, as Postmark does). */
  stream: string;
  message: PostmarkMessage;
}

interface ItemResult {
  ErrorCode: number;
  Message: string;
  MessageID?: string;
  SubmittedAt?: string;
  To?: string;
}

type RequestFailure = { status: 429; retryAfterSeconds?: number } | { status: 500 | 502 | 503 };

export interface FakePostmark {
  /** Base URL for the adapter's apiUrl. */
  url: string;
  serverToken: string;
  /** Every message Postmark accepted, in order. */
  sent: AcceptedEmail[];
  /** Every request received (also the refused and hung ones). */
  requests: { method: string; path: string; query: URLSearchParams }[];
  /** Messages to this address fail on their own: 406 inactive recipient, 300 invalid… */
  rejectRecipient(address: string, errorCode: number, message?: string): void;
  /** Only these senders are verified; others get Postmark's 300 "Invalid 'From' address". */
  verifySenders(addresses: string[]): void;
  /** The next `times` requests fail whole (429 with Retry-After, or a 5xx) without sending anything. */
  failNext(failure: RequestFailure, times?: number): void;
  /** Every request is processed and answered `ms` later, as a slow Postmark would (dropped if reset() comes first). */
  delay(ms: number): void;
  /** The next `times` sending requests are processed and recorded, then never answered. */
  hangNext(times?: number): void;
  reset(): void;
  close(): Promise<void>;
}

const BATCH_LIMIT = 500;
const SEARCH_PAGE_LIMIT = 500;
const SEARCH_LIMIT = 10_000;
const DEFAULT_STREAM = 'outbound';
const EMAIL = /^[^\s@<>"]+@[^\s@<>"]+\.[^\s@<>"]+$/;


function json(res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
  res.writeHead(status, { 'content-type': 'application/json', ...headers });
  res.end(JSON.stringify(body));
}

/** The address inside `"Name" <a@b.c>` or a bare address. */
function addressOf(field: string): string {
  return (/<([^>]*)>\s*$/.exec(field)?.[1] ?? field).trim();
}

function inactiveMessage(address: string): string {
  return `You tried to send to a recipient that has been marked as inactive. Found inactive addresses: ${address}. Inactive recipients are ones that have generated a hard bounce, a spam complaint, or a manual suppression. `;
}

export async function startFakePostmark(serverToken = 'server-token-test'): Promise<FakePostmark> {
  const sent: AcceptedEmail[] = [];
  const requests: FakePostmark['requests'] = [];
  const rejected = new Map<string, { ErrorCode: number; Message: string }>();
  let verifiedSenders: Set<string> | undefined;
  let failure: { failure: RequestFailure; times: number } | undefined;
  let delayMs = 0;
  let hangs = 0;
  /** Bumped by reset(): a request delayed past a reset belongs to an earlier test and is dropped. */
  let epoch = 0;

  /** Postmark's per-message checks; accepted messages are recorded. */
  function processMessage(message: PostmarkMessage): ItemResult {
    const to = message.To ?? '';
    const from = addressOf(message.From ?? '');
    if (!EMAIL.test(from)) return { ErrorCode: 300, Message: `Invalid 'From' address: '${message.From ?? ''}'.` };
    if (verifiedSenders && !verifiedSenders.has(from.toLowerCase())) {
      return { ErrorCode: 300, Message: `Invalid 'From' address: '${from}' is not a verified sender signature.` };
    }
    if (!EMAIL.test(addressOf(to))) return { ErrorCode: 300, Message: `Invalid 'To' address: '${to}'.` };
    if (!message.TextBody && !message.HtmlBody) return { ErrorCode: 300, Message: 'Provide either email TextBody or HtmlBody or both.' };
    const refusal = rejected.get(addressOf(to).toLowerCase());
    if (refusal) return refusal;
    const accepted: AcceptedEmail = {
      messageId: randomUUID(),
      submittedAt: new Date().toISOString(),
      stream: message.MessageStream ?? DEFAULT_STREAM,
      message,
    };
    sent.push(accepted);
    return { ErrorCode: 0, Message: 'OK', MessageID: accepted.messageId, SubmittedAt: accepted.submittedAt, To: to };
  }

  /** GET /messages/outbound: newest first, filtered like Postmark's outbound search. */
  function search(query: URLSearchParams): { status: number; body: unknown } {
    const count = Number(query.get('count'));
    const offset = Number(query.get('offset'));
    if (!Number.isInteger(count) || !Number.isInteger(offset) || count < 1 || count > SEARCH_PAGE_LIMIT || offset < 0) {
      return { status: 422, body: { ErrorCode: 300, Message: 'Count and offset are required; count is at most 500.' } };
    }
    if (count + offset > SEARCH_LIMIT) return { status: 422, body: { ErrorCode: 300, Message: 'Count + offset cannot exceed 10000.' } };
    const stream = query.get('messagestream') ?? DEFAULT_STREAM;
    const recipient = query.get('recipient')?.toLowerCase();
    const metadata = [...query].filter(([key]) => key.startsWith('metadata_')).map(([key, value]) => [key.slice('metadata_'.length), value] as const);
    const matches = sent
      .filter((email) => email.stream === stream)
      .filter((email) => !recipient || addressOf(email.message.To ?? '').toLowerCase() === recipient)
      .filter((email) => metadata.every(([key, value]) => email.message.Metadata?.[key] === value))
      .reverse();
    return {
      status: 200,
      body: {
        TotalCount: matches.length,
        Messages: matches.slice(offset, offset + count).map((email) => ({
          Tag: email.message.Tag ?? '',
          MessageID: email.messageId,
          MessageStream: email.stream,
          To: [{ Email: addressOf(email.message.To ?? ''), Name: null }],
          Cc: [],
          Bcc: [],
          Recipients: [addressOf(email.message.To ?? '')],
          ReceivedAt: email.submittedAt,
          From: email.message.From,
          Subject: email.message.Subject,
          Attachments: [],
          Status: 'Sent',
          TrackOpens: email.message.TrackOpens ?? false,
          TrackLinks: email.message.TrackLinks ?? 'None',
          Metadata: email.message.Metadata ?? {},
          Sandboxed: false,
        })),
      },
    };
  }

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', 'http://fake');
    const body = await readBody(req);
    requests.push({ method: req.method ?? 'GET', path: url.pathname, query: url.searchParams });
    const startedIn = epoch;
    if (delayMs) await new Promise((resolve) => setTimeout(resolve, delayMs));
    if (startedIn !== epoch) {
      res.destroy();
      return;
    }

    if (req.headers['x-postmark-server-token'] !== serverToken) {
      json(res, 401, { ErrorCode: 10, Message: 'Request does not contain a valid Server token.' });
      return;
    }
    if (failure && failure.times > 0) {
      failure.times--;
      const { failure: f } = failure;
      if (f.status === 429) {
        const headers: Record<string, string> = f.retryAfterSeconds === undefined ? {} : { 'retry-after': String(f.retryAfterSeconds) };
        json(res, 429, { ErrorCode: 429, Message: 'Rate limit exceeded. Please slow down your requests.' }, headers);
      } else {
        // Outages come from load balancers too: not always Postmark's JSON.
        res.writeHead(f.status, { 'content-type': 'text/plain' });
        res.end('Internal Server Error');
      }
      return;
    }

    if (req.method === 'GET' && url.pathname === '/messages/outbound') {
      const answer = search(url.searchParams);
      json(res, answer.status, answer.body);
      return;
    }
    if (req.method !== 'POST' || (url.pathname !== '/email' && url.pathname !== '/email/batch')) {
      json(res, 404, { ErrorCode: 0, Message: 'Not found' });
      return;
    }
    let parsed: unknown;
    try {
      parsed = JSON.parse(body);
    } catch {
      json(res, 422, { ErrorCode: 402, Message: 'Received invalid JSON input.' });
      return;
    }
    const batch = url.pathname === '/email/batch';
    if (batch ? !Array.isArray(parsed) : typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) {
      json(res, 422, { ErrorCode: 403, Message: 'Incompatible JSON input.' });
      return;
    }
    if (batch && (parsed as unknown[]).length > BATCH_LIMIT) {
      json(res, 422, { ErrorCode: 410, Message: `Too many batch messages. The limit is ${BATCH_LIMIT}.` });
      return;
    }
    const results = batch ? (parsed as PostmarkMessage[]).map(processMessage) : [processMessage(parsed as PostmarkMessage)];
    if (hangs > 0) {
      hangs--;
      return; // processed and recorded; the answer never comes (close() ends the socket)
    }
    if (batch) json(res, 200, results);
    else json(res, results[0]!.ErrorCode === 0 ? 200 : 422, results[0]);
  }

  const server: Server = createServer((req, res) => void handle(req, res));
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;

  return {
    url: `http://127.0.0.1:${port}`,
    serverToken,
    sent,
    requests,
    rejectRecipient(address, errorCode, message) {
      const text = message ?? (errorCode === 406 ? inactiveMessage(address) : `Invalid 'To' address: '${address}'.`);
      rejected.set(address.toLowerCase(), { ErrorCode: errorCode, Message: text });
    },
    verifySenders: (addresses) => void (verifiedSenders = new Set(addresses.map((a) => a.toLowerCase()))),
    failNext: (f, times = 1) => void (failure = { failure: f, times }),
    delay: (ms) => void (delayMs = ms),
    hangNext: (times = 1) => void (hangs = times),
    reset() {
      epoch++;
      sent.length = 0;
      requests.length = 0;
      rejected.clear();
      verifiedSenders = undefined;
      failure = undefined;
      delayMs = 0;
      hangs = 0;
    },
    close: async () => {
      // Hung requests and keep-alive sockets would hold close() open.
      server.closeAllConnections();
      await new Promise<void>((resolve, reject) => server.close((e) => (e ? reject(e) : resolve())));
    },
  };
}
