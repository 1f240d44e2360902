// Starts a real libSQL server (sqld) on a free loopback port, with its data in a temp folder.
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
// @ts-expect-error plain ESM script without types
import { ensureSqld } from '../../scripts/fetch-sqld.mjs';

export interface SqldServer {
  url: string;
  /** The end of sqld's own log, for a test's failure message. */
  log(): string;
  stop(): Promise<void>;
}

export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.unref();
    server.on('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() => resolve(typeof address === 'object' && address ? address.port : 0));
    });
  });
}

export type SqldWal = 'sqlite' | 'libsql-wal';

/**
 * The tests use sqld's newer write-ahead log. With its default one (SQLite's), 3 runners writing at
 * once stalled sqld about once in 30 runs: its write-lock queue hands the lock to a connection
 * already closed, and every later write waits forever (README, "A stall in sqld's default
 * write-ahead log"). SQLD_WAL=sqlite runs the tests on the default one.
 */
const testSqldWal: SqldWal = process.env.SQLD_WAL === 'sqlite' ? 'sqlite' : 'libsql-wal';

export async function startSqld(wal: SqldWal = testSqldWal): Promise<SqldServer> {
  const binary: string = ensureSqld();
  const dir = mkdtempSync(join(tmpdir(), 'sqld-'));
  const port = await freePort();
  const child = spawn(binary, ['--db-path', join(dir, 'data.sqld'), '--http-listen-addr', `127.0.0.1:${port}`, '--no-welcome', ...(wal === 'libsql-wal' ? ['--use-custom-wal', 'libsql-wal'] : [])], {
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  // sqld logs to stdout; both streams are kept, the last 4,000 characters.
  let stderr = '';
  const keep = (d: Buffer) => (stderr = (stderr + d.toString()).slice(-4000));
  child.stdout.on('data', keep);
  child.stderr.on('data', keep);
  const url = `http://127.0.0.1:${port}`;
  const deadline = Date.now() + 20_000;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`sqld exited with ${child.exitCode}: ${stderr}`);
    try {
      const res = await fetch(`${url}/health`);
      if (res.ok) break;
    } catch {
      // not listening yet
    }
    if (Date.now() > deadline) {
      child.kill('SIGKILL');
      throw new Error(`sqld did not start within 20 s: ${stderr}`);
    }
    await new Promise((r) => setTimeout(r, 50));
  }
  return {
    url,
    log: () => stderr,
    async stop() {
      if (child.exitCode === null) {
        const exited = new Promise((r) => child.once('exit', r));
        child.kill('SIGTERM');
        await Promise.race([exited, new Promise((r) => setTimeout(r, 3000))]);
        if (child.exitCode === null) child.kill('SIGKILL');
      }
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
