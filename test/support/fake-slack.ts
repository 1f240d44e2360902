// A local Slack Web API: the real @slack/web-api client is pointed at it (SLACK_API_URL). It
// records every call with its decoded arguments and answers as Slack does: `{ ok: true, … }`,
// `{ ok: false, error }` with HTTP 200, or HTTP 429 with Retry-After.
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { WebSocketServer, type WebSocket } from 'ws';
import { readBody } from './read-body.js';

export interface SlackCall {
  method: string;
  token: string | undefined;
  args: Record<string, unknown>;
  at: number;
  /** What this server answered (undefined for failures it was told to produce). */
  response?: Record<string, unknown>;
}

type Failure = { error: string } | { rateLimitedFor: number };

export interface FakeSlack {
  /** Base URL for WebClient's slackApiUrl (ends with /api/). */
  url: string;
  /** A response_url that this server records (as method "response_url"). */
  responseUrl: string;
  calls: SlackCall[];
  callsTo(method: string): SlackCall[];
  /** The next `times` calls to `method` fail this way. */
  fail(method: string, failure: Failure, times?: number): void;
  /** Calls to `method` are answered `ms` later (a slow Slack). */
  delay(method: string, ms: number): void;
  users: Map<string, { tz?: string; email?: string; phone?: string; name?: string }>;
  userGroups: Map<string, string[]>;
  /** Socket Mode: resolves once an app has connected (apps.connections.open, then the WebSocket). */
  socketConnected(): Promise<void>;
  /** Sends an envelope over the Socket Mode connection; resolves with the app's acknowledgement. */
  socketSend(type: string, payload: Record<string, unknown>): Promise<{ envelope_id: string; payload?: Record<string, unknown> }>;
  reset(): void;
  close(): Promise<void>;
}


