// The Workers entry (src/entry/worker.ts) in workerd, as `wrangler dev --local` runs it: against a
// real libSQL server (sqld, migrated with the Node migrator first), a local fake Slack and local fake
// Postmark and Twilio (the last case walks the whole story through the worker). Slow to
// start (wrangler bundles, then workerd boots), so one worker serves every case of this file.
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createClient } from '@libsql/client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createDb } from '../../src/db/client.js';
import { migrateDatabase } from '../../src/db/migrate.js';
import { openDatabase } from '../../src/db/open.js';
import { hmacSha256Hex } from '../../src/http/hmac.js';
import { member, seedChats, seedMembers } from '../support/community.js';
import { startFakePostmark, type FakePostmark } from '../support/fake-postmark.js';
import { startFakeTwilio, type FakeTwilio } from '../support/fake-twilio.js';
import { startFakeSlack, type FakeSlack } from '../support/fake-slack.js';
import { signedHeaders } from '../support/slack.js';
import { freePort, startSqld, type SqldServer } from '../support/sqld.js';

const API_TOKEN = 'worker-test-token-0123456789';
const SIGNING_SECRET = 'worker-test-signing-secret-01';
const START_TIMEOUT_MS = 120_000;
const POSTMARK_FROM = 'invitations@research.example.org';
const TWILIO_FROM = '+15005550006';
const SMS_PHONE = '+15145550101';

let sqld: SqldServer;
let slack: FakeSlack;
let postmark: FakePostmark;
let twilio: FakeTwilio;
let wrangler: ChildProcess | undefined;
let baseUrl: string;
let output = '';
let stateDir: string;

async function waitFor(what: string, check: () => boolean | Promise<boolean>, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (await check()) return;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}; wrangler output:\n${output.slice(-4000)}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

/** JSON log lines the worker printed (wrangler dev passes console.log through). */
function logEvents(): { event?: string; [key: string]: unknown }[] {
  return output
    .split('\n')
    .filter((line) => line.startsWith('{'))
    .flatMap((line) => {
      try {
        return [JSON.parse(line) as { event?: string }];
      } catch {
        return [];
      }
    });
}

