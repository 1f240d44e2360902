import { execFile } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { runImport } from '../../src/cli/import-command.js';
import { buildBundles, type Bundles } from '../support/bundles.js';
import { describeEachDatabase } from '../support/databases.js';
import { MEMBER_HEADER, NOW } from './support.js';

const dir = mkdtempSync(join(tmpdir(), 'import-cli-'));
// `npm run import` runs the bundle (its reader thread is the bundled worker beside it).
let bundles: Bundles;
beforeAll(async () => {
  bundles = await buildBundles();
});
afterAll(() => bundles.remove());
function file(name: string, lines: string[]): string {
  const path = join(dir, name);
  writeFileSync(path, `${lines.join('\n')}\n`);
  return path;
}

interface Run {
  code: number | null;
  stdout: string;
  stderr: string;
}

function cli(url: string, ...args: string[]): Promise<Run> {
  return new Promise((resolve) => {
    execFile(process.execPath, [bundles.import, ...args], { env: { ...process.env, DATABASE_URL: url }, timeout: 60_000 }, (error, stdout, stderr) =>
      resolve({ code: error ? (typeof error.code === 'number' ? error.code : null) : 0, stdout, stderr }),
    );
  });
}

const noStackTrace = (run: Run) => expect(run.stderr).not.toMatch(/^\s+at /m);

// The messages do not depend on the database, so this runs once, on a file.
it('import CLI explains bad files and bad arguments in one line, without a stack trace', async () => {
  // One database per process: they run at once, and two first-time migrations of one file would race.
  const url = (name: string) => `file:${join(dir, `${name}.db`)}`;
  const [wrongHeader, noId, quoting, missing, usage] = await Promise.all([
    cli(url('header'), 'members', file('responses-as-members.csv', ['member_id,chat_id,question,value,answered_at', 'a,b,c,d,e'])),
    cli(url('no-id'), 'members', file('no-id.csv', ['email,phone,preferred_locale,timezone,subscribed', 'a@example.com,,,,'])),
    cli(url('quoting'), 'members', file('quoting.csv', [MEMBER_HEADER, 'q-1,"a@example.com"x,,,,'])),
    cli(url('missing'), 'members', join(dir, 'nope.csv')),
    cli(url('usage'), 'people', 'x.csv'),
  ]);
  expect(wrongHeader.code).toBe(1);
  expect(wrongHeader.stderr).toMatch(/responses-as-members\.csv: Bad header: missing columns id, email, phone, preferred_locale, timezone, subscribed/);
  expect(noId.code).toBe(1);
  expect(noId.stderr).toContain('no-id.csv: Bad header: missing column id (a members file starts with id,email,phone,preferred_locale,timezone,subscribed)\nNothing was imported.\n');
  expect(quoting.code).toBe(1);
  expect(quoting.stderr).toContain('quoting.csv: Malformed CSV on line 2: unexpected "x" after the closing quote of field 2\n');
  expect(missing.code).toBe(1);
  expect(missing.stderr).toMatch(/^Cannot read .*nope\.csv: ENOENT/);
  expect(usage.code).toBe(2);
  expect(usage.stderr).toMatch(/^Unknown import "people": use members, responses or chats\.\n\nUsage: npm run import/);
  for (const run of [wrongHeader, noId, quoting, missing, usage]) noStackTrace(run);
});

describeEachDatabase('import CLI', (get) => {
  it('imports the example files and exits 0', async () => {
    const { url, db } = get();
    const chats = await cli(url, 'chats', 'examples/chats.json');
    const members = await cli(url, 'members', 'examples/members.csv');
    const responses = await cli(url, 'responses', 'examples/responses.csv');
    expect([chats.code, members.code, responses.code]).toEqual([0, 0, 0]);
    expect(chats.stdout).toBe('Imported 2 chats from examples/chats.json.\n');
    expect(members.stdout).toMatch(/^Imported 5 members from examples\/members\.csv in \d/);
    expect(responses.stdout).toMatch(/^Imported 5 responses from examples\/responses\.csv/);
    const [row] = await db.all<{ n: number }>(sql`SELECT count(*) AS n FROM chat_responses`);
    expect(row!.n).toBe(5);
  });

  it('exits 1 and imports nothing when a row is rejected; --skip-invalid imports the rest', async () => {
    const { url, db } = get();
    const path = file('some-bad.csv', [MEMBER_HEADER, 'cli-1,one@example.com,,,,', 'cli-2,not-an-email,,,,', 'cli-3,,,,,perhaps']);
    const strict = await cli(url, 'members', path);
    expect(strict.code).toBe(1);
    expect(strict.stdout).toBe('');
    expect(strict.stderr).toContain('Rejected rows (2):\n  line 3: email: must be an email address, got "not-an-email"\n  line 4: subscribed: must be true/false/yes/no/1/0, got "perhaps"\n');
    expect(strict.stderr).toContain('Nothing imported: 2 of 3 rows rejected. Fix them, or run again with --skip-invalid to import the 1 valid one.');
    noStackTrace(strict);
    expect(await db.all(sql`SELECT external_id FROM members WHERE external_id LIKE 'cli-%'`)).toEqual([]);

    const lenient = await cli(url, 'members', path, '--skip-invalid');
    expect(lenient.code).toBe(0);
    expect(lenient.stdout).toMatch(/^Imported 1 member from .* skipped 2 rejected rows\.\n$/);
    expect(lenient.stderr).toContain('line 3: email');
    expect(await db.all(sql`SELECT external_id FROM members WHERE external_id LIKE 'cli-%'`)).toEqual([{ external_id: 'cli-1' }]);
  });

  it('prints the first 50 rejected rows and counts the rest', async () => {
    const { db } = get();
    const path = file('many-bad.csv', [MEMBER_HEADER, ...Array.from({ length: 75 }, (_, i) => `many-${i},bad-${i},,,,`)]);
    const out: string[] = [];
    const err: string[] = [];
    const code = await runImport(db, { kind: 'members', file: path, skipInvalid: false }, { stdout: { write: (t) => out.push(t) }, stderr: { write: (t) => err.push(t) } }, { now: NOW });
    expect(code).toBe(1);
    const stderr = err.join('');
    expect(stderr.match(/^ {2}line \d+:/gm)).toHaveLength(50);
    expect(stderr).toContain('  line 51: email: must be an email address, got "bad-49"\n  … and 25 more rejected rows\n');
    expect(out).toEqual([]);
  });

  it('reports a database failure in one line and says nothing was imported', async () => {
    const { db } = get();
    const path = file('fails.csv', [MEMBER_HEADER, 'fail-1,,,,,']);
    await db.run(sql`CREATE TRIGGER fail_import BEFORE INSERT ON members WHEN NEW.external_id = 'fail-1' BEGIN SELECT RAISE(ABORT, 'disk on fire'); END`);
    const err: string[] = [];
    try {
      const code = await runImport(db, { kind: 'members', file: path, skipInvalid: false }, { stdout: { write: () => true }, stderr: { write: (t) => err.push(t) } }, { now: NOW });
      expect(code).toBe(1);
    } finally {
      await db.run(sql`DROP TRIGGER fail_import`);
    }
    expect(err.join('')).toMatch(/^Import failed: .*disk on fire.*\nNothing was imported\.\n$/);
  });
});
