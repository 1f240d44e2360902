// Slack acknowledgement latency: the real server (Hono on @hono/node-server, Bolt, the embedded
// file database) on a loopback port, 50 signed requests at a time (slash commands and
// interactions), against a bare Hono route served the same way; and the time from receiving
// /invite to calling views.open, read from the local Slack server's clock.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { serve, type ServerType } from '@hono/node-server';
import { Hono } from 'hono';
import { createApp } from '../src/app.js';
import { systemClock } from '../src/core/clock.js';
import { silentLogger } from '../src/core/logger.js';
import { migrateDatabase } from '../src/db/migrate.js';
import { openDatabase, tuneEmbeddedFile } from '../src/db/open.js';
import { slackRequestHandler } from '../src/slack/http.js';
import { seedChats } from '../test/support/community.js';
import { startFakeSlack } from '../test/support/fake-slack.js';
import { CHANNEL, SIGNING_SECRET, signedHeaders, TEAM, USER } from '../test/support/slack.js';

const CONCURRENCY = 50;
const ROUNDS = 20;

type Figures = Record<string, number>;

function percentile(values: number[], p: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)]!;
}

function listen(fetch: (request: Request) => Response | Promise<Response>): Promise<{ server: ServerType; url: string }> {
  return new Promise((resolve) => {
    const server = serve({ fetch, port: 0, hostname: '127.0.0.1' }, (info) => resolve({ server, url: `http://127.0.0.1:${info.port}` }));
  });
}

async function timed(url: string, body: string, headers: Record<string, string>): Promise<number> {
  const started = performance.now();
  const res = await fetch(url, { method: 'POST', headers, body });
  await res.arrayBuffer();
  if (res.status !== 200) throw new Error(`${url} answered ${res.status}`);
  return performance.now() - started;
}

export async function benchSlack(): Promise<Figures> {
  const dir = mkdtempSync(join(tmpdir(), 'bench-slack-'));
  const url = `file:${join(dir, 'slack.db')}`;
  const { client, db } = openDatabase(url);
  await tuneEmbeddedFile(client, url);
  await migrateDatabase(db);
  await seedChats(db, Date.now());
  const fake = await startFakeSlack();
  const core = { db, clock: systemClock, logger: silentLogger, settings: { cooldownDays: 7, publicBaseUrl: 'http://localhost:3000' } };
  const pending: Promise<unknown>[] = [];
  const app = createApp({
    ...core,
    apiToken: 'bench-api-token-0123456789',
    slack: slackRequestHandler({ ...core, slack: { signingSecret: SIGNING_SECRET, botToken: 'xoxb-bench', apiUrl: fake.url, teamId: TEAM, managers: [], largeAudience: 5000 } }),
    waitUntil: (work) => void pending.push(work),
  });
  const floorApp = new Hono().post('/floor', async (c) => {
    await c.req.text();
    return c.body(null, 200);
  });
  const real = await listen(app.fetch);
  const floor = await listen(floorApp.fetch);
  try {
    const now = () => Math.floor(Date.now() / 1000);
    const command = (i: number) =>
      new URLSearchParams({ team_id: TEAM, channel_id: CHANNEL, user_id: USER, command: '/invite', text: i % 2 ? 'onboarding' : '', trigger_id: `${i}.1.t`, response_url: fake.responseUrl }).toString();
    const action = (i: number) =>
      `payload=${encodeURIComponent(JSON.stringify({ type: 'block_actions', team: { id: TEAM }, user: { id: USER, team_id: TEAM }, response_url: fake.responseUrl, trigger_id: `${i}.2.t`, actions: [{ action_id: 'list.next', block_id: 'list.pages', type: 'button', value: '{}' }] }))}`;
    const acks: number[] = [];
    const floors: number[] = [];
    const sentAt = new Map<string, number>();
    for (let round = 0; round < ROUNDS; round++) {
      const requests = await Promise.all(
        Array.from({ length: CONCURRENCY }, async (_, k) => {
          const i = round * CONCURRENCY + k;
          const body = i % 2 ? action(i) : command(i);
          return { i, body, headers: { 'content-type': 'application/x-www-form-urlencoded', ...(await signedHeaders(body, now())) } };
        }),
      );
      const results = await Promise.all(
        requests.map(({ i, body, headers }) => {
          if (i % 2 === 0) sentAt.set(`${i}.1.t`, Date.now());
          return timed(`${real.url}/slack/events`, body, headers);
        }),
      );
      acks.push(...results);
      floors.push(...(await Promise.all(requests.map(({ body, headers }) => timed(`${floor.url}/floor`, body, headers)))));
      await Promise.allSettled(pending.splice(0));
    }
    const opens = fake.callsTo('views.open').map((c) => c.at - sentAt.get(String(c.args.trigger_id))!);
    const ackP99 = percentile(acks, 99);
    const floorP99 = percentile(floors, 99);
    return {
      slack_ack_p99_ms: ackP99,
      slack_ack_p50_ms: percentile(acks, 50),
      slack_ack_floor_p99_ms: floorP99,
      slack_ack_floor_ratio: ackP99 / floorP99,
      slack_ack_requests: acks.length,
      views_open_ms: percentile(opens, 50),
      views_open_p99_ms: percentile(opens, 99),
      views_open_samples: opens.length,
    };
  } finally {
    real.server.close();
    floor.server.close();
    await fake.close();
    client.close();
    rmSync(dir, { recursive: true, force: true });
  }
}
