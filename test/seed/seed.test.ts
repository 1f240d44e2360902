import { execFile } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { sql } from 'drizzle-orm';
import { beforeAll, expect, it } from 'vitest';
import type { Db } from '../../src/db/client.js';
import { generateCommunity } from '../../src/core/seed/community.js';
import { loadCommunity } from '../../src/core/seed/load.js';
import { seedSummary, type SeedSummary } from '../../src/core/seed/summary.js';
import { loadAttributeSlots, slotColumns } from '../../src/core/members/attribute-slots.js';
import { attributeIndex } from '../support/attributes.js';
import { describeEachDatabase } from '../support/databases.js';

const NOW = Date.parse('2026-12-01T15:30:00Z');
const TODAY = Date.parse('2026-12-01T00:00:00Z');
const DAY = 86_400_000;

async function dump(db: Db) {
  const tables = ['chats', 'chat_locales', 'members', 'attribute_slots', 'chat_responses', 'invitations', 'participations'];
  const out: Record<string, unknown[]> = {};
  for (const table of tables) out[table] = await db.all(sql.raw(`SELECT * FROM ${table} ORDER BY 1, 2`));
  return out;
}

const count = async (db: Db, query: string) => (await db.all<{ n: number }>(sql.raw(`SELECT count(*) AS n FROM ${query}`)))[0]!.n;

it('generates the same community from the same seed and day', () => {
  const a = generateCommunity(NOW);
  const b = generateCommunity(NOW + 3_600_000);
  expect(b.members).toEqual(a.members);
  const withoutTokens = (c: typeof a) => c.history.participations.map(({ token: _t, ...p }) => p);
  expect(withoutTokens(b)).toEqual(withoutTokens(a));
  expect(b.history.responses).toEqual(a.history.responses);
});

