// npm run bench -- multi: runners sharing one libSQL server (sqld). For 1, 2 and 3 runner
// processes (`npm run tick`'s program, with its memory flags), an invitation to 50,000 members is
// opened and then sent by all of them at once to bench/provider-server.ts; and the idle tick over
// 10,000 past invitations, on sqld.
import { spawn, spawnSync } from 'node:child_process';
import { createClient } from '@libsql/client';
import { sql } from 'drizzle-orm';
import { systemClock } from '../src/core/clock.js';
import { defaultDeliverySettings } from '../src/core/delivery/deps.js';
import { openDueInvitations } from '../src/core/delivery/open.js';
import { createInvitation } from '../src/core/invitations/service.js';
import { silentLogger } from '../src/core/logger.js';
import { createDb } from '../src/db/client.js';
import { migrateDatabase } from '../src/db/migrate.js';
import { outboxProviders } from '../src/providers/outbox.js';
import { member, seedChats, seedMembers } from '../test/support/community.js';
import { startSqld } from '../test/support/sqld.js';
import { buildRunnerBundles, DISPATCH_CHILD_BUNDLE, root, RUNNER_FLAGS, startProviderServer, TICK_BUNDLE } from './runner-process.js';

const MEMBERS = 50_000;
type Figures = Record<string, number>;

function tickProcess(env: Record<string, string>): Promise<{ code: number | null; stderr: string }> {
  const child = spawn(process.execPath, [...RUNNER_FLAGS, TICK_BUNDLE], { cwd: root, env: { PATH: process.env.PATH, ...env }, stdio: ['ignore', 'ignore', 'pipe'] });
  let stderr = '';
  child.stderr!.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  return new Promise((done) => child.on('exit', (code) => done({ code, stderr })));
}

/** A fresh sqld with 50,000 members and one open invitation to all of them; then `runners` ticks at once. */
async function shareOnce(runners: number, providerUrl: string): Promise<{ perS: number; sentBy: number[] }> {
  const sqld = await startSqld();
  try {
    const client = createClient({ url: sqld.url });
    const db = createDb(client);
    await migrateDatabase(db);
    const now = systemClock.now();
    await seedChats(db, now);
    for (let from = 0; from < MEMBERS; from += 10_000) await seedMembers(db, Array.from({ length: 10_000 }, (_, i) => member(`m${from + i}`)), now);
    await createInvitation(
      { db, clock: systemClock, logger: silentLogger, settings: { cooldownDays: 0, publicBaseUrl: 'https://invites.example.org' } },
      { chatId: 'onboarding', name: 'Shared', scheduleMode: 'fixed', timeZone: 'UTC', closesAt: new Date(now + 86_400_000).toISOString(), target: { type: 'all' }, sameLocaleOnly: false, liveAudience: true, message: { channel: 'email' } } as never,
      'api:bench',
    );
    const core = { db, clock: systemClock, logger: silentLogger, settings: { cooldownDays: 0, publicBaseUrl: 'https://invites.example.org' } };
    await openDueInvitations({ ...core, providers: outboxProviders(db, systemClock), delivery: defaultDeliverySettings, runnerId: 'opener', waitUntil: () => {} });
    const env = { DATABASE_URL: sqld.url, POSTMARK_SERVER_TOKEN: 'bench', POSTMARK_FROM: 'invitations@research.example.org', POSTMARK_API_URL: providerUrl, EMAIL_RATE: '0', LOG_LEVEL: 'warn' };
    const started = performance.now();
    const results = await Promise.all(Array.from({ length: runners }, () => tickProcess(env)));
    const ms = performance.now() - started;
    const sentBy = results.map((r) => {
      if (r.code !== 0) throw new Error(`a runner failed: ${r.stderr.slice(-1000)}`);
      return Number(/sent (\d+)/.exec(r.stderr)?.[1]);
    });
    const [row] = await db.all<{ n: number }>(sql`SELECT count(*) AS n FROM deliveries WHERE state = 'sent'`);
    if (row?.n !== MEMBERS) throw new Error(`${row?.n} of ${MEMBERS} sent`);
    client.close();
    return { perS: (MEMBERS / ms) * 1000, sentBy };
  } finally {
    await sqld.stop();
  }
}

function idleTickOnSqld(url: string, providerUrl: string): Figures {
  const run = spawnSync(process.execPath, [...RUNNER_FLAGS, DISPATCH_CHILD_BUNDLE, 'idle'], {
    cwd: root,
    env: { ...process.env, DATABASE_URL: url, PROVIDER_URL: providerUrl },
    encoding: 'utf8',
  });
  if (run.status !== 0) throw new Error(run.stderr.slice(-2000));
  return JSON.parse(run.stdout.trim().split('\n').pop()!) as Figures;
}

export async function benchMultiRunner(): Promise<Figures> {
  await buildRunnerBundles();
  const provider = await startProviderServer();
  try {
    const figures: Figures = {};
    for (const runners of [1, 2, 3]) {
      console.error(`[multi] ${runners} runner(s) sharing ${MEMBERS.toLocaleString('en-US')} emails on sqld…`);
      const { perS, sentBy } = await shareOnce(runners, provider.url);
      figures[`multi_runner_dispatch_per_s_${runners}`] = perS;
      sentBy.forEach((n, i) => (figures[`multi_runner_${runners}_sent_by_${i + 1}`] = n));
    }
    console.error('[multi] an idle tick over 10,000 past invitations on sqld…');
    const sqld = await startSqld();
    try {
      const idle = idleTickOnSqld(sqld.url, provider.url);
      figures.idle_tick_sqld_ms = idle.medianMs!;
      figures.idle_tick_sqld_max_ms = idle.maxMs!;
    } finally {
      await sqld.stop();
    }
    return figures;
  } finally {
    provider.stop();
  }
}
