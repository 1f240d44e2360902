import { sql } from 'drizzle-orm';
import { beforeAll, expect, it } from 'vitest';
import { mintTokens, previewAudience, storeAudience, type AudienceSpec } from '../../src/core/targeting/audience.js';
import { normalizeTarget, type TargetInput } from '../../src/core/targeting/target.js';
import { invitationSeq } from '../../src/db/invitation-seq.js';
import { invitations } from '../../src/db/schema.js';
import type { Db } from '../../src/db/client.js';
import { describeEachDatabase } from '../support/databases.js';
import { clearTables } from '../support/app.js';
import { member, seedChats, seedMembers } from '../support/community.js';

const NOW = Date.parse('2026-12-01T12:00:00Z');
const DAY = 86_400_000;

async function pastInvitation(db: Db, id: string, chatId: string, status: 'open' | 'closed' | 'scheduled') {
  await db.insert(invitations).values({
    id, chatId, name: id, locale: 'en-US', scheduleMode: 'fixed', timeZone: 'UTC', opensAt: NOW - 40 * DAY, closesAt: NOW + DAY,
    target: { type: 'all' }, channel: 'email', createdBy: 'test', status, createdAt: NOW - 40 * DAY, updatedAt: NOW - 40 * DAY,
  });
}

async function participate(db: Db, invitationId: string, memberId: string, targetedAt: number, completedAt: number | null = null) {
  await db.run(sql`INSERT INTO participations (invitation_seq, member_id, token, channel, targeted_at, completed_at)
    SELECT ${invitationSeq(invitationId)}, id, lower(hex(randomblob(16))), 'email', ${targetedAt}, ${completedAt} FROM members WHERE external_id = ${memberId}`);
}

function spec(target: TargetInput, overrides: Partial<AudienceSpec> = {}): AudienceSpec {
  return { invitationId: null, chatId: 'onboarding', locale: 'en-US', channel: 'email', target: normalizeTarget(target), sameLocaleOnly: false, cooldownDays: 7, ...overrides };
}

