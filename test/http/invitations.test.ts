import { sql } from 'drizzle-orm';
import { beforeEach, expect, it } from 'vitest';
import { describeEachDatabase } from '../support/databases.js';
import { invitationSeq } from '../../src/db/invitation-seq.js';
import { clearTables, manualClock, testApp } from '../support/app.js';
import { member, seedChats, seedMembers } from '../support/community.js';

const NOW = '2026-12-01T12:00:00Z';

function form(overrides: Record<string, unknown> = {}) {
  return {
    chatId: 'onboarding',
    name: 'December onboarding wave',
    closesAt: '2026-12-08T12:00:00Z',
    target: { type: 'all' },
    message: { channel: 'email' },
    ...overrides,
  };
}

describeEachDatabase('invitations API', (get) => {
  const setup = async () => {
    const clock = manualClock(NOW);
    const api = testApp(get().db, clock);
    await seedChats(get().db, clock.now());
    await seedMembers(get().db, [member('a'), member('b', { preferredLocale: 'fr-CA' })], clock.now());
    return { ...api, clock };
  };
  beforeEach(async () => clearTables(get().db));

  it('schedules an invitation with the single locale prefilled and the chat templates', async () => {
    const { call } = await setup();
    const res = await call('POST', '/api/invitations', form(), { 'x-actor': 'U123' });
    expect(res.status).toBe(201);
    const inv = res.body.invitation;
    expect(inv).toMatchObject({
      chatId: 'onboarding',
      locale: 'en-US',
      status: 'scheduled',
      opensAt: new Date(NOW).toISOString(),
      closesAt: '2026-12-08T12:00:00.000Z',
      liveAudience: true,
      version: 1,
      createdBy: 'api:U123',
      target: { type: 'all' },
    });
    expect(inv.id).toMatch(/^inv_[0-9a-z]{16}$/);
    expect(inv.message.emailSubject).toContain('{{chat_name}}');
    expect(inv.message.emailBody).toContain('{{link}}');
    const audit = await call('GET', `/api/invitations/${inv.id}/audit`);
    expect(audit.body.items).toEqual([expect.objectContaining({ action: 'created', actor: 'api:U123' })]);
  });

  it('an Idempotency-Key makes a retried create return the first invitation (200), not a second one', async () => {
    const { call } = await setup();
    const first = await call('POST', '/api/invitations', form(), { 'idempotency-key': 'req-1' });
    const again = await call('POST', '/api/invitations', form({ name: 'A retry that changed its mind' }), { 'idempotency-key': 'req-1' });
    expect(first.status).toBe(201);
    expect(again.status).toBe(200);
    expect(again.body.invitation.id).toBe(first.body.invitation.id);
    expect(again.body.invitation.name).toBe(first.body.invitation.name);
    const other = await call('POST', '/api/invitations', form(), { 'idempotency-key': 'req-2' });
    expect(other.status).toBe(201);
    expect((await call('GET', '/api/invitations')).body.items).toHaveLength(2);
    const tooLong = await call('POST', '/api/invitations', form(), { 'idempotency-key': 'x'.repeat(201) });
    expect(tooLong.status).toBe(422);
    expect(JSON.stringify(tooLong.body)).toContain('idempotency-key');
  });

  it('asks for the locale of a multi-locale chat before the target', async () => {
    const { call } = await setup();
    const res = await call('POST', '/api/invitations', form({ chatId: 'feedback' }));
    expect(res.status).toBe(422);
    expect(res.body.errors).toEqual([{ path: 'locale', message: 'choose the engagement locale before the target: one of en-US, fr-CA' }]);
    const wrong = await call('POST', '/api/invitations', form({ chatId: 'feedback', locale: 'de-DE' }));
    expect(wrong.body.errors[0]).toEqual({ path: 'locale', message: "must be one of the chat's locales: en-US, fr-CA" });
    const ok = await call('POST', '/api/invitations', form({ chatId: 'feedback', locale: 'fr-CA', message: { channel: 'sms' } }));
    expect(ok.status).toBe(201);
    expect(ok.body.invitation.message.smsBody).toBe('Donnez votre avis {{link}}');
    expect(ok.body.validation.sms).toMatchObject({ encoding: 'GSM-7', segments: 1 });
  });

  it('reports every rule broken at once, each under its field, and saves nothing', async () => {
    const { call } = await setup();
    const res = await call(
      'POST',
      '/api/invitations',
      form({
        chatId: 'onboarding',
        opensAt: '2026-12-01T10:00:00Z',
        closesAt: '2026-12-01T09:00:00Z',
        message: { channel: 'preference', emailSubject: ' ', emailBody: 'no link here', smsBody: 'Répondez 😀 ' + 'x'.repeat(80) },
      }),
    );
    expect(res.status).toBe(422);
    expect(res.body.errors.map((e: { path: string }) => e.path).sort()).toEqual(
      ['closesAt', 'message.emailBody', 'message.emailSubject', 'message.smsBody', 'opensAt'].sort(),
    );
    expect(res.body.details.sms).toMatchObject({ encoding: 'UCS-2', segments: 2 });
    expect((await call('GET', '/api/invitations')).body.items).toEqual([]);
  });

  it('validates field types with zod: name length, response limit, unknown chat', async () => {
    const { call } = await setup();
    const res = await call('POST', '/api/invitations', form({ name: 'x'.repeat(81), responseLimit: 0 }));
    expect(res.status).toBe(422);
    expect(res.body.errors.map((e: { path: string }) => e.path)).toEqual(['name', 'responseLimit']);
    const unknown = await call('POST', '/api/invitations', form({ chatId: 'ghost' }));
    expect(unknown.body.errors).toEqual([{ path: 'chatId', message: 'unknown chat "ghost"' }]);
  });

  it('accepts a minute of grace for "opens now", and local times in a zone', async () => {
    const { call } = await setup();
    const graced = await call('POST', '/api/invitations', form({ opensAt: '2026-12-01T11:59:30Z' }));
    expect(graced.status).toBe(201);
    const local = await call('POST', '/api/invitations', form({ timeZone: 'America/Toronto', opensAt: '2026-12-02T09:00', closesAt: '2026-12-09T17:00' }));
    expect(local.body.invitation).toMatchObject({ opensAt: '2026-12-02T14:00:00.000Z', closesAt: '2026-12-09T22:00:00.000Z', timeZone: 'America/Toronto' });
    const memberLocal = await call('POST', '/api/invitations', form({ scheduleMode: 'member_local', opensAt: '2026-12-03T09:00', closesAt: '2026-12-10T09:00' }));
    expect(memberLocal.status).toBe(201);
    expect(memberLocal.body.invitation).toMatchObject({ opensLocal: '2026-12-03T09:00', closesLocal: '2026-12-10T09:00', opensAt: '2026-12-02T19:00:00.000Z' });
  });

  it('lists newest first with filters and cursor pagination', async () => {
    const { call, clock } = await setup();
    const ids: string[] = [];
    for (let i = 0; i < 5; i++) {
      clock.advance(1000);
      const body = i % 2 ? form({ chatId: 'feedback', locale: 'fr-CA', name: `fr ${i}` }) : form({ name: `en ${i}` });
      ids.push((await call('POST', '/api/invitations', body)).body.invitation.id);
    }
    const page1 = await call('GET', '/api/invitations?limit=2');
    expect(page1.body.items.map((i: { id: string }) => i.id)).toEqual([ids[4], ids[3]]);
    const page2 = await call('GET', `/api/invitations?limit=2&cursor=${encodeURIComponent(page1.body.nextCursor)}`);
    expect(page2.body.items.map((i: { id: string }) => i.id)).toEqual([ids[2], ids[1]]);
    const page3 = await call('GET', `/api/invitations?limit=2&cursor=${encodeURIComponent(page2.body.nextCursor)}`);
    expect(page3.body).toEqual({ items: [expect.objectContaining({ id: ids[0] })], nextCursor: null });
    const fr = await call('GET', '/api/invitations?locale=fr-CA');
    expect(fr.body.items.map((i: { name: string }) => i.name)).toEqual(['fr 3', 'fr 1']);
    expect((await call('GET', '/api/invitations?status=closed')).body.items).toEqual([]);
    expect((await call('GET', '/api/invitations?status=bogus')).status).toBe(422);
    expect((await call('GET', '/api/invitations?cursor=garbage')).status).toBe(422);
  });

  it('edits a scheduled invitation with a version check and audits before → after', async () => {
    const { call } = await setup();
    const inv = (await call('POST', '/api/invitations', form())).body.invitation;
    const edited = await call('PATCH', `/api/invitations/${inv.id}`, { version: 1, name: 'Renamed', responseLimit: 50 }, { 'x-actor': 'U9' });
    expect(edited.status).toBe(200);
    expect(edited.body.invitation).toMatchObject({ name: 'Renamed', responseLimit: 50, version: 2 });
    const stale = await call('PATCH', `/api/invitations/${inv.id}`, { version: 1, name: 'Lost update' });
    expect(stale.status).toBe(409);
    expect(stale.body.currentVersion).toBe(2);
    expect((await call('GET', `/api/invitations/${inv.id}`)).body.name).toBe('Renamed');
    const audit = await call('GET', `/api/invitations/${inv.id}/audit`);
    expect(audit.body.items[1]).toMatchObject({
      action: 'edited',
      actor: 'api:U9',
      changes: { name: { from: 'December onboarding wave', to: 'Renamed' }, responseLimit: { from: null, to: 50 } },
    });
  });

  it('lets only the close time and response limit change once open, and closes by hand', async () => {
    const { call } = await setup();
    const inv = (await call('POST', '/api/invitations', form())).body.invitation;
    await get().db.run(sql`UPDATE invitations SET status = 'open', opened_at = ${Date.parse(NOW)} WHERE id = ${inv.id}`);
    const locked = await call('PATCH', `/api/invitations/${inv.id}`, { version: 1, name: 'nope', target: { type: 'all' } });
    expect(locked.status).toBe(422);
    expect(locked.body.errors.map((e: { path: string }) => e.path)).toEqual(['name', 'target']);
    const extended = await call('PATCH', `/api/invitations/${inv.id}`, { version: 1, closesAt: '2026-12-20T12:00:00Z', responseLimit: 10 });
    expect(extended.status).toBe(200);
    expect(extended.body.invitation).toMatchObject({ closesAt: '2026-12-20T12:00:00.000Z', responseLimit: 10, status: 'open' });

    const closed = await call('POST', `/api/invitations/${inv.id}/close`, undefined, { 'x-actor': 'U42' });
    expect(closed.status).toBe(200);
    expect(closed.body).toMatchObject({ status: 'closed', closeReason: 'manual', closedBy: 'api:U42' });
    expect((await call('POST', `/api/invitations/${inv.id}/close`)).status).toBe(409);
    expect((await call('PATCH', `/api/invitations/${inv.id}`, { version: 3, name: 'x' })).status).toBe(409);
    const summary = await call('GET', `/api/invitations/${inv.id}/summary`);
    expect(summary.body).toMatchObject({ status: 'closed', targeted: 0, completed: 0, responseLimit: 10, completionRate: null });
    expect((await call('GET', `/api/invitations/${inv.id}/audit`)).body.items.map((e: { action: string }) => e.action)).toEqual(['created', 'edited', 'closed']);
  });

  it('answers 404 for an unknown invitation and 422 for a malformed id', async () => {
    const { call } = await setup();
    expect((await call('GET', '/api/invitations/inv_0000000000000000')).status).toBe(404);
    expect((await call('GET', '/api/invitations/1%20OR%201=1')).status).toBe(422);
  });

  it('freezes the audience at creation when live updating is off', async () => {
    const { call } = await setup();
    const res = await call('POST', '/api/invitations', form({ liveAudience: false }));
    expect(res.status).toBe(201);
    const inv = res.body.invitation;
    const rows = await get().db.all<{ targeted_at: number }>(sql`SELECT targeted_at FROM participations WHERE invitation_seq = ${invitationSeq(inv.id)}`);
    expect(rows).toEqual([{ targeted_at: Date.parse(NOW) }, { targeted_at: Date.parse(NOW) }]);
    await seedMembers(get().db, [member('late-joiner')], Date.parse(NOW));
    expect((await call('GET', `/api/invitations/${inv.id}/summary`)).body.targeted).toBe(2);
    const narrowed = await call('PATCH', `/api/invitations/${inv.id}`, { version: 1, target: { type: 'members', ids: 'a, late-joiner' } });
    expect(narrowed.status).toBe(200);
    const after = await get().db.all<{ id: string }>(sql`SELECT m.external_id AS id FROM participations p JOIN members m ON m.id = p.member_id WHERE invitation_seq = ${invitationSeq(inv.id)} ORDER BY 1`);
    expect(after.map((r) => r.id)).toEqual(['a', 'late-joiner']);
  });
});
