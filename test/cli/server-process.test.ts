// `npm start` as a newcomer runs it: the bundle under plain node, in a fresh folder, no variables
// but a port. It creates and migrates the embedded database, answers /healthz and the API with the
// token it kept in ./data/api-token, logs one JSON line per event, and stops cleanly on SIGTERM.
// A bad variable stops it with one line and exit code 2.
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { buildBundles, type Bundles } from '../support/bundles.js';
import { freePort } from '../support/sqld.js';

let bundles: Bundles;
let folder: string;
beforeAll(async () => {
  bundles = await buildBundles();
  folder = mkdtempSync(join(tmpdir(), 'npm-start-'));
});
afterAll(() => {
  bundles.remove();
  rmSync(folder, { recursive: true, force: true });
});

it('starts on an embedded file, answers, and stops on SIGTERM', async () => {
  const port = await freePort();
  const server = spawn(process.execPath, ['--max-old-space-size=128', resolve(bundles.server)], { cwd: folder, env: { PATH: process.env.PATH, PORT: String(port), RUNNER: 'off' }, stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '';
  server.stdout!.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
  const exited = new Promise<number | null>((done) => server.on('exit', done));
  try {
    const deadline = Date.now() + 20_000;
    let health: unknown;
    while (health === undefined && Date.now() < deadline) {
      health = await fetch(`http://127.0.0.1:${port}/healthz`).then((r) => r.json(), () => undefined);
      if (health === undefined) await new Promise((done) => setTimeout(done, 100));
    }
    expect(health).toEqual({ ok: true });
    expect(existsSync(join(folder, 'data'))).toBe(true);
    const token = readFileSync(join(folder, 'data/api-token'), 'utf8').trim();
    const chats = await fetch(`http://127.0.0.1:${port}/api/chats`, { headers: { authorization: `Bearer ${token}` } });
    expect(chats.status).toBe(200);
    expect(await chats.json()).toEqual({ items: [] });
    expect((await fetch(`http://127.0.0.1:${port}/api/chats`)).status).toBe(401);
  } finally {
    server.kill('SIGTERM');
  }
  expect(await exited).toBe(0);
  const events = stdout.trim().split('\n').map((line) => (JSON.parse(line) as { event: string }).event);
  expect(events).toContain('server.started');
  expect(events.at(-1)).toBe('server.stopping');
}, 60_000);

it('a bad variable stops it with one line and exit code 2', () => {
  const run = spawnSync(process.execPath, [resolve(bundles.server)], { cwd: folder, env: { PATH: process.env.PATH, CRON_SCHEDULE: '61 * * * *' }, encoding: 'utf8', timeout: 20_000 });
  expect(run.status).toBe(2);
  expect(run.stderr.trim().split('\n')).toEqual(['Invalid CRON_SCHEDULE: must be a cron pattern such as "* * * * *" (minute hour day month weekday) (got "61 * * * *")']);
});