describeEachDatabase('targeting engine', (get) => {
  beforeAll(async () => {
    const { db } = get();
    await clearTables(db);
    await seedChats(db, NOW);
    await seedMembers(db, [
      member('ok-1', { attributes: { country: 'CA', age: 30 } }),
      member('ok-2', { attributes: { country: 'US', age: 17 } }),
      member('unsub', { subscribed: false }),
      member('no-email', { email: null, phone: '+15145550101' }),
      member('opted-out'),
      member('bounced'),
      member('fr', { preferredLocale: 'fr-CA', attributes: { country: 'CA' } }),
      member('done'),
      member('in-progress'),
      member('invited-before'),
      member('recent-other-chat'),
      member('old-other-chat'),
      member('sms-fan', { preferredChannel: 'sms', phone: '+15145550102' }),
    ], NOW);
    await db.run(sql`UPDATE members SET email_opt_out_at = ${NOW - DAY} WHERE external_id = 'opted-out'`);
    await db.run(sql`UPDATE members SET email_suppressed_at = ${NOW - DAY}, email_suppression_reason = 'HardBounce' WHERE external_id = 'bounced'`);
    await pastInvitation(db, 'inv_closedonboarding', 'onboarding', 'closed');
    await pastInvitation(db, 'inv_openonboarding0', 'onboarding', 'open');
    await pastInvitation(db, 'inv_feedbackclosed0', 'feedback', 'closed');
    await participate(db, 'inv_closedonboarding', 'done', NOW - 30 * DAY, NOW - 29 * DAY);
    await participate(db, 'inv_closedonboarding', 'invited-before', NOW - 30 * DAY);
    await participate(db, 'inv_openonboarding0', 'in-progress', NOW - 20 * DAY);
    await participate(db, 'inv_feedbackclosed0', 'recent-other-chat', NOW - 2 * DAY);
    await participate(db, 'inv_feedbackclosed0', 'old-other-chat', NOW - 30 * DAY);
  });

  it('gives every excluded member one reason and counts them', async () => {
    const preview = await previewAudience(get().db, spec({ type: 'all' }, { sameLocaleOnly: true }), NOW, 20);
    expect(preview.excluded).toEqual({
      unknown_id: 0,
      unsubscribed: 2,
      suppressed: 1,
      unreachable: 1,
      locale_mismatch: 1,
      already_completed: 1,
      invite_in_progress: 1,
      already_invited: 1,
      cooldown: 1,
    });
    expect(preview.matched).toBe(13);
    expect(preview.audience).toBe(4);
    expect(preview.examples.map((e) => e.id).sort()).toEqual(['ok-1', 'ok-2', 'old-other-chat', 'sms-fan']);
    expect(preview.byLocale).toEqual({ 'en-US': 4 });
    expect(preview.byChannel).toEqual({ email: 4, sms: 0 });
    expect(preview.byTimeZone).toEqual({ 'America/Toronto': 4 });
  });

  it("applies the member's channel preference and the cooldown override", async () => {
    const pref = await previewAudience(get().db, spec({ type: 'all' }, { channel: 'preference', cooldownDays: 0 }), NOW, 20);
    expect(pref.excluded.cooldown).toBe(0);
    expect(pref.excluded.unreachable).toBe(0);
    expect(pref.byChannel).toEqual({ email: 5, sms: 2 });
    const sms = await previewAudience(get().db, spec({ type: 'all' }, { channel: 'sms' }), NOW);
    expect(sms.excluded.unreachable).toBe(10);
    expect(sms.audience).toBe(2);
  });

  it('reports unknown and excluded IDs of a pasted list instead of dropping them', async () => {
    const preview = await previewAudience(get().db, spec({ type: 'members', ids: 'ok-1, unsub\nghost  done ok-1' }), NOW);
    expect(preview.audience).toBe(1);
    expect(preview.matched).toBe(3);
    expect(preview.excluded.unknown_id).toBe(1);
    expect(preview.excludedIds).toEqual({ unknown_id: ['ghost'], unsubscribed: ['unsub'], already_completed: ['done'] });
  });

  it('targets a text filter and a JSON filter identically', async () => {
    const text = await previewAudience(get().db, spec({ type: 'filter', expression: 'country = "CA" and age >= 18' }), NOW, 20);
    const json = await previewAudience(
      get().db,
      spec({ type: 'filter', filter: { type: 'and', conditions: [{ type: 'field', field: 'country', op: 'eq', value: 'CA' }, { type: 'field', field: 'age', op: 'gte', value: 18 }] } }),
      NOW,
      20,
    );
    expect(text.examples.map((e) => e.id)).toEqual(['ok-1']);
    expect(json).toEqual(text);
  });

  it('stores the audience, then mints a distinct random 128-bit link token per member', async () => {
    const { db } = get();
    await pastInvitation(db, 'inv_resolvetest0000', 'onboarding', 'scheduled');
    const s = { ...spec({ type: 'all' }), invitationId: 'inv_resolvetest0000' };
    expect(await storeAudience(db, s, NOW)).toBe(5);
    const tokensNow = async () =>
      (await db.all<{ member_id: number; token: string | null; targeted_at: number }>(
        sql`SELECT member_id, token, targeted_at FROM participations WHERE invitation_seq = ${invitationSeq('inv_resolvetest0000')} ORDER BY member_id`,
      ));
    expect((await tokensNow()).map((r) => [r.token, r.targeted_at])).toEqual(Array(5).fill([null, NOW]));
    // One token already minted is kept.
    const first = (await tokensNow())[0]!.member_id;
    await db.run(sql`UPDATE participations SET token = ${'a'.repeat(32)} WHERE member_id = ${first} AND invitation_seq = ${invitationSeq('inv_resolvetest0000')}`);
    await mintTokens(db, 'inv_resolvetest0000');
    const tokens = (await tokensNow()).map((r) => r.token!);
    expect(tokens[0]).toBe('a'.repeat(32));
    expect(new Set(tokens).size).toBe(5);
    for (const t of tokens) expect(t).toMatch(/^[0-9a-f]{32}$/);
    // A guard that does not hold mints nothing.
    await db.run(sql`UPDATE participations SET token = NULL WHERE member_id = ${first}`);
    await mintTokens(db, 'inv_resolvetest0000', sql`0`);
    expect((await tokensNow())[0]!.token).toBeNull();
    // The invitation's own participations do not exclude its members from its own preview...
    expect((await previewAudience(db, s, NOW)).audience).toBe(5);
    // ...but another invitation of the same chat now sees them as already invited.
    expect((await previewAudience(db, spec({ type: 'all' }), NOW)).excluded.already_invited).toBe(6);
    await db.run(sql`DELETE FROM participations WHERE invitation_seq = ${invitationSeq('inv_resolvetest0000')}`);
    await db.run(sql`DELETE FROM invitations WHERE id = 'inv_resolvetest0000'`);
  });
});

