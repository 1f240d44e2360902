// A local Twilio Messages API (2010-04-01): the real `twilio` client is pointed at it (apiUrl). It
// answers in Twilio's formats (see test/fixtures/twilio-message-create-response.json and
// twilio-error-responses.json): create answers 201 with the Message resource, errors are
// `{ code, message, more_info, status }`. It records every accepted message, lists them the way
// Twilio does (newest first, To / DateSent filters by whole UTC days, Page/PageSize paging), and can
// be told to fail, be slow, or hang.
import { randomUUID } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { readBody } from './read-body.js';

/** The Message resource as Twilio's JSON has it (snake_case, RFC 2822 dates, counts as strings). */
export interface TwilioMessage {
  account_sid: string;
  api_version: string;
  body: string;
  date_created: string;
  date_sent: string;
  date_updated: string;
  direction: 'outbound-api';
  error_code: number | null;
  error_message: string | null;
  from: string | null;
  messaging_service_sid: string | null;
  num_media: string;
  num_segments: string;
  price: string | null;
  price_unit: string | null;
  sid: string;
  status: 'queued' | 'accepted';
  subresource_uris: { media: string };
  to: string;
  uri: string;
}

export interface AcceptedSms {
  resource: TwilioMessage;
  /** The form fields as received (StatusCallback is not part of the resource). */
  params: Record<string, string>;
  sentAt: number;
}

type RequestFailure = { status: 429; retryAfterSeconds?: number } | { status: 500 | 502 | 503 };

export interface FakeTwilio {
  /** Base URL for the adapter's apiUrl. */
  url: string;
  accountSid: string;
  authToken: string;
  /** Every message Twilio accepted, in order. */
  sent: AcceptedSms[];
  /** Every request received (also the refused and hung ones). */
  requests: { method: string; path: string; query: URLSearchParams }[];
  /** Sends to this number fail with this Twilio error (21610 unsubscribed, 21614 not mobile…). */
  rejectNumber(to: string, code: number, message?: string, status?: number): void;
  /** The next `times` requests fail whole (429/20429 with Retry-After, or a 5xx) without sending anything. */
  failNext(failure: RequestFailure, times?: number): void;
  /** Every request is processed and answered `ms` later, as a slow Twilio would (dropped if reset() comes first). */
  delay(ms: number): void;
  /** The next `times` creates are processed and recorded, then never answered. */
  hangNext(times?: number): void;
  /** The fake's clock for date_created/date_sent (null: the real clock). */
  setNow(ms: number | null): void;
  reset(): void;
  close(): Promise<void>;
}

const API_VERSION = '2010-04-01';
const E164 = /^\+[1-9]\d{6,14}$/;
const MAX_PAGE_SIZE = 1000;
const DEFAULT_PAGE_SIZE = 50;


function twilioError(res: ServerResponse, status: number, code: number, message: string, headers: Record<string, string> = {}): void {
  res.writeHead(status, { 'content-type': 'application/json', ...headers });
  res.end(JSON.stringify({ code, message, more_info: `https://www.twilio.com/docs/errors/${code}`, status }));
}

function json(res: ServerResponse, status: number, body: unknown): void {
  res.writeHead(status, { 'content-type': 'application/json' });
  res.end(JSON.stringify(body));
}

/** Twilio's date format: "Thu, 24 Aug 2023 05:01:45 +0000". */
function rfc2822(ms: number): string {
  return new Date(ms).toUTCString().replace('GMT', '+0000');
}

/** DateSent filters take a date (YYYY-MM-DD) and compare whole UTC days, whatever time is appended. */
function utcDay(value: string): number | undefined {
  const day = /^(\d{4}-\d{2}-\d{2})/.exec(value)?.[1];
  return day ? Date.parse(`${day}T00:00:00Z`) : undefined;
}