describeEachDatabase('seed', (get) => {
  let summary: SeedSummary;
  beforeAll(async () => {
    await loadCommunity(get().db, generateCommunity(NOW));
    summary = await seedSummary(get().db, TODAY);
  });

  it('loads three chats, 5,000 members, their answers and 4–6 closed invitations', async () => {
    expect(summary).toMatchObject({ chats: 3, members: 5000 });
    expect(summary.invitations).toBeGreaterThanOrEqual(4);
    expect(summary.invitations).toBeLessThanOrEqual(6);
    expect(await count(get().db, "invitations WHERE status <> 'closed' OR closed_at IS NULL OR closed_at > " + NOW)).toBe(0);
    expect(summary.respondents).toBeGreaterThan(1000);
    expect(summary.unsubscribed / summary.members).toBeGreaterThan(0.03);
    expect(summary.unsubscribed / summary.members).toBeLessThan(0.07);
    // A funnel narrows at every step.
    expect(summary.participations).toBeGreaterThan(summary.sent);
    expect(summary.sent).toBeGreaterThan(summary.delivered);
    expect(summary.delivered).toBeGreaterThan(summary.clicked);
    expect(summary.clicked).toBeGreaterThan(summary.completed);
    expect(summary.completed).toBeGreaterThan(0);
  });

  it('is idempotent: a second run leaves every row as it was', async () => {
    const { db } = get();
    const before = await dump(db);
    await loadCommunity(db, generateCommunity(NOW + 60_000));
    expect(await dump(db)).toEqual(before);
  });

  it('has data for every kind of filter', async () => {
    const { db } = get();
    expect(summary.frCA).toBeGreaterThan(500);
    expect(summary.completers).toBeGreaterThan(100);
    expect(summary.invitedLast7Days).toBeGreaterThan(100);
    for (const flag of ['emailOptOuts', 'emailSuppressed', 'smsOptOuts', 'bouncedOrFailed', 'noEmail', 'noPhone'] as const) expect(summary[flag]).toBeGreaterThan(0);
    expect(await count(db, `members WHERE preferred_locale IS NULL`)).toBeGreaterThan(0);
    expect(await count(db, `participations WHERE failed_at IS NOT NULL AND failure_reason IS NOT NULL`)).toBeGreaterThan(0);
    expect(await count(db, `participations WHERE bounced_at IS NOT NULL AND failure_reason IS NOT NULL`)).toBeGreaterThan(0);
    expect(await count(db, `participations WHERE cancelled_at IS NOT NULL`)).toBeGreaterThan(0);
    expect(await count(db, `(SELECT member_id FROM participations WHERE completed_at IS NOT NULL GROUP BY member_id HAVING count(*) > 1)`)).toBeGreaterThan(0);
    expect(await count(db, `participations WHERE targeted_at > ${TODAY - 7 * DAY} AND targeted_at < ${NOW}`)).toBeGreaterThan(0);
    // Clicked but never completed, and answered without completing: the filters tell these apart.
    expect(await count(db, `participations WHERE clicked_at IS NOT NULL AND completed_at IS NULL`)).toBeGreaterThan(0);
    expect(await count(db, `chat_responses r WHERE NOT EXISTS (SELECT 1 FROM participations p WHERE p.member_id = r.member_id AND p.invitation_seq IN (SELECT seq FROM invitations WHERE chat_id = r.chat_id) AND p.completed_at IS NOT NULL)`)).toBeGreaterThan(0);
    for (const question of ["'onboarding', 'role'", "'product-feedback', 'nps'", "'product-feedback', 'uses_mobile'"]) {
      expect(await count(db, `chat_responses WHERE (chat_id, question) = (${question})`)).toBeGreaterThan(100);
    }
    const limited = await db.all<{ limit: number; completed: number }>(sql`
      SELECT i.response_limit AS "limit", count(p.completed_at) AS completed FROM invitations i JOIN participations p ON p.invitation_seq = i.seq
      WHERE i.close_reason = 'response_limit' GROUP BY i.id`);
    expect(limited).toEqual([{ limit: 150, completed: 150 }]);
    const slots = await loadAttributeSlots(db);
    const slot = (key: string) => sql.identifier(slotColumns(slots.get(key)!).value);
    const [someone] = await db.all<{ external_id: string }>(sql`SELECT external_id FROM members WHERE ${slot('vip')} = 1 AND ${slot('zip')} IS NOT NULL LIMIT 1`);
    const types = (await attributeIndex(db, someone!.external_id)).map(({ key, type }) => ({ key, type }));
    expect(types).toEqual(expect.arrayContaining([
      { key: 'age', type: 'number' }, { key: 'vip', type: 'boolean' }, { key: 'signup_date', type: 'date' }, { key: 'zip', type: 'string' }, { key: 'plan', type: 'string' },
    ]));
    const zip = slots.get('zip')!;
    expect(await count(db, `members WHERE attr_${zip} GLOB '0[0-9][0-9][0-9][0-9]' AND typeof(attr_${zip}) = 'text'`)).toBeGreaterThan(0);
  });

  it('uses only fictional, well-formed contact details and random tokens', async () => {
    const { db } = get();
    expect(await count(db, `members WHERE email IS NOT NULL AND email NOT GLOB '*@example.com' AND email NOT GLOB '*@example.org'`)).toBe(0);
    expect(await count(db, `members WHERE phone IS NOT NULL AND phone NOT GLOB '+1[2-9][0-9][0-9]55501[0-9][0-9]'
      AND phone NOT GLOB '+447700900[0-9][0-9][0-9]' AND phone NOT GLOB '+3363998[0-9][0-9][0-9][0-9]'`)).toBe(0);
    expect(await count(db, `participations WHERE token NOT GLOB '${'[0-9a-f]'.repeat(32)}'`)).toBe(0);
    // Tokens are minted when a message goes out: exactly the sent rows have one.
    expect(await count(db, `participations WHERE (token IS NULL) <> (sent_at IS NULL)`)).toBe(0);
    const country = sql.identifier(slotColumns((await loadAttributeSlots(db)).get('country')!).value);
    const zones = await db.all<{ country: string; zone: string }>(sql`SELECT DISTINCT ${country} AS country, time_zone AS zone FROM members ORDER BY 1, 2`);
    const zonesOf = (c: string) => zones.filter((z) => z.country === c).map((z) => z.zone);
    expect(zonesOf('FR')).toEqual(['Europe/Paris']);
    expect(zonesOf('GB')).toEqual(['Europe/London']);
    expect(zonesOf('CA').every((z) => z.startsWith('America/'))).toBe(true);
    expect(await count(db, `members WHERE preferred_channel = 'sms' AND phone IS NULL`)).toBe(0);
  });
});

it('npm run seed prints a summary', async () => {
  const url = `file:${join(mkdtempSync(join(tmpdir(), 'seed-cli-')), 'seed.db')}`;
  const stdout = await new Promise<string>((resolve, reject) =>
    execFile('npx', ['tsx', 'src/cli/seed.ts'], { env: { ...process.env, DATABASE_URL: url }, timeout: 60_000 }, (error, out) => (error ? reject(error) : resolve(out))),
  );
  expect(stdout).toMatch(/^Seeded the demo community in [\d.]+ s\. The database now holds:\n {2}chats {11}3 /);
  expect(stdout).toContain('  members         5,000: ');
}, 60_000);
