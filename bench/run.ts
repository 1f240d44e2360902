// npm run bench: the targeting-engine figures on 1,000,000 members, on the embedded file database
// and on sqld, each next to its bare-SQL floor measured in the same run. Prints a table and writes
// bench/results.json (merged with figures other benchmarks wrote there).
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { sql } from 'drizzle-orm';
import type { Db } from '../src/db/client.js';
import { ensureAttributeSlots, slotColumns } from '../src/core/members/attribute-slots.js';
import { migrateDatabase } from '../src/db/migrate.js';
import { openDatabase, tuneEmbeddedFile } from '../src/db/open.js';
import { programArgs } from '../test/support/bundles.js';
import { startSqld, type SqldServer, type SqldWal } from '../test/support/sqld.js';
import { addHistory, DAY, MEMBERS, writeMembersCsv } from './dataset.js';
import { benchDispatch } from './dispatch.js';
import { benchMultiRunner } from './multi-runner.js';
import { buildRunnerBundles, IMPORT_BUNDLE, RESOLVE_CHILD_BUNDLE, RUNNER_FLAGS } from './runner-process.js';
import { benchWorker } from './worker.js';
import { benchSlack } from './slack.js';
import { PREVIEW_EXPRESSION, timeNaiveCount, timePreview } from './targeting.js';

const root = resolve(fileURLToPath(new URL('..', import.meta.url)));
const tmp = join(root, 'bench/tmp');
const NOW = Date.parse('2026-12-01T12:00:00Z');

type Figures = Record<string, number>;

/** The databases measured: the embedded file; sqld as it starts by default (SQLite's WAL); sqld on its libsql-wal, as the tests run it. */
type Kind = 'file' | 'sqld' | 'sqld-libsql-wal';
const KINDS: Kind[] = ['file', 'sqld', 'sqld-libsql-wal'];
const walOf = (kind: Kind): SqldWal => (kind === 'sqld' ? 'sqlite' : 'libsql-wal');

function timeChild(script: string, env: Record<string, string>, args: string[] = [], flags: string[] = []): { ms: number; output: string } {
  const started = performance.now();
  // A bundle (dist/, as `npm run import` runs) or TypeScript.
  const child = spawnSync(process.execPath, [...flags, ...programArgs(script, args)], {
    cwd: root,
    env: { ...process.env, ...env },
    encoding: 'utf8',
    maxBuffer: 64 * 1024 * 1024,
  });
  const ms = performance.now() - started;
  if (child.status !== 0) throw new Error(`${script} failed (${child.status}): ${child.stderr.slice(-2000)}`);
  return { ms, output: child.stdout };
}

const RESOLVE_RUNS = 3;

/**
 * Median time and floor, and the highest peak RSS, over RESOLVE_RUNS child processes (each run
 * removes its rows), each run as `npm run tick` runs: bundled, with the runner's memory flags.
 */
function resolveRuns(url: string, mode: 'all' | 'sample'): Figures {
  const runs = Array.from({ length: RESOLVE_RUNS }, () =>
    JSON.parse(timeChild(RESOLVE_CHILD_BUNDLE, { DATABASE_URL: url, BENCH_NOW: String(NOW) }, [mode], RUNNER_FLAGS).output) as Figures,
  );
  const median = (key: string) => runs.map((r) => r[key]!).sort((a, b) => a - b)[Math.floor(runs.length / 2)]!;
  return { ms: median('ms'), floorMs: median('floorMs'), rows: runs[0]!.rows!, peakRssMb: Math.max(...runs.map((r) => r.peakRssMb!)) };
}

async function open(url: string): Promise<{ db: Db; close(): void }> {
  const { client, db } = openDatabase(url);
  await tuneEmbeddedFile(client, url);
  await migrateDatabase(db);
  return { db, close: () => client.close() };
}

/**
 * The import floor: the same 1M member rows (8 attributes and their slot columns) from one
 * INSERT … SELECT. Also how the sqld database is filled when the CLI import cannot finish there.
 */
