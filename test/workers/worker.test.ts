// The Workers entry (src/entry/worker.ts) in workerd, as `wrangler dev --local` runs it: against a
// real libSQL server (sqld, migrated with the Node migrator first) and a local fake Slack. Slow to
// start (wrangler bundles, then workerd boots), so one worker serves every case of this file.
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { migrateDatabase } from '../../src/db/migrate.js';
import { openDatabase } from '../../src/db/open.js';
import { startFakeSlack, type FakeSlack } from '../support/fake-slack.js';
import { signedHeaders } from '../support/slack.js';
import { freePort, startSqld, type SqldServer } from '../support/sqld.js';

const API_TOKEN = 'worker-test-token-0123456789';
const SIGNING_SECRET = 'worker-test-signing-secret-01';
const START_TIMEOUT_MS = 120_000;

let sqld: SqldServer;
let slack: FakeSlack;
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
});