describeEachDatabase('audience by time zone', (get) => {
  beforeAll(async () => {
    const { db } = get();
    await clearTables(db);
    await seedChats(db, NOW);
    await seedMembers(db, [
      member('tor-1'),
      member('tor-2', { attributes: { country: 'CA' } }),
      member('tor-3', { preferredLocale: 'fr-CA' }),
      member('par-1', { timezone: 'Europe/Paris', attributes: { country: 'FR' } }),
      member('par-2', { timezone: 'Europe/Paris', attributes: { country: 'FR' } }),
      member('tok-1', { timezone: 'Asia/Tokyo', attributes: { country: 'JP' } }),
      // Left out: never counted in a zone.
      member('tok-unsub', { timezone: 'Asia/Tokyo', subscribed: false }),
      member('syd-unsub', { timezone: 'Australia/Sydney', subscribed: false }),
    ], NOW);
  });

  it('counts the audience per IANA zone, largest first, alongside the other breakdowns', async () => {
    const preview = await previewAudience(get().db, spec({ type: 'all' }), NOW);
    expect(preview.audience).toBe(6);
    expect(preview.excluded.unsubscribed).toBe(2);
    expect(preview.byTimeZone).toEqual({ 'America/Toronto': 3, 'Europe/Paris': 2, 'Asia/Tokyo': 1 });
    expect(Object.keys(preview.byTimeZone)).toEqual(['America/Toronto', 'Europe/Paris', 'Asia/Tokyo']);
    expect(preview.byLocale).toEqual({ 'en-US': 5, 'fr-CA': 1 });
    // Exclusions apply before the zones are counted.
    const sameLocale = await previewAudience(get().db, spec({ type: 'all' }, { sameLocaleOnly: true }), NOW);
    expect(sameLocale.byTimeZone).toEqual({ 'America/Toronto': 2, 'Europe/Paris': 2, 'Asia/Tokyo': 1 });
  });

  it('counts only the members a filter, an ID list or a sample selects', async () => {
    const db = get().db;
    expect((await previewAudience(db, spec({ type: 'filter', expression: 'country = "FR" or country = "JP"' }), NOW)).byTimeZone).toEqual({ 'Europe/Paris': 2, 'Asia/Tokyo': 1 });
    expect((await previewAudience(db, spec({ type: 'members', ids: 'tok-1 tok-unsub tor-2 ghost' }), NOW)).byTimeZone).toEqual({ 'America/Toronto': 1, 'Asia/Tokyo': 1 });
    const sample = await previewAudience(db, spec({ type: 'sample', size: 4, seed: 'zones' }), NOW, 10);
    const sampledZones: Record<string, number> = {};
    for (const e of sample.examples) sampledZones[e.timeZone] = (sampledZones[e.timeZone] ?? 0) + 1;
    expect(sample.byTimeZone).toEqual(sampledZones);
    expect(Object.values(sample.byTimeZone).reduce((a, b) => a + b, 0)).toBe(4);
    expect((await previewAudience(db, spec({ type: 'filter', expression: 'country = "XX"' }), NOW)).byTimeZone).toEqual({});
  });
});