/** web-api sends form fields, with objects (blocks, view) as JSON text; decode those back. */
function decodeArgs(body: string, contentType: string): Record<string, unknown> {
  if (contentType.includes('application/json')) return JSON.parse(body || '{}') as Record<string, unknown>;
  const args: Record<string, unknown> = {};
  for (const [key, value] of new URLSearchParams(body)) {
    args[key] = /^[[{]/.test(value) ? (JSON.parse(value) as unknown) : value;
  }
  return args;
}

let sequence = 0;
const nextId = (prefix: string) => `${prefix}${String(++sequence).padStart(9, '0')}`;
const nextTs = () => `${Math.floor(Date.now() / 1000)}.${String(++sequence).padStart(6, '0')}`;

export async function startFakeSlack(): Promise<FakeSlack> {
  const calls: SlackCall[] = [];
  const failures = new Map<string, { failure: Failure; times: number }>();
  const delays = new Map<string, number>();
  const users = new Map<string, { tz?: string; email?: string; phone?: string; name?: string }>();
  const userGroups = new Map<string, string[]>();

  function answer(method: string, args: Record<string, unknown>): Record<string, unknown> {
    switch (method) {
      case 'views.open':
      case 'views.update':
      case 'views.push':
      case 'views.publish': {
        const view = (args.view ?? {}) as Record<string, unknown>;
        return { ok: true, view: { ...view, id: (args.view_id as string | undefined) ?? nextId('V'), hash: nextId('h') } };
      }
      case 'chat.postMessage':
        return { ok: true, channel: args.channel, ts: nextTs(), message: { text: args.text, blocks: args.blocks } };
      case 'chat.update':
        return { ok: true, channel: args.channel, ts: args.ts, text: args.text };
      case 'chat.postEphemeral':
        return { ok: true, message_ts: nextTs() };
      case 'chat.getPermalink':
        return { ok: true, channel: args.channel, permalink: `https://example.slack.com/archives/${String(args.channel)}/p${String(args.message_ts).replace('.', '')}` };
      case 'users.info': {
        const user = users.get(String(args.user));
        if (!user) return { ok: false, error: 'user_not_found' };
        return {
          ok: true,
          user: { id: args.user, name: user.name ?? 'someone', tz: user.tz ?? 'America/Toronto', profile: { email: user.email, phone: user.phone ?? '' } },
        };
      }
      case 'usergroups.users.list': {
        const members = userGroups.get(String(args.usergroup));
        return members ? { ok: true, users: members } : { ok: false, error: 'no_such_subteam' };
      }
      case 'apps.connections.open':
        return { ok: true, url: `ws://127.0.0.1:${socketPort}/link/?ticket=t` };
      case 'conversations.open':
        return { ok: true, channel: { id: `D${String(args.users).slice(1)}` } };
      default:
        return { ok: false, error: 'unknown_method' };
    }
  }

  const server: Server = createServer((req, res) => {
    void (async () => {
      const body = await readBody(req);
      // response_url posts (Bolt's respond()) come here too: tests put this server's URL in payloads.
      if (!(req.url ?? '').startsWith('/api/')) {
        calls.push({ method: 'response_url', token: undefined, args: JSON.parse(body || '{}') as Record<string, unknown>, at: Date.now() });
        res.writeHead(200, { 'content-type': 'text/plain' });
        res.end('ok');
        return;
      }
      const method = (req.url ?? '').replace(/^\/api\//, '').split('?')[0]!;
      const auth = req.headers.authorization;
      const args = decodeArgs(body, req.headers['content-type'] ?? '');
      const call: SlackCall = { method, token: auth?.replace(/^Bearer /, ''), args, at: Date.now() };
      calls.push(call);
      const delay = delays.get(method);
      if (delay) await new Promise((r) => setTimeout(r, delay));
      const pending = failures.get(method);
      if (pending && pending.times > 0) {
        pending.times--;
        if ('rateLimitedFor' in pending.failure) {
          res.writeHead(429, { 'content-type': 'application/json', 'retry-after': String(pending.failure.rateLimitedFor) });
          res.end(JSON.stringify({ ok: false, error: 'ratelimited' }));
          return;
        }
        res.writeHead(200, { 'content-type': 'application/json' });
        res.end(JSON.stringify({ ok: false, error: pending.failure.error }));
        return;
      }
      call.response = auth ? answer(method, args) : { ok: false, error: 'not_authed' };
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(JSON.stringify(call.response));
    })();
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;

  // Socket Mode: Slack says hello on connect, sends envelopes, and waits for each envelope_id back.
  const sockets = new WebSocketServer({ host: '127.0.0.1', port: 0 });
  await new Promise<void>((resolve) => sockets.once('listening', () => resolve()));
  const socketPort = (sockets.address() as AddressInfo).port;
  let socket: WebSocket | undefined;
  let connected!: () => void;
  const onConnected = new Promise<void>((resolve) => (connected = resolve));
  const acks = new Map<string, (ack: { envelope_id: string; payload?: Record<string, unknown> }) => void>();
  sockets.on('connection', (ws) => {
    socket = ws;
    ws.on('message', (data) => {
      const ack = JSON.parse(String(data)) as { envelope_id: string; payload?: Record<string, unknown> };
      acks.get(ack.envelope_id)?.(ack);
    });
    ws.send(JSON.stringify({ type: 'hello', num_connections: 1, debug_info: { host: 'fake' }, connection_info: { app_id: 'A0APP' } }));
    connected();
  });
  return {
    url: `http://127.0.0.1:${port}/api/`,
    responseUrl: `http://127.0.0.1:${port}/commands/T0001/1/secret`,
    calls,
    callsTo: (method) => calls.filter((c) => c.method === method),
    fail: (method, failure, times = 1) => void failures.set(method, { failure, times }),
    delay: (method, ms) => void delays.set(method, ms),
    socketConnected: () => onConnected,
    socketSend(type, payload) {
      const envelopeId = `env-${++sequence}`;
      return new Promise((resolve) => {
        acks.set(envelopeId, resolve);
        socket!.send(JSON.stringify({ envelope_id: envelopeId, type, payload, accepts_response_payload: type !== 'events_api' }));
      });
    },
    users,
    userGroups,
    reset() {
      calls.length = 0;
      failures.clear();
      delays.clear();
      users.clear();
      userGroups.clear();
    },
    close: async () => {
      for (const client of sockets.clients) client.terminate();
      await new Promise<void>((resolve) => sockets.close(() => resolve()));
      await new Promise<void>((resolve, reject) => server.close((e) => (e ? reject(e) : resolve())));
    },
  };
}