async function importFloor(url: string, prefix = 'f'): Promise<number> {
  const { db, close } = await open(url);
  const slots = await ensureAttributeSlots(db, ['first_name', 'country', 'age', 'plan', 'vip', 'signup_date', 'score', 'zip']);
  const column = (key: string, part: 'value' | 'num') => sql.identifier(slotColumns(slots.get(key)!)[part]);
  // Over HTTP a statement must answer within the client's 300 s headers timeout: sqld gets 100k-row chunks.
  const chunk = url.startsWith('file:') ? MEMBERS : 100_000;
  const started = performance.now();
  for (let from = 0; from < MEMBERS; from += chunk) {
    await db.run(sql`WITH RECURSIVE n(i) AS (SELECT CAST(${from} AS INTEGER) UNION ALL SELECT i + 1 FROM n WHERE i < ${Math.min(from + chunk, MEMBERS) - 1}),
      v AS (SELECT i, 'Name' || (i % 997) AS first_name, json_extract('["CA","US","FR","GB","DE","MX","BR","AU"]', '$[' || (i % 8) || ']') AS country,
        18 + i % 60 AS age, json_extract('["free","pro","team"]', '$[' || (i % 3) || ']') AS plan, iif(i % 10 = 0, 1, 0) AS vip,
        '2024-0' || (1 + i % 9) || '-15' AS signup_date, (i % 1000) / 10.0 AS score, '0' || (1000 + i % 9000) AS zip FROM n)
    INSERT INTO members (external_id, email, phone, preferred_locale, time_zone, subscribed, created_at, updated_at,
      ${column('first_name', 'value')}, ${column('country', 'value')}, ${column('age', 'value')}, ${column('plan', 'value')},
      ${column('vip', 'value')}, ${column('vip', 'num')}, ${column('signup_date', 'value')}, ${column('signup_date', 'num')},
      ${column('score', 'value')}, ${column('zip', 'value')})
    SELECT ${prefix} || printf('%07d', i), ${prefix} || i || '@example.com', '+1555' || printf('%07d', i), 'en-US', 'America/Toronto', 1,
      ${NOW}, ${NOW}, first_name, country, age, plan, vip, vip, signup_date, unixepoch(signup_date) * 1000, score, zip
    FROM v`);
  }
  const ms = performance.now() - started;
  close();
  return ms;
}

/** Imports per database: the first fills the benchmark's database, the others a fresh one each; the figure is their median. */
const IMPORT_RUNS = 3;

async function importIntoFreshDatabase(kind: Kind, csv: string): Promise<number> {
  const server = kind === 'file' ? undefined : await startSqld(walOf(kind));
  const dir = kind === 'file' ? mkdtempSync(join(tmp, 'import-run-')) : undefined;
  try {
    const url = server ? server.url : `file:${join(dir!, 'db.sqlite')}`;
    (await open(url)).close();
    return timeChild(IMPORT_BUNDLE, { DATABASE_URL: url }, ['members', csv]).ms;
  } finally {
    await server?.stop();
    if (dir) rmSync(dir, { recursive: true, force: true });
  }
}

async function benchDatabase(kind: Kind, csv: string): Promise<Figures> {
  let server: SqldServer | undefined;
  let floorServer: SqldServer | undefined;
  let url: string;
  let floorUrl: string;
  if (kind === 'file') {
    for (const f of ['bench.db', 'floor.db']) for (const s of ['', '-wal', '-shm']) rmSync(join(tmp, f + s), { force: true });
    url = `file:${join(tmp, 'bench.db')}`;
    floorUrl = `file:${join(tmp, 'floor.db')}`;
  } else {
    server = await startSqld(walOf(kind));
    floorServer = await startSqld(walOf(kind));
    url = server.url;
    floorUrl = floorServer.url;
  }
  try {
    const figures: Figures = {};
    (await open(url)).close();
    console.error(`[${kind}] importing ${MEMBERS.toLocaleString('en-US')} members (${IMPORT_RUNS} times)…`);
    figures.import_1m_floor_s = (await importFloor(floorUrl)) / 1000;
    try {
      // BENCH_SKIP_IMPORT=sqld skips a CLI import already known not to finish there (over 300 s).
      if ((process.env.BENCH_SKIP_IMPORT ?? '').split(',').includes(kind)) throw new Error('skipped by BENCH_SKIP_IMPORT');
      const runs = [timeChild(IMPORT_BUNDLE, { DATABASE_URL: url }, ['members', csv]).ms / 1000];
      for (let i = 1; i < IMPORT_RUNS; i++) runs.push((await importIntoFreshDatabase(kind, csv)) / 1000);
      runs.sort((a, b) => a - b);
      figures.import_1m_s = runs[Math.floor(runs.length / 2)]!;
      figures.import_1m_min_s = runs[0]!;
      figures.import_1m_max_s = runs[runs.length - 1]!;
      figures.import_1m_floor_ratio = figures.import_1m_s / figures.import_1m_floor_s;
    } catch (error) {
      // Reported as not measured, and the database is filled by SQL so the other figures still are.
      console.error(`[${kind}] the CLI import did not finish: ${String(error).slice(0, 300)}`);
      figures.import_1m_failed = 1;
      await importFloor(url, 'm');
    }

    const { db, close } = await open(url);
    console.error(`[${kind}] adding 2M responses and 3M participations…`);
    await addHistory(db, NOW);

    console.error(`[${kind}] preview…`);
    const preview = await timePreview(db, NOW);
    figures.preview_1m_ms = preview.ms;
    figures.preview_1m_floor_ms = preview.floorMs;
    figures.preview_1m_floor_ratio = preview.ms / preview.floorMs;
    figures.preview_1m_audience = preview.audience;
    figures.naive_count_1m_ms = await timeNaiveCount(db);
    close();

    console.error(`[${kind}] resolve all / sample, ${RESOLVE_RUNS} runs each (child processes, for peak RSS)…`);
    const resolveAll = resolveRuns(url, 'all');
    const sample = resolveRuns(url, 'sample');
    figures.resolve_all_1m_s = resolveAll.ms! / 1000;
    figures.resolve_all_1m_floor_s = resolveAll.floorMs! / 1000;
    figures.resolve_all_1m_floor_ratio = resolveAll.ms! / resolveAll.floorMs!;
    figures.resolve_all_1m_rows = resolveAll.rows!;
    figures.peak_rss_mb = resolveAll.peakRssMb!;
    figures.sample_10k_of_1m_ms = sample.ms!;
    figures.sample_10k_of_1m_floor_ms = sample.floorMs!;
    figures.sample_10k_of_1m_floor_ratio = sample.ms! / sample.floorMs!;
    figures.sample_10k_of_1m_rows = sample.rows!;
    return figures;
  } finally {
    await server?.stop();
    await floorServer?.stop();
  }
}