describeEachDatabase('random samples', (get) => {
  const N = 200;
  beforeAll(async () => {
    const { db } = get();
    await clearTables(db);
    await seedChats(db, NOW);
    await seedMembers(db, Array.from({ length: N }, (_, i) => member(`s-${String(i).padStart(3, '0')}`, { attributes: { even: i % 2 === 0 } })), NOW);
  });

  /** The sampled members, as the preview lists them (its examples come from the same sampled set). */
  async function draw(target: TargetInput): Promise<string[]> {
    const preview = await previewAudience(get().db, spec(target), NOW, 1000);
    expect(preview.examples).toHaveLength(preview.audience);
    return preview.examples.map((e) => e.id).sort();
  }

  it('draws exactly N or P percent, reproducibly for a seed', async () => {
    const a = await draw({ type: 'sample', size: 25, seed: 'alpha' });
    const b = await draw({ type: 'sample', size: 25, seed: 'alpha' });
    const c = await draw({ type: 'sample', size: 25, seed: 'beta' });
    expect(a).toHaveLength(25);
    expect(b).toEqual(a);
    expect(c).not.toEqual(a);
    expect(await draw({ type: 'sample', percent: 10, seed: 'alpha' })).toHaveLength(20);
    const fromFilter = await draw({ type: 'sample', size: 30, seed: 'gamma', from: { type: 'filter', expression: 'even = true' } });
    expect(fromFilter).toHaveLength(30);
    for (const id of fromFilter) expect(Number(id.slice(2)) % 2).toBe(0);
    expect(await draw({ type: 'sample', size: 5000, seed: 'alpha' })).toHaveLength(N);
  });

  it('selects every member with equal probability (chi-square over 200 seeds)', async () => {
    const counts = new Map<string, number>();
    const draws = 200;
    const k = 20;
    for (let i = 0; i < draws; i++) {
      for (const id of await draw({ type: 'sample', size: k, seed: `seed-${i}` })) counts.set(id, (counts.get(id) ?? 0) + 1);
    }
    const expected = (draws * k) / N;
    let chi2 = 0;
    for (let i = 0; i < N; i++) {
      const observed = counts.get(`s-${String(i).padStart(3, '0')}`) ?? 0;
      chi2 += (observed - expected) ** 2 / expected;
    }
    // 199 degrees of freedom: the 99.9th percentile is about 272.
    expect(chi2).toBeLessThan(272);
  });
});

describeEachDatabase('stored samples', (get) => {
  beforeAll(async () => {
    const { db } = get();
    await clearTables(db);
    await seedChats(db, NOW);
    // 90% unsubscribed: the head of the sample order holds few eligible members, forcing a longer prefix.
    await seedMembers(db, Array.from({ length: 300 }, (_, i) => member(`u-${i}`, { subscribed: i % 10 === 0 })), NOW);
  });

  async function stored(target: TargetInput, invitationId: string): Promise<string[]> {
    await get().db.run(sql`DELETE FROM participations`); // each test draws from the same, untouched pool
    await pastInvitation(get().db, invitationId, 'feedback', 'scheduled');
    await storeAudience(get().db, { ...spec(target, { chatId: 'feedback' }), invitationId }, NOW);
    const rows = await get().db.all<{ id: string }>(sql`SELECT m.external_id AS id FROM participations p JOIN members m ON m.id = p.member_id WHERE p.invitation_seq = ${invitationSeq(invitationId)}`);
    return rows.map((r) => r.id).sort();
  }

  it('stores exactly the sample the preview shows, even when exclusions crowd the head of the order', async () => {
    const target: TargetInput = { type: 'sample', size: 25, seed: 'crowded' };
    const preview = await previewAudience(get().db, spec(target, { chatId: 'feedback' }), NOW, 1000);
    expect(preview.audience).toBe(25);
    expect(await stored(target, 'inv_storedsample01')).toEqual(preview.examples.map((e) => e.id).sort());
  });

  it('stores the whole eligible pool when it is smaller than the sample size', async () => {
    expect(await stored({ type: 'sample', size: 100, seed: 'small' }, 'inv_storedsample02')).toHaveLength(30);
  });

  it('draws a percent of the eligible pool', async () => {
    expect(await stored({ type: 'sample', percent: 50, seed: 'half' }, 'inv_storedsample03')).toHaveLength(15);
  });
});

