import { sql } from 'drizzle-orm';
import { beforeEach, expect, it } from 'vitest';
import { attributeIndex } from '../support/attributes.js';
import { describeEachDatabase } from '../support/databases.js';
import { clearTables, manualClock, testApp } from '../support/app.js';
import { member, seedChats } from '../support/community.js';

describeEachDatabase('members and responses API', (get) => {
  beforeEach(async () => clearTables(get().db));

  const count = async (table: string) => (await get().db.all<{ n: number }>(sql.raw(`SELECT count(*) AS n FROM ${table}`)))[0]!.n;

  it('upserts one member and reads it back', async () => {
    const { call } = testApp(get().db);
    const put = await call('PUT', '/api/members/p-001', {
      email: 'ada@example.com',
      phone: '+15145550101',
      preferredLocale: 'fr-CA',
      timezone: 'America/Montreal',
      attributes: { country: 'CA', age: 36, vip: true, joined: '2024-03-01', gone: null },
    });
    expect(put.status).toBe(200);
    expect(put.body).toMatchObject({ id: 'p-001', preferredLocale: 'fr-CA', subscribed: true, attributes: { country: 'CA', age: 36, vip: true, joined: '2024-03-01' } });
    const again = await call('PUT', '/api/members/p-001', { email: 'ada@example.org', subscribed: false, attributes: { country: 'FR' } });
    expect(again.body).toMatchObject({ email: 'ada@example.org', subscribed: false, phone: null, attributes: { country: 'FR' } });
    expect(again.body.unsubscribedAt).not.toBeNull();
    expect(await count('members')).toBe(1);
    // The second upsert replaced every attribute: only country is left for filters to find.
    expect(await attributeIndex(get().db, 'p-001')).toEqual([{ key: 'country', type: 'string', value_text: 'FR', value_num: null }]);
  });

  it('keeps email/SMS opt-outs when a member is upserted again', async () => {
    const { call } = testApp(get().db);
    await call('PUT', '/api/members/p-002', { email: 'b@example.com' });
    await get().db.run(sql`UPDATE members SET email_opt_out_at = 123 WHERE external_id = 'p-002'`);
    const res = await call('PUT', '/api/members/p-002', { email: 'b@example.com', subscribed: true });
    expect(res.body.emailOptOutAt).toBe(new Date(123).toISOString());
  });

  it('bulk-upserts 10,000 members in one atomic request', async () => {
    const { call } = testApp(get().db);
    const members = Array.from({ length: 10_000 }, (_, i) => member(`bulk-${i}`, { attributes: { n: i, group: i % 2 ? 'odd' : 'even' } }));
    const res = await call('POST', '/api/members/bulk', { members });
    expect(res.status).toBe(200);
    expect(res.body).toEqual({ upserted: 10_000 });
    expect(await count('members')).toBe(10_000);
    expect(await attributeIndex(get().db, 'bulk-9999')).toEqual([
      { key: 'group', type: 'string', value_text: 'odd', value_num: null },
      { key: 'n', type: 'number', value_text: '9999', value_num: 9999 },
    ]);
  });

  it('bulk-upserts members whose JSON is larger than a libSQL server takes in one argument (5 MB)', async () => {
    const { call } = testApp(get().db);
    // 10,000 × ~1,300 characters of JSON, with non-ASCII text (2 bytes a character in UTF-8): ~16 MB.
    const members = Array.from({ length: 10_000 }, (_, i) => member(`big-${i}`, { attributes: { bio: `${'é'.repeat(600)}${i}` } }));
    const res = await call('POST', '/api/members/bulk', { members });
    expect(res.status).toBe(200);
    expect(await count('members')).toBe(10_000);
    expect((await call('GET', '/api/members/big-9999')).body.attributes).toEqual({ bio: `${'é'.repeat(600)}9999` });
  }, 60_000);

  it('writes nothing when one member of a bulk request is invalid, and names it', async () => {
    const { call } = testApp(get().db);
    const members = Array.from({ length: 500 }, (_, i) => member(`m-${i}`));
    members[437] = { ...members[437]!, email: 'not-an-email', timezone: 'Mars/Olympus' };
    const res = await call('POST', '/api/members/bulk', { members });
    expect(res.status).toBe(422);
    const paths = res.body.errors.map((e: { path: string }) => e.path);
    expect(paths).toEqual(['members.437.email', 'members.437.timezone']);
    expect(await count('members')).toBe(0);
  });

  it('refuses more than 10,000 members per request', async () => {
    const { call } = testApp(get().db);
    const res = await call('POST', '/api/members/bulk', { members: Array.from({ length: 10_001 }, (_, i) => member(`x-${i}`)) });
    expect(res.status).toBe(422);
    expect(res.body.errors[0].path).toBe('members');
    expect(await count('members')).toBe(0);
  });

  it('rejects attribute names that are not identifiers or that are member fields', async () => {
    const { call } = testApp(get().db);
    const res = await call('PUT', '/api/members/p-3', { attributes: { "x'; DROP TABLE members; --": 1, email: 'x' } });
    expect(res.status).toBe(422);
    expect(res.body.errors.map((e: { path: string }) => e.path)).toEqual(["attributes.x'; DROP TABLE members; --", 'attributes.email']);
  });

  it('stores chat responses in bulk and rejects unknown members or chats without writing', async () => {
    const clock = manualClock();
    const { call } = testApp(get().db, clock);
    await seedChats(get().db, clock.now());
    await call('POST', '/api/members/bulk', { members: [member('r-1'), member('r-2')] });
    const ok = await call('POST', '/api/responses/bulk', {
      responses: [
        { memberId: 'r-1', chatId: 'onboarding', question: 'role', value: 'designer', answeredAt: '2026-10-01T10:00:00Z' },
        { memberId: 'r-2', chatId: 'onboarding', question: 'nps', value: 9, answeredAt: '2026-10-01T10:00:00Z' },
        { memberId: 'r-1', chatId: 'onboarding', question: 'role', value: 'older answer', answeredAt: '2026-09-01T10:00:00Z' },
      ],
    });
    expect(ok.status).toBe(200);
    const rows = await get().db.all<{ question: string; value: string }>(sql`SELECT question, value FROM chat_responses ORDER BY question`);
    expect(rows).toEqual([{ question: 'nps', value: '9' }, { question: 'role', value: 'designer' }]);

    const bad = await call('POST', '/api/responses/bulk', {
      responses: [
        { memberId: 'r-1', chatId: 'onboarding', question: 'q2', value: 'a', answeredAt: '2026-10-01T10:00:00Z' },
        { memberId: 'ghost', chatId: 'onboarding', question: 'q2', value: 'a', answeredAt: '2026-10-01T10:00:00Z' },
        { memberId: 'r-2', chatId: 'no-such-chat', question: 'q2', value: 'a', answeredAt: '2026-10-01T10:00:00Z' },
      ],
    });
    expect(bad.status).toBe(422);
    expect(bad.body.errors).toEqual([
      { path: 'responses.1.memberId', message: 'unknown member "ghost"' },
      { path: 'responses.2.chatId', message: 'unknown chat "no-such-chat"' },
    ]);
    expect(await count('chat_responses')).toBe(2);
  });
});