function printTable(results: Record<string, Figures>): void {
  const kinds = Object.keys(results);
  const keys = [...new Set(kinds.flatMap((k) => Object.keys(results[k]!)))];
  const rows = keys.map((key) => [key, ...kinds.map((k) => (results[k]![key] === undefined ? '–' : String(Math.round(results[k]![key]! * 1000) / 1000)))]);
  const header = ['figure', ...kinds];
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]!.length)));
  const line = (cells: string[]) => cells.map((c, i) => (i === 0 ? c.padEnd(widths[i]!) : c.padStart(widths[i]!))).join('  ');
  console.log(line(header));
  console.log(widths.map((w) => '-'.repeat(w)).join('  '));
  for (const r of rows) console.log(line(r));
}

async function main(): Promise<void> {
  mkdirSync(tmp, { recursive: true });
  const csv = join(tmp, 'members-1m.csv');
  const only = process.argv[2];
  const needsCommunity = !only || (KINDS as string[]).includes(only);
  if (needsCommunity && !existsSync(csv)) {
    console.error('writing the 1M-member CSV…');
    await writeMembersCsv(csv);
  }
  const path = join(root, 'bench/results.json');
  const previous = existsSync(path) ? (JSON.parse(readFileSync(path, 'utf8')) as Record<string, unknown> & { targeting?: Record<string, Figures> }) : {};
  let merged: Record<string, unknown> = { ...previous };
  const results: Record<string, Figures> = {};
  if (needsCommunity) await buildRunnerBundles();
  for (const kind of KINDS) {
    if (only && only !== kind) continue;
    results[kind] = await benchDatabase(kind, csv);
  }
  if (Object.keys(results).length > 0) {
    merged = {
      ...merged,
      targeting: { ...(previous.targeting ?? {}), ...results },
      targeting_meta: { measuredAt: new Date().toISOString(), node: process.version, members: MEMBERS, preview_expression: PREVIEW_EXPRESSION, day_ms: DAY },
    };
  }
  if (!only || only === 'slack') {
    console.error('[slack] acknowledgements under load…');
    results.slack = await benchSlack();
    merged = { ...merged, slack: results.slack, slack_meta: { measuredAt: new Date().toISOString(), node: process.version, concurrency: 50 } };
  }
  if (!only || only === 'dispatch') {
    results.dispatch = await benchDispatch();
    merged = { ...merged, dispatch: results.dispatch, dispatch_meta: { measuredAt: new Date().toISOString(), node: process.version, database: 'embedded file', provider: 'bench/provider-server.ts (own process)' } };
  }
  if (!only || only === 'multi') {
    results.multi = await benchMultiRunner();
    merged = { ...merged, multi_runner: results.multi, multi_runner_meta: { measuredAt: new Date().toISOString(), node: process.version, database: 'sqld (libsql-server, --use-custom-wal libsql-wal) on loopback', members: 50_000, provider: 'bench/provider-server.ts (own process)' } };
  }
  if (!only || only === 'worker') {
    results.worker = benchWorker();
    merged = { ...merged, worker: results.worker, worker_meta: { measuredAt: new Date().toISOString(), wrangler: '4.86.0', limit: '3 MB compressed (free plan)' } };
  }
  printTable(results);
  writeFileSync(path, `${JSON.stringify(merged, null, 2)}\n`);
  console.log(`\nwrote ${path}`);
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