describeEachDatabase('samples walked from the front of the order', (get) => {
  // 2,000 members: ids up to 2,000, an order over 2,048 places, and walks shorter than an eighth
  // of the members (250 places) before storeAudience falls back to reading the whole pool.
  beforeAll(async () => {
    const { db } = get();
    await clearTables(db);
    await seedChats(db, NOW);
    await seedMembers(db, Array.from({ length: 2000 }, (_, i) => member(`w-${i}`, { attributes: { bucket: i % 100 } })), NOW);
  });

  async function storedAndPreviewed(target: TargetInput, invitationId: string, guard?: ReturnType<typeof sql>): Promise<{ stored: string[]; previewed: string[]; count: number }> {
    const { db } = get();
    await pastInvitation(db, invitationId, 'feedback', 'scheduled');
    const s = { ...spec(target, { chatId: 'feedback' }), invitationId };
    const preview = await previewAudience(db, s, NOW, 1000);
    const count = await storeAudience(db, s, NOW, guard);
    const rows = await db.all<{ id: string }>(sql`SELECT m.external_id AS id FROM participations p JOIN members m ON m.id = p.member_id WHERE p.invitation_seq = ${invitationSeq(invitationId)}`);
    return { stored: rows.map((r) => r.id).sort(), previewed: preview.examples.map((e) => e.id).sort(), count };
  }

  it('stores the same members as a pass over the whole pool, however far the walk has to go', async () => {
    // Every member is in the pool: the first walk (about 58 places) finds 20.
    const all = await storedAndPreviewed({ type: 'sample', size: 20, seed: 'walk-all' }, 'inv_walkall0000000');
    // A quarter of them: the first walk finds about 14, the second goes far enough.
    const quarter = await storedAndPreviewed({ type: 'sample', size: 20, seed: 'walk-quarter', from: { type: 'filter', expression: 'bucket < 25' } }, 'inv_walkquarter000');
    // 2% of them: walking far enough would pass 256 places, so the pool is read whole.
    const narrow = await storedAndPreviewed({ type: 'sample', size: 10, seed: 'walk-narrow', from: { type: 'filter', expression: 'bucket < 2' } }, 'inv_walknarrow0000');
    for (const [result, size] of [[all, 20], [quarter, 20], [narrow, 10]] as const) {
      expect(result.count).toBe(size);
      expect(result.stored).toHaveLength(size);
      expect(result.stored).toEqual(result.previewed);
    }
    for (const id of quarter.stored) expect(Number(id.slice(2)) % 100).toBeLessThan(25);
    for (const id of narrow.stored) expect(Number(id.slice(2)) % 100).toBeLessThan(2);
  });

  it('reads the pool whole when ids are sparse, instead of walking a huge id range', async () => {
    const { db } = get();
    // One member moved to id 2^30: the order now spans 2^31 places, of which 2,000 hold a member.
    await db.run(sql`UPDATE members SET id = ${2 ** 30} WHERE external_id = 'w-1999'`);
    const started = Date.now();
    const sparse = await storedAndPreviewed({ type: 'sample', size: 20, seed: 'walk-sparse' }, 'inv_walksparse0000');
    expect(sparse.count).toBe(20);
    expect(sparse.stored).toEqual(sparse.previewed);
    // Walking 2^31 / 2,000 places per member sampled would take minutes.
    expect(Date.now() - started).toBeLessThan(10_000);
    await db.run(sql`UPDATE members SET id = 2000 WHERE external_id = 'w-1999'`);
  });

  it('writes nothing, and stops, when the guard refuses a walk that was long enough', async () => {
    const result = await storedAndPreviewed({ type: 'sample', size: 20, seed: 'walk-guard' }, 'inv_walkguard00000', sql`0`);
    expect(result.count).toBe(0);
    expect(result.stored).toEqual([]);
  });
});
