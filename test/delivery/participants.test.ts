// Personal links, unsubscribe and completions over HTTP, after a real send through the runner.
import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, beforeEach, expect, it } from 'vitest';
import { getInvitation, invitationCounts } from '../../src/core/invitations/service.js';
import type { InvitationCreateInput } from '../../src/core/invitations/input.js';
import { hmacSha256Hex } from '../../src/http/hmac.js';
import { clearTables, manualClock, TEST_API_TOKEN, testApp } from '../support/app.js';
import { member, seedChats, seedMembers } from '../support/community.js';
import { describeEachDatabase } from '../support/databases.js';
import { startFakePostmark, type FakePostmark } from '../support/fake-postmark.js';
import { startFakeTwilio, type FakeTwilio } from '../support/fake-twilio.js';
import { sendInvitation } from '../support/invitations.js';
import { fakeProviders } from '../support/runner.js';

let postmark: FakePostmark;
let twilio: FakeTwilio;
beforeAll(async () => {
  [postmark, twilio] = await Promise.all([startFakePostmark(), startFakeTwilio()]);
});
afterAll(async () => {
  await Promise.all([postmark.close(), twilio.close()]);
});

describeEachDatabase('participant links and completions', (get) => {
  const clock = manualClock('2026-12-01T12:00:00Z');
  const http = () => testApp(get().db, clock);

  beforeEach(async () => {
    clock.set('2026-12-01T12:00:00Z');
    postmark.reset();
    await clearTables(get().db);
    await seedChats(get().db, clock.now());
    await seedMembers(get().db, [member('ana', { preferredLocale: 'fr-CA' }), member('ben'), member('chloe'), member('dev')], clock.now());
  });

  /** Creates and sends an invitation; returns it and each member's personal token. */
  const sent = (overrides: Partial<InvitationCreateInput> = {}) => sendInvitation(get().db, clock, fakeProviders(postmark, twilio), { name: 'Links', locale: 'fr-CA', ...overrides });

  async function complete(body: unknown, secret = TEST_API_TOKEN) {
    const raw = JSON.stringify(body);
    return http().call('POST', '/api/completions', raw, { 'x-signature': `sha256=${await hmacSha256Hex(secret, raw)}`, authorization: '' });
  }

  it('a personal link records the click and redirects to the chat of the engagement locale with the participant id', async () => {
    const { invitation, tokens } = await sent();
    const res = await http().app.request(`/i/${tokens.ben}`);
    expect(res.status).toBe(302);
    const location = new URL(res.headers.get('location')!);
    expect(`${location.origin}${location.pathname}`).toBe('https://chats.example.com/feedback/fr');
    expect(location.searchParams.get('pid')).toBe(tokens.ben);
    expect(location.searchParams.get('locale')).toBe('fr-CA');
    expect(res.headers.get('cache-control')).toBe('no-store');
    expect((await invitationCounts(get().db, invitation.id)).clicked).toBe(1);
  });

  it('an unknown or malformed token gets a 404 page that says nothing about members', async () => {
    await sent();
    for (const token of ['0'.repeat(32), 'not-a-token', 'ben']) {
      const res = await http().app.request(`/i/${token}`, { headers: { 'accept-language': 'fr-CA,fr;q=0.9' } });
      expect(res.status).toBe(404);
      const page = await res.text();
      expect(page).toContain('Lien introuvable');
      expect(page).not.toContain('ben');
    }
  });

  it('counts one completion per member, closes at the response limit, and flags later completions', async () => {
    const { invitation, tokens } = await sent({ responseLimit: 2 });
    const first = await complete({ token: tokens.ana });
    expect(first.status).toBe(200);
    expect(first.body).toMatchObject({ invitationId: invitation.id, outcome: 'counted', closedInvitation: false });
    expect((await complete({ token: tokens.ana })).body.outcome).toBe('duplicate');
    const second = await complete({ token: tokens.ben, completedAt: '2026-12-01T12:30:00Z' });
    expect(second.body).toMatchObject({ outcome: 'counted', closedInvitation: true });
    const closed = await getInvitation(get().db, invitation.id);
    expect(closed).toMatchObject({ status: 'closed', closeReason: 'response_limit', completedCount: 2 });

    // Later links show the closed page, in the invitation's locale and branding.
    const page = await http().app.request(`/i/${tokens.chloe}`);
    expect(page.status).toBe(410);
    const text = await page.text();
    expect(text).toContain('Cette conversation est terminée');
    expect(text).toContain('lang="fr-CA"');

    const late = await complete({ token: tokens.chloe });
    expect(late.body.outcome).toBe('after_close');
    const counts = await invitationCounts(get().db, invitation.id);
    expect(counts).toMatchObject({ completed: 3, completedAfterClose: 1 });
    expect((await getInvitation(get().db, invitation.id)).completedCount).toBe(2);
  });

  it('refuses completions without a valid signature, and names the bad field', async () => {
    const { tokens } = await sent();
    expect((await complete({ token: tokens.ana }, 'wrong-secret-wrong-secret')).status).toBe(401);
    const unsigned = await http().call('POST', '/api/completions', JSON.stringify({ token: tokens.ana }), { authorization: '' });
    expect(unsigned.status).toBe(401);
    const bad = await complete({ token: 'abc' });
    expect(bad.status).toBe(422);
    expect(bad.body.errors[0].path).toBe('token');
    expect((await complete({ token: '0'.repeat(32) })).status).toBe(404);
    expect((await complete({ token: tokens.ana, completedAt: 'yesterday' })).body.errors[0].path).toBe('completedAt');
  });

  it('unsubscribes in one click (RFC 8058) and the member gets nothing more', async () => {
    const { tokens } = await sent();
    const pageRes = await http().app.request(`/u/${tokens.ana}`);
    expect(pageRes.status).toBe(200);
    const page = await pageRes.text();
    expect(page).toContain('Me désabonner');
    expect(page).toContain(`action="/u/${tokens.ana}"`);
    const res = await http().app.request(`/u/${tokens.ana}`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: 'List-Unsubscribe=One-Click',
    });
    expect(res.status).toBe(200);
    expect(await res.text()).toContain('Vous êtes désabonné');
    const [row] = await get().db.all<{ subscribed: number }>(sql`SELECT subscribed FROM members WHERE external_id = 'ana'`);
    expect(row!.subscribed).toBe(0);
  });
});