async function stopWrangler(): Promise<void> {
  const child = wrangler;
  if (!child?.pid || child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise((resolve) => child.once('exit', resolve));
  // Its own process group: wrangler, esbuild and workerd go together.
  try {
    process.kill(-child.pid, 'SIGTERM');
  } catch {
    return;
  }
  await Promise.race([exited, new Promise((resolve) => setTimeout(resolve, 5000))]);
  if (child.exitCode === null && child.signalCode === null) {
    try {
      process.kill(-child.pid, 'SIGKILL');
    } catch {
      // already gone
    }
  }
}

/** POST /slack/events as Slack signs it (with `secret`, the worker's unless told). */
async function postSlackEvent(body: string, contentType: string, secret = SIGNING_SECRET): Promise<Response> {
  return fetch(`${baseUrl}/slack/events`, {
    method: 'POST',
    headers: { 'content-type': contentType, ...(await signedHeaders(body, Math.floor(Date.now() / 1000), secret)) },
    body,
  });
}

beforeAll(async () => {
  sqld = await startSqld();
  const { client, db } = openDatabase(sqld.url);
  await migrateDatabase(db);
  client.close();
  slack = await startFakeSlack();
  [postmark, twilio] = await Promise.all([startFakePostmark(), startFakeTwilio()]);
  stateDir = mkdtempSync(join(tmpdir(), 'wrangler-state-'));

  const port = await freePort();
  const inspectorPort = await freePort();
  baseUrl = `http://127.0.0.1:${port}`;
  const vars = {
    DATABASE_URL: sqld.url,
    API_TOKEN,
    LOG_LEVEL: 'debug',
    PUBLIC_BASE_URL: baseUrl,
    SLACK_BOT_TOKEN: 'xoxb-worker-test',
    SLACK_SIGNING_SECRET: SIGNING_SECRET,
    SLACK_API_URL: slack.url,
    SLACK_TEAM_ID: 'T0001',
    // The providers: the real Postmark client and the fetch Twilio adapter, at local fakes.
    POSTMARK_SERVER_TOKEN: postmark.serverToken,
    POSTMARK_FROM,
    POSTMARK_API_URL: postmark.url,
    TWILIO_ACCOUNT_SID: twilio.accountSid,
    TWILIO_AUTH_TOKEN: twilio.authToken,
    TWILIO_FROM,
    TWILIO_API_URL: twilio.url,
    SMS_QUIET_HOURS: 'off',
  };
  const args = ['node_modules/wrangler/bin/wrangler.js', 'dev', '--local', '--ip', '127.0.0.1', '--port', String(port), '--inspector-port', String(inspectorPort)];
  args.push('--test-scheduled', '--persist-to', stateDir, '--show-interactive-dev-session=false');
  for (const [name, value] of Object.entries(vars)) args.push('--var', `${name}:${value}`);
  wrangler = spawn(process.execPath, args, {
    cwd: process.cwd(),
    detached: true,
    stdio: ['ignore', 'pipe', 'pipe'],
    env: { ...process.env, WRANGLER_SEND_METRICS: 'false', NO_COLOR: '1', FORCE_COLOR: '0' },
  });
  const collect = (chunk: Buffer) => (output = (output + chunk.toString()).slice(-200_000));
  wrangler.stdout!.on('data', collect);
  wrangler.stderr!.on('data', collect);

  await waitFor(
    'wrangler dev to answer',
    async () => {
      if (wrangler!.exitCode !== null) throw new Error(`wrangler dev exited with ${wrangler!.exitCode}:\n${output.slice(-4000)}`);
      try {
        await fetch(`${baseUrl}/healthz`, { signal: AbortSignal.timeout(5000) });
        return true;
      } catch {
        return false;
      }
    },
    START_TIMEOUT_MS,
  );
}, START_TIMEOUT_MS + 60_000);

afterAll(async () => {
  await stopWrangler();
  await slack?.close();
  await Promise.all([postmark?.close(), twilio?.close()]);
  await sqld?.stop();
  if (stateDir) rmSync(stateDir, { recursive: true, force: true });
}, 30_000);

describe('the Worker in workerd (wrangler dev --local)', () => {
  it('GET /healthz reads the database over HTTP and answers {"ok":true}', async () => {
    const res = await fetch(`${baseUrl}/healthz`);
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ ok: true });
  });

  it('serves the API behind the token', async () => {
    expect((await fetch(`${baseUrl}/api/invitations`)).status).toBe(401);
    const res = await fetch(`${baseUrl}/api/invitations`, { headers: { authorization: `Bearer ${API_TOKEN}` } });
    expect(res.status).toBe(200);
  });

  it('GET /__scheduled runs a runner tick to its end', async () => {
    const before = logEvents().length;
    const res = await fetch(`${baseUrl}/__scheduled?cron=*+*+*+*+*`);
    expect(res.status).toBe(200);
    // The tick runs under ctx.waitUntil, after the 200: wait for its own line.
    await waitFor('the tick to end', () => logEvents().slice(before).some((e) => /^tick\.(done|idle|failed)$/.test(e.event ?? '')), 30_000);
    const ended = logEvents().slice(before).find((e) => /^tick\./.test(e.event ?? ''))!;
    expect(ended, JSON.stringify(ended)).toMatchObject({ event: expect.stringMatching(/^tick\.(done|idle)$/) });
  });

  it('hands a signed slash command to Bolt, whose listener answers through response_url', async () => {
    const body = new URLSearchParams({
      command: '/invitations',
      text: 'help',
      team_id: 'T0001',
      user_id: 'U0MANAGER1',
      channel_id: 'C0STATUS1',
      response_url: slack.responseUrl,
      trigger_id: '1.2.3',
    }).toString();
    const res = await postSlackEvent(body, 'application/x-www-form-urlencoded');
    expect(res.status).toBe(200);
    await waitFor('the response_url post', () => slack.callsTo('response_url').length > 0, 15_000);
    expect(slack.callsTo('response_url')[0]!.args).toMatchObject({ response_type: 'ephemeral' });
  });

  it('runs a Bolt event listener that calls the Web API (views.publish) from workerd', async () => {
    const body = JSON.stringify({
      type: 'event_callback',
      team_id: 'T0001',
      api_app_id: 'A0001',
      event_id: `Ev${Date.now()}`,
      event_time: Math.floor(Date.now() / 1000),
      event: { type: 'app_home_opened', user: 'U0MANAGER1', channel: 'D0001', tab: 'home' },
    });
    const res = await postSlackEvent(body, 'application/json');
    expect(res.status).toBe(200);
    await waitFor('views.publish', () => slack.callsTo('views.publish').length > 0, 15_000);
    expect(slack.callsTo('views.publish')[0]!.token).toBe('xoxb-worker-test');
  });

  it('refuses a Slack request with a bad signature', async () => {
    const body = 'command=%2Finvitations&text=help';
    const res = await postSlackEvent(body, 'application/x-www-form-urlencoded', 'wrong-secret-0123456789');
    expect(res.status).toBe(401);
  });
  it('tells the whole story: API invitation → Cron tick sends email + SMS → link → signed completion closes it → /invite opens a modal', async () => {
    const now = Date.now();
    // 2. Chats and members, straight into sqld.
    const client = createClient({ url: sqld.url });
    try {
      const db = createDb(client);
      await seedChats(db, now);
      await seedMembers(db, [member('wa'), member('wb'), member('wc'), member('ws', { email: null, phone: SMS_PHONE, preferredChannel: 'sms' })], now);
    } finally {
      client.close();
    }
    const auth = { authorization: `Bearer ${API_TOKEN}`, 'content-type': 'application/json' };

    // 3. An invitation through the worker's API: open now, each member's preferred channel, limit 1.
    const created = await fetch(`${baseUrl}/api/invitations`, {
      method: 'POST',
      headers: auth,
      body: JSON.stringify({
        chatId: 'feedback',
        locale: 'en-US',
        name: 'Worker wave',
        closesAt: new Date(now + 3 * 86_400_000).toISOString(),
        target: { type: 'members', ids: ['wa', 'wb', 'wc', 'ws'] },
        responseLimit: 1,
        message: { channel: 'preference' },
      }),
    });
    expect(created.status, await created.clone().text()).toBe(201);
    const invitation = ((await created.json()) as { invitation: { id: string; status: string } }).invitation;
    expect(invitation.status).toBe('scheduled');

    // 4. The Cron: the tick (under ctx.waitUntil) opens it and sends through the fakes.
    const before = logEvents().length;
    expect((await fetch(`${baseUrl}/__scheduled?cron=*+*+*+*+*`)).status).toBe(200);
    await waitFor('the emails and the SMS', () => postmark.sent.length >= 3 && twilio.sent.length >= 1, 30_000).catch((error: Error) => {
      throw new Error(`${error.message}\nworker log since the trigger:\n${JSON.stringify(logEvents().slice(before), null, 1).slice(-4000)}`);
    });
    expect(postmark.sent.map((e) => e.message.To).sort()).toEqual(['wa@example.com', 'wb@example.com', 'wc@example.com']);
    expect(twilio.sent.map((m) => m.resource.to)).toEqual([SMS_PHONE]);
    expect(twilio.sent[0]!.params.From).toBe(TWILIO_FROM);
    const link = new RegExp(`${baseUrl.replace(/[.]/g, '\\.')}/i/([A-Za-z0-9_-]+)`);
    const tokens = postmark.sent.map((e) => {
      expect(e.message.From).toContain(POSTMARK_FROM);
      expect(e.message.HtmlBody).toMatch(link);
      return link.exec(e.message.TextBody ?? '')![1]!;
    });
    expect(new Set(tokens).size).toBe(3);
    expect(twilio.sent[0]!.resource.body).toMatch(link);
    await waitFor('the tick to end', () => logEvents().slice(before).some((e) => /^tick\.(done|idle|failed)$/.test(e.event ?? '')), 30_000);
    expect(logEvents().slice(before).find((e) => /^tick\./.test(e.event ?? ''))).toMatchObject({ event: 'tick.done' });

    // 5. A personal link from an email: to the chat, with the participant id.
    const click = await fetch(`${baseUrl}/i/${tokens[0]}`, { redirect: 'manual' });
    expect(click.status).toBe(302);
    const location = new URL(click.headers.get('location')!);
    expect(`${location.origin}${location.pathname}`).toBe('https://chats.example.com/feedback/en');
    expect(location.searchParams.get('pid')).toBe(tokens[0]);

    // 6. A signed completion reaches the limit of 1 and closes the invitation.
    const raw = JSON.stringify({ token: tokens[0] });
    const completion = await fetch(`${baseUrl}/api/completions`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-signature': `sha256=${await hmacSha256Hex(API_TOKEN, raw)}` },
      body: raw,
    });
    expect(completion.status, await completion.clone().text()).toBe(200);
    expect(await completion.json()).toMatchObject({ invitationId: invitation.id, outcome: 'counted', closedInvitation: true });
    const after = await fetch(`${baseUrl}/api/invitations/${invitation.id}`, { headers: auth });
    expect(await after.json()).toMatchObject({ status: 'closed', closeReason: 'response_limit' });
    expect((await fetch(`${baseUrl}/i/${tokens[1]}`, { redirect: 'manual' })).status).toBe(410);

    // 7. /invite in Slack: Bolt opens the modal through views.open.
    const opened = slack.callsTo('views.open').length;
    const body = new URLSearchParams({
      command: '/invite',
      text: 'Product feedback',
      team_id: 'T0001',
      user_id: 'U0MANAGER1',
      channel_id: 'C0STATUS1',
      response_url: slack.responseUrl,
      trigger_id: `${Date.now()}.1.trigger`,
    }).toString();
    expect((await postSlackEvent(body, 'application/x-www-form-urlencoded')).status).toBe(200);
    await waitFor('views.open', () => slack.callsTo('views.open').length > opened, 15_000);
    const modal = slack.callsTo('views.open').at(-1)!;
    expect(modal.token).toBe('xoxb-worker-test');
    expect(JSON.stringify(modal.args)).toContain('feedback');
  }, 90_000);
});