export async function startFakeTwilio(
  accountSid = `AC${'0'.repeat(32)}`,
  authToken = 'auth-token-test',
): Promise<FakeTwilio> {
  const sent: AcceptedSms[] = [];
  const requests: FakeTwilio['requests'] = [];
  const rejected = new Map<string, { status: number; code: number; message: string }>();
  let failure: { failure: RequestFailure; times: number } | undefined;
  let delayMs = 0;
  let hangs = 0;
  /** Bumped by reset(): a request delayed past a reset belongs to an earlier test and is dropped. */
  let epoch = 0;
  let fixedNow: number | null = null;
  const now = () => fixedNow ?? Date.now();
  const messagesPath = `/${API_VERSION}/Accounts/${accountSid}/Messages.json`;

  function authorized(req: IncomingMessage): boolean {
    const expected = `Basic ${Buffer.from(`${accountSid}:${authToken}`).toString('base64')}`;
    return req.headers.authorization === expected;
  }

  /** POST Messages.json: Twilio's synchronous checks, then the new Message resource. */
  function create(params: Record<string, string>): { status: number; code?: number; message?: string; resource?: TwilioMessage } {
    const to = params.To ?? '';
    if (!to) return { status: 400, code: 21604, message: "A 'To' phone number is required." };
    if (!params.From && !params.MessagingServiceSid) {
      return { status: 400, code: 21603, message: "A 'From' phone number or a 'MessagingServiceSid' is required." };
    }
    if (!params.Body) return { status: 400, code: 21602, message: 'Message body is required.' };
    if (!E164.test(to)) return { status: 400, code: 21211, message: `The 'To' number ${to} is not a valid phone number.` };
    const refusal = rejected.get(to);
    if (refusal) return refusal;
    const sid = `SM${randomUUID().replace(/-/g, '')}`;
    const at = rfc2822(now());
    const resource: TwilioMessage = {
      account_sid: accountSid,
      api_version: API_VERSION,
      body: params.Body,
      date_created: at,
      date_sent: at,
      date_updated: at,
      direction: 'outbound-api',
      error_code: null,
      error_message: null,
      from: params.From ?? null,
      messaging_service_sid: params.MessagingServiceSid ?? null,
      num_media: '0',
      num_segments: '1',
      price: null,
      price_unit: null,
      sid,
      status: params.MessagingServiceSid ? 'accepted' : 'queued',
      subresource_uris: { media: `/${API_VERSION}/Accounts/${accountSid}/Messages/${sid}/Media.json` },
      to,
      uri: `/${API_VERSION}/Accounts/${accountSid}/Messages/${sid}.json`,
    };
    sent.push({ resource, params, sentAt: now() });
    return { status: 201, resource };
  }

  /** GET Messages.json: newest first, To/From/DateSent filters, Page + PageSize paging. */
  function list(query: URLSearchParams): unknown {
    const to = query.get('To');
    const from = query.get('From');
    const on = utcDay(query.get('DateSent') ?? '');
    const before = utcDay(query.get('DateSent<') ?? '');
    const after = utcDay(query.get('DateSent>') ?? '');
    const pageSize = Math.min(Number(query.get('PageSize')) || DEFAULT_PAGE_SIZE, MAX_PAGE_SIZE);
    const page = Number(query.get('Page')) || 0;
    const matches = sent
      .filter(({ resource }) => !to || resource.to === to)
      .filter(({ resource }) => !from || resource.from === from)
      .filter(({ sentAt }) => {
        const day = Math.floor(sentAt / 86_400_000) * 86_400_000;
        return (on === undefined || day === on) && (before === undefined || day <= before) && (after === undefined || day >= after);
      })
      .reverse();
    const start = page * pageSize;
    const pageItems = matches.slice(start, start + pageSize);
    const filters = new URLSearchParams([...query].filter(([key]) => !['Page', 'PageSize', 'PageToken'].includes(key)));
    const pageUri = (n: number) => {
      const params = new URLSearchParams(filters);
      params.set('PageSize', String(pageSize));
      params.set('Page', String(n));
      if (n > 0) params.set('PageToken', `PA${matches[n * pageSize - 1]?.resource.sid ?? ''}`);
      return `${messagesPath}?${params}`;
    };
    return {
      end: start + Math.max(pageItems.length - 1, 0),
      first_page_uri: pageUri(0),
      messages: pageItems.map(({ resource }) => resource),
      next_page_uri: start + pageSize < matches.length ? pageUri(page + 1) : null,
      page,
      page_size: pageSize,
      previous_page_uri: page > 0 ? pageUri(page - 1) : null,
      start,
      uri: pageUri(page),
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

    if (!authorized(req)) {
      twilioError(res, 401, 20003, 'Authenticate');
      return;
    }
    if (failure && failure.times > 0) {
      failure.times--;
      const { failure: f } = failure;
      if (f.status === 429) {
        const headers: Record<string, string> = f.retryAfterSeconds === undefined ? {} : { 'retry-after': String(f.retryAfterSeconds) };
        twilioError(res, 429, 20429, 'Too Many Requests', headers);
      } else {
        twilioError(res, f.status, 20500, 'Internal Server Error');
      }
      return;
    }
    if (url.pathname !== messagesPath) {
      twilioError(res, 404, 20404, `The requested resource ${url.pathname} was not found`);
      return;
    }
    if (req.method === 'GET') {
      json(res, 200, list(url.searchParams));
      return;
    }
    if (req.method !== 'POST') {
      twilioError(res, 405, 20004, 'Method not allowed');
      return;
    }
    const answer = create(Object.fromEntries(new URLSearchParams(body)));
    if (answer.resource && hangs > 0) {
      hangs--;
      return; // recorded; the answer never comes (close() ends the socket)
    }
    if (answer.resource) json(res, 201, answer.resource);
    else twilioError(res, answer.status, answer.code!, answer.message!);
  }

  const server: Server = createServer((req, res) => void handle(req, res));
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;

  return {
    url: `http://127.0.0.1:${port}`,
    accountSid,
    authToken,
    sent,
    requests,
    rejectNumber(to, code, message, status = 400) {
      rejected.set(to, { status, code, message: message ?? `Twilio error ${code} for ${to}` });
    },
    failNext: (f, times = 1) => void (failure = { failure: f, times }),
    delay: (ms) => void (delayMs = ms),
    hangNext: (times = 1) => void (hangs = times),
    setNow: (ms) => void (fixedNow = ms),
    reset() {
      epoch++;
      sent.length = 0;
      requests.length = 0;
      rejected.clear();
      failure = undefined;
      delayMs = 0;
      hangs = 0;
      fixedNow = null;
    },
    close: async () => {
      // Hung requests and keep-alive sockets would hold close() open.
      server.closeAllConnections();
      await new Promise<void>((resolve, reject) => server.close((e) => (e ? reject(e) : resolve())));
    },
  };
}
