import { sql } from 'drizzle-orm';
import { beforeAll, expect, it } from 'vitest';
import { describeEachDatabase } from '../support/databases.js';
import { clearTables, manualClock, testApp } from '../support/app.js';
import { member, seedChats, seedMembers } from '../support/community.js';

describeEachDatabase('audience preview API', (get) => {
  const clock = manualClock('2026-12-01T12:00:00Z');
  beforeAll(async () => {
    const { db } = get();
    await clearTables(db);
    await seedChats(db, clock.now());
    await seedMembers(db, [
      member('en-1', { attributes: { country: 'CA', note: "it's" } }),
      member('en-2', { attributes: { country: 'US' } }),
      member('fr-1', { preferredLocale: 'fr-CA', attributes: { country: 'CA' } }),
      member('fr-2', { preferredLocale: 'fr-CA', email: null, phone: '+15145550199', attributes: { country: 'CA' } }),
    ], clock.now());
  });

  it('previews an unsaved target with breakdowns, exclusions and examples', async () => {
    const { call } = testApp(get().db, clock);
    const res = await call('POST', '/api/audience/preview', {
      chatId: 'feedback',
      locale: 'fr-CA',
      channel: 'preference',
      target: { type: 'filter', expression: 'country = "CA"' },
      sameLocaleOnly: true,
    });
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({
      matched: 3,
      audience: 2,
      byLocale: { 'fr-CA': 2 },
      byChannel: { email: 1, sms: 1 },
      excluded: expect.objectContaining({ locale_mismatch: 1, unsubscribed: 0 }),
      liveAudience: true,
    });
    expect(res.body.examples.map((e: { id: string }) => e.id).sort()).toEqual(['fr-1', 'fr-2']);
    expect(res.body.examples[0]).not.toHaveProperty('email');
    expect(typeof res.body.tookMs).toBe('number');
  });

  it('refuses a target without a locale on a multi-locale chat', async () => {
    const { call } = testApp(get().db, clock);
    const res = await call('POST', '/api/audience/preview', { chatId: 'feedback', target: { type: 'all' } });
    expect(res.status).toBe(422);
    const frozen = await call('POST', '/api/audience/preview', { chatId: 'onboarding', target: { type: 'all' }, liveAudience: false });
    expect(frozen.body.liveAudience).toBe(false);
    expect(res.body.errors[0].path).toBe('locale');
  });

  it('reports a syntax error with its position and what was expected', async () => {
    const { call } = testApp(get().db, clock);
    const res = await call('POST', '/api/audience/preview', { chatId: 'onboarding', target: { type: 'filter', expression: 'country = "CA" and age >=' } });
    expect(res.status).toBe(422);
    expect(res.body.errors).toHaveLength(1);
    expect(res.body.errors[0].path).toBe('target.expression');
    expect(res.body.errors[0].message).toMatch(/line 1, column 26/);
    expect(res.body.errors[0].message).toMatch(/expected/);
  });

  it('keeps SQL injection attempts inert, in values, expressions and attribute names', async () => {
    const { call } = testApp(get().db, clock);
    const values = await call('POST', '/api/audience/preview', {
      chatId: 'onboarding',
      target: { type: 'filter', expression: `note = "it's" or country = "'; DROP TABLE members; --" or answered("x'--", "q\\"", "1 OR 1=1")` },
    });
    expect(values.status).toBe(200);
    expect(values.body.examples.map((e: { id: string }) => e.id)).toEqual(['en-1']);
    const name = await call('POST', '/api/audience/preview', {
      chatId: 'onboarding',
      target: { type: 'filter', filter: { type: 'field', field: 'country = 1; DROP TABLE members', op: 'eq', value: 'CA' } },
    });
    expect(name.status).toBe(422);
    expect(name.body.errors[0].path).toBe('target.filter.field');
    const ids = await call('POST', '/api/audience/preview', { chatId: 'onboarding', target: { type: 'members', ids: ["en-1') OR 1=1 --"] } });
    expect(ids.status).toBe(422);
    const rows = await get().db.all<{ n: number }>(sql`SELECT count(*) AS n FROM members`);
    expect(rows).toEqual([{ n: 4 }]);
  });

  it('reports the preview of a saved invitation', async () => {
    const { call } = testApp(get().db, clock);
    const created = await call('POST', '/api/invitations', {
      chatId: 'feedback',
      locale: 'en-US',
      name: 'Saved',
      closesAt: '2026-12-05T00:00:00Z',
      target: { type: 'members', ids: 'en-1 en-2 ghost' },
      message: { channel: 'email' },
    });
    expect(created.status).toBe(201);
    const preview = await call('GET', `/api/invitations/${created.body.invitation.id}/preview`);
    expect(preview.status).toBe(200);
    expect(preview.body).toMatchObject({ audience: 2, excluded: expect.objectContaining({ unknown_id: 1 }), excludedIds: { unknown_id: ['ghost'] } });
  });
});
