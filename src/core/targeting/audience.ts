// The targeting engine: one SQL description of "who would receive this invitation, and why not
// the others", used for the live preview (counts) and for resolving the audience (INSERT … SELECT).
// Everything runs set-based inside libSQL; no member list is ever loaded into JavaScript.
import { sql, type SQL } from 'drizzle-orm';
import type { Db } from '../../db/client.js';
import { chatInvitationSeqs, invitationSeq } from '../../db/invitation-seq.js';
import type { MessageChannel } from '../../db/schema.js';
import { loadAttributeSlots } from '../members/attribute-slots.js';
import { compileFilter, compileFilterSet, type CompileContext } from './filter/compile.js';
import { memberAtPlace, orderLength, placeOfMember, sampleOrder, type SampleOrder } from './sample.js';
import type { PoolTarget, Target } from './target.js';

export const exclusionReasons = [
  'unknown_id',
  'unsubscribed',
  'suppressed',
  'unreachable',
  'locale_mismatch',
  'already_completed',
  'invite_in_progress',
  'already_invited',
  'cooldown',
] as const;
export type ExclusionReason = (typeof exclusionReasons)[number];

export interface AudienceSpec {
  /** The invitation being targeted, whose own participations never exclude anyone. */
  invitationId: string | null;
  chatId: string;
  locale: string;
  channel: MessageChannel;
  target: Target;
  sameLocaleOnly: boolean;
  /** Effective cooldown: members invited (to any chat) within this many days are held back; 0 = off. */
  cooldownDays: number;
}

const DAY = 86_400_000;

const emailUsable = sql`(m.email IS NOT NULL AND m.email_opt_out_at IS NULL AND m.email_suppressed_at IS NULL)`;
const smsUsable = sql`(m.phone IS NOT NULL AND m.sms_opt_out_at IS NULL AND m.sms_suppressed_at IS NULL)`;

/** The channel each member would get: fixed, or their preference when it is usable, else the other usable one. */
function channelExpression(channel: MessageChannel): SQL {
  if (channel === 'email') return sql`'email'`;
  if (channel === 'sms') return sql`'sms'`;
  return sql`CASE WHEN m.preferred_channel = 'sms' AND ${smsUsable} THEN 'sms' WHEN ${emailUsable} THEN 'email' WHEN ${smsUsable} THEN 'sms' END`;
}

function reachabilityReason(channel: MessageChannel): SQL {
  if (channel === 'email') {
    return sql`WHEN m.email IS NULL THEN 'unreachable' WHEN m.email_opt_out_at IS NOT NULL THEN 'unsubscribed' WHEN m.email_suppressed_at IS NOT NULL THEN 'suppressed'`;
  }
  if (channel === 'sms') {
    return sql`WHEN m.phone IS NULL THEN 'unreachable' WHEN m.sms_opt_out_at IS NOT NULL THEN 'unsubscribed' WHEN m.sms_suppressed_at IS NOT NULL THEN 'suppressed'`;
  }
  return sql`WHEN NOT ${emailUsable} AND NOT ${smsUsable} THEN CASE
      WHEN m.email_opt_out_at IS NOT NULL OR m.sms_opt_out_at IS NOT NULL THEN 'unsubscribed'
      WHEN m.email_suppressed_at IS NOT NULL OR m.sms_suppressed_at IS NOT NULL THEN 'suppressed'
      ELSE 'unreachable' END`;
}

/**
 * Duplicates and over-surveying, from the member's other participations in one index range scan
 * (participations_member_idx): the smallest code wins, so completion outranks the rest. Most members
 * have no participation that matters, and an EXISTS that stops at the first one costs about half of
 * the full ranking (measured on 1M members with 3M participations: 0.9 s against 1.6 s), so the
 * ranking runs only for members who have one.
 */
function participationReason(spec: AudienceSpec, now: number): SQL {
  const self = spec.invitationId === null ? sql`NULL` : invitationSeq(spec.invitationId);
  const cooldownFrom = spec.cooldownDays > 0 ? now - spec.cooldownDays * DAY : now + 1;
  const others = sql`FROM participations p WHERE p.member_id = m.id AND p.invitation_seq IS NOT ${self}`;
  const sameChat = sql`p.invitation_seq IN ${chatInvitationSeqs(spec.chatId)}`;
  return sql`CASE WHEN EXISTS (SELECT 1 ${others} AND (${sameChat} OR p.targeted_at > ${cooldownFrom})) THEN (SELECT CASE min(CASE
        WHEN ${sameChat} AND p.completed_at IS NOT NULL THEN 1
        WHEN p.invitation_seq IN ${chatInvitationSeqs(spec.chatId, 'open')} THEN 2
        WHEN ${sameChat} THEN 3
        WHEN p.targeted_at > ${cooldownFrom} THEN 4 END)
      WHEN 1 THEN 'already_completed' WHEN 2 THEN 'invite_in_progress' WHEN 3 THEN 'already_invited' WHEN 4 THEN 'cooldown' END
    ${others}) END`;
}

function reasonExpression(spec: AudienceSpec, now: number): SQL {
  const locale = spec.sameLocaleOnly ? sql`WHEN m.preferred_locale IS NOT ${spec.locale} THEN 'locale_mismatch'` : sql``;
  return sql`CASE WHEN m.subscribed = 0 THEN 'unsubscribed' ${reachabilityReason(spec.channel)} ${locale}
    ELSE ${participationReason(spec, now)} END`;
}

/** What a filter is compiled against: the instant, and where each attribute is stored. */
async function evaluationAt(db: Db, now: number): Promise<CompileContext> {
  return { now, slots: await loadAttributeSlots(db) };
}

function poolPredicate(pool: PoolTarget, at: CompileContext): SQL {
  return pool.type === 'all' ? sql`1` : compileFilter(pool.filter, at);
}

/** The ids of the pool's members, from the indexes alone when the filter allows it. */
function poolIds(pool: PoolTarget, at: CompileContext): SQL {
  if (pool.type === 'all') return sql`SELECT id AS member_id FROM members`;
  return compileFilterSet(pool.filter, at) ?? sql`SELECT m.id AS member_id FROM members m WHERE ${compileFilter(pool.filter, at)}`;
}

function targetPredicate(target: Target, at: CompileContext): SQL {
  switch (target.type) {
    case 'members':
      return sql`m.external_id IN (SELECT value FROM json_each(${JSON.stringify(target.ids)}))`;
    case 'sample':
      return poolPredicate(target.from, at);
    default:
      return poolPredicate(target, at);
  }
}

/** Every member the target selects, with the channel they would get and why they are excluded (NULL: included). */
function candidates(spec: AudienceSpec, at: CompileContext, predicate: SQL = targetPredicate(spec.target, at)): SQL {
  return sql`SELECT m.id AS member_id, m.external_id, m.preferred_locale, m.time_zone,
      ${channelExpression(spec.channel)} AS channel, ${reasonExpression(spec, at.now)} AS reason
    FROM members m WHERE ${predicate}`;
}

/** The order a sample is drawn in; the first `limit` rows of it are the sample. */
function inSampleOrder(order: SampleOrder, limit: SQL | number): SQL {
  return sql`ORDER BY ${placeOfMember(order, sql`member_id`)} LIMIT ${limit}`;
}

/** The order `seed` puts the members table in as it is now (the id range depends on its highest id). */
async function sampleOrderNow(db: Db, seed: string): Promise<SampleOrder> {
  const [row] = await db.all<{ top: number | null }>(sql`SELECT max(id) AS top FROM members`);
  return sampleOrder(seed, row?.top ?? 0);
}

type SampleTarget = Extract<Target, { type: 'sample' }>;

/** The members who receive the invitation, of those `predicate` selects (for a sample, see walkedSample and scannedSample). */
function audience(spec: AudienceSpec, at: CompileContext, predicate?: SQL): SQL {
  return sql`SELECT * FROM (${candidates(spec, at, predicate)}) WHERE reason IS NULL`;
}

/** The members at the first `places` places of the order that the pool holds and the rules admit. */
function walkedCandidates(spec: AudienceSpec, target: SampleTarget, at: CompileContext, order: SampleOrder, places: number): SQL {
  const walked = sql`WITH RECURSIVE walk(place) AS (SELECT 0 UNION ALL SELECT place + 1 FROM walk WHERE place < ${places - 1})
    SELECT ${memberAtPlace(order, sql`place`)} FROM walk`;
  return audience(spec, at, sql`m.id IN (${walked}) AND ${poolPredicate(target.from, at)}`);
}

/**
 * A sample read from the front of the order: the members at its first `places` places, looked up
 * by id, judged, and the first `size` eligible kept, but only if there are `size` of them. Then it
 * is exactly the sample a full pass over the pool would draw; otherwise it is empty, and
 * storeAudience walks further or falls back to scannedSample.
 */
function walkedSample(spec: AudienceSpec, target: SampleTarget, at: CompileContext, order: SampleOrder, size: number, places: number): SQL {
  return sql`WITH sampled AS MATERIALIZED (SELECT * FROM (${walkedCandidates(spec, target, at, order, places)}) ${inSampleOrder(order, size)})
    SELECT * FROM sampled WHERE (SELECT count(*) FROM sampled) >= ${size}`;
}

/**
 * A sample without judging the whole pool: the pool is put in sample order first (from the
 * indexes alone when the filter is index-backed), and exclusion reasons are evaluated for its
 * first `prefix` members only. The result equals the full computation whenever that prefix holds
 * `size` eligible members, which storeAudience checks.
 */
function scannedSample(spec: AudienceSpec, target: SampleTarget, at: CompileContext, order: SampleOrder, size: number, prefix: number): SQL {
  const ordered = sql`SELECT member_id FROM (${poolIds(target.from, at)}) ${inSampleOrder(order, prefix)}`;
  return sql`${audience(spec, at, sql`m.id IN (SELECT member_id FROM (${ordered}))`)} ${inSampleOrder(order, size)}`;
}

export function sampleSizeFor(target: Target, poolSize: number): number | null {
  if (target.type !== 'sample') return null;
  if (target.size !== undefined) return Math.min(target.size, poolSize);
  return Math.min(poolSize, Math.round((poolSize * target.percent!) / 100));
}

export interface AudienceExample {
  id: string;
  preferredLocale: string | null;
  timeZone: string;
  channel: 'email' | 'sms';
}

export interface AudiencePreview {
  /** Members the target selects before exclusions (for an ID list: the IDs we know). */
  matched: number;
  /** Members who would receive the invitation. */
  audience: number;
  byLocale: Record<string, number>;
  byChannel: { email: number; sms: number };
  /**
   * Members per IANA time zone (what a member-local schedule opens by), largest first: every zone
   * up to MAX_PREVIEW_ZONES (IANA has about 600, a community a few hundred at most).
   */
  byTimeZone: Record<string, number>;
  excluded: Record<ExclusionReason, number>;
  /** For ID lists: the IDs left out, by reason (up to 1,000 each), so nothing is dropped silently. */
  excludedIds?: Partial<Record<ExclusionReason, string[]>>;
  sample?: { seed: string; poolSize: number; size: number };
  examples: AudienceExample[];
}

function emptyExclusions(): Record<ExclusionReason, number> {
  return Object.fromEntries(exclusionReasons.map((r) => [r, 0])) as Record<ExclusionReason, number>;
}

/** At most this many zones in a preview's byTimeZone (the largest; more than IANA has). */
export const MAX_PREVIEW_ZONES = 1000;

interface PreviewRow {
  kind: 'group' | 'included' | 'example' | 'excluded_id' | 'unknown_id';
  reason: ExclusionReason | null;
  preferred_locale: string | null;
  channel: 'email' | 'sms' | null;
  n: number | null;
  external_id: string | null;
  time_zone: string | null;
}

/**
 * One statement: the candidates are computed once (a materialized CTE), then counted by reason,
 * locale, channel and time zone, sampled and listed from it; recomputing them per question would
 * cost more than the questions. (sqld has no temporary tables, so a CTE it is.) Without a sample,
 * the audience's counts are the candidates' group without a reason: one sort of the candidates
 * instead of three (previewing all of 1M members: about 4.0 s against 5.2 s).
 */
export async function previewAudience(db: Db, spec: AudienceSpec, now: number, exampleCount = 5): Promise<AudiencePreview> {
  const at = await evaluationAt(db, now);
  const target = spec.target;
  const order = target.type === 'sample' ? await sampleOrderNow(db, target.seed) : null;
  const sampleLimit =
    target.type !== 'sample' ? null : target.size !== undefined ? target.size : sql`(SELECT CAST(round(count(*) * ${target.percent!} / 100.0) AS INTEGER) FROM c WHERE reason IS NULL)`;
  const idLists =
    target.type === 'members'
      ? sql`UNION ALL SELECT * FROM (SELECT 'excluded_id', reason, NULL, NULL, NULL, external_id, NULL FROM c WHERE reason IS NOT NULL ORDER BY reason, external_id)
        UNION ALL SELECT 'unknown_id', NULL, NULL, NULL, NULL, value, NULL FROM json_each(${JSON.stringify(target.ids)}) WHERE value NOT IN (SELECT external_id FROM members)`
      : sql``;
  // A sample's audience is a part of the pool (in sample order, cut to size), counted on its own;
  // any other audience is the candidates without a reason, counted with the rest, by zone too.
  const audienceOf = order
    ? {
        cte: sql`, included AS MATERIALIZED (SELECT * FROM c WHERE reason IS NULL ${inSampleOrder(order, sampleLimit!)})`,
        groupZone: { column: sql`NULL`, by: sql`` },
        counts: sql`UNION ALL SELECT 'included', NULL, preferred_locale, channel, count(*), NULL, time_zone FROM included GROUP BY preferred_locale, channel, time_zone`,
        rows: sql`included`,
      }
    : { cte: sql``, groupZone: { column: sql`time_zone`, by: sql`, time_zone` }, counts: sql``, rows: sql`c WHERE reason IS NULL` };
  const rows = await db.all<PreviewRow>(sql`WITH c AS MATERIALIZED (${candidates(spec, at)})${audienceOf.cte}
    SELECT 'group' AS kind, reason, preferred_locale, channel, count(*) AS n, NULL AS external_id, ${audienceOf.groupZone.column} AS time_zone
      FROM c GROUP BY reason, preferred_locale, channel${audienceOf.groupZone.by}
    ${audienceOf.counts}
    UNION ALL SELECT * FROM (SELECT 'example', NULL, preferred_locale, channel, NULL, external_id, time_zone FROM ${audienceOf.rows} LIMIT ${exampleCount})
    ${idLists}`);
  const of = (kind: PreviewRow['kind']) => rows.filter((r) => r.kind === kind);
  const counted = (kind: 'group' | 'included') => of(kind).map((r) => ({ ...r, n: r.n ?? 0 }));
  const groups = counted('group');
  const audienceGroups = order ? counted('included') : groups.filter((r) => r.reason === null);
  const examples = of('example').map((r) => ({ external_id: r.external_id!, preferred_locale: r.preferred_locale, time_zone: r.time_zone!, channel: r.channel! }));
  const idReport = of('excluded_id').map((r) => ({ reason: r.reason!, external_id: r.external_id! }));
  const unknownIds = of('unknown_id').map((r) => ({ value: r.external_id! }));
  const preview: AudiencePreview = {
    matched: 0,
    audience: 0,
    byLocale: {},
    byChannel: { email: 0, sms: 0 },
    byTimeZone: {},
    excluded: emptyExclusions(),
    examples: examples.map((r) => ({ id: r.external_id, preferredLocale: r.preferred_locale, timeZone: r.time_zone, channel: r.channel })),
  };
  let pool = 0;
  for (const row of groups) {
    preview.matched += row.n;
    if (row.reason) preview.excluded[row.reason] += row.n;
    else pool += row.n;
  }
  const zones = new Map<string, number>();
  for (const row of audienceGroups) {
    preview.audience += row.n;
    const locale = row.preferred_locale ?? 'none';
    preview.byLocale[locale] = (preview.byLocale[locale] ?? 0) + row.n;
    if (row.channel) preview.byChannel[row.channel] += row.n;
    const zone = row.time_zone ?? 'UTC';
    zones.set(zone, (zones.get(zone) ?? 0) + row.n);
  }
  // Largest first, then by name; at most MAX_PREVIEW_ZONES.
  const byCount = [...zones].sort(([za, a], [zb, b]) => b - a || (za < zb ? -1 : za > zb ? 1 : 0));
  for (const [zone, n] of byCount.slice(0, MAX_PREVIEW_ZONES)) preview.byTimeZone[zone] = n;
  if (target.type === 'sample') preview.sample = { seed: target.seed, poolSize: pool, size: preview.audience };
  if (target.type === 'members') {
    preview.excluded.unknown_id = unknownIds.length;
    const excludedIds: Partial<Record<ExclusionReason, string[]>> = {};
    if (unknownIds.length > 0) excludedIds.unknown_id = unknownIds.slice(0, ID_REPORT_LIMIT).map((r) => r.value);
    for (const row of idReport) {
      const list = (excludedIds[row.reason] ??= []);
      if (list.length < ID_REPORT_LIMIT) list.push(row.external_id);
    }
    preview.excludedIds = excludedIds;
  }
  return preview;
}

const ID_REPORT_LIMIT = 1000;

/** Size of the eligible pool, needed before a percent sample can be drawn. */
export async function eligiblePoolSize(db: Db, spec: AudienceSpec, now: number): Promise<number> {
  return countEligible(db, spec, await evaluationAt(db, now));
}

async function countEligible(db: Db, spec: AudienceSpec, at: CompileContext): Promise<number> {
  const [row] = await db.all<{ n: number }>(sql`SELECT count(*) AS n FROM (${audience(spec, at)})`);
  return row?.n ?? 0;
}

/**
 * Stores the audience of an invitation as participations (their link tokens come later: see mintTokens).
 * Set-based: one INSERT … SELECT, or for a sample a few (see storeSample). `guard`, when given,
 * must hold for anything to be written (e.g. "the invitation still has the version I edited").
 * Returns the number of members stored.
 */
export async function storeAudience(db: Db, spec: AudienceSpec & { invitationId: string }, now: number, guard: SQL = sql`1`): Promise<number> {
  const insert = async (select: SQL) =>
    (
      await db.run(sql`INSERT INTO participations (invitation_seq, member_id, channel, targeted_at)
        SELECT ${invitationSeq(spec.invitationId)}, member_id, channel, ${now}
        FROM (${select}) WHERE ${guard}`)
    ).rowsAffected;
  const target = spec.target;
  const at = await evaluationAt(db, now);
  if (target.type !== 'sample') return insert(audience(spec, at));
  const size = target.size ?? sampleSizeFor(target, await countEligible(db, spec, at))!;
  if (size === 0) return 0;
  return storeSample(db, spec, target, at, size, insert);
}

/**
 * Walking the order costs an id lookup per place, reading the pool in order a pass over every
 * member: past this many places per member, the pass is cheaper. Counted in members, not in the
 * id range, which deleted members leave sparse.
 */
const WALK_SHARE_LIMIT = 1 / 8;

/**
 * A sample is drawn by walking the order from the front (walkedSample): far enough for `size`
 * members if every member were an eligible pool member, then, if too few were, as far again as
 * the share found says. A pool too sparse for that (a narrow filter, or most members
 * excluded) is read whole instead (scannedSample). Every way gives the same members: the first
 * `size` eligible ones.
 */
async function storeSample(db: Db, spec: AudienceSpec & { invitationId: string }, target: SampleTarget, at: CompileContext, size: number, insert: (select: SQL) => Promise<number>): Promise<number> {
  const [table] = await db.all<{ top: number | null; n: number }>(sql`SELECT max(id) AS top, count(*) AS n FROM members`);
  const order = sampleOrder(target.seed, table?.top ?? 0);
  const members = Math.max(1, table?.n ?? 0);
  const length = orderLength(order);
  for (let places = Math.ceil((size * 1.25 * length) / members) + 32; places < members * WALK_SHARE_LIMIT; ) {
    const stored = await insert(walkedSample(spec, target, at, order, size, places));
    if (stored > 0) return stored;
    const [found] = await db.all<{ n: number }>(sql`SELECT count(*) AS n FROM (${walkedCandidates(spec, target, at, order, places)})`);
    const eligible = found?.n ?? 0;
    if (eligible >= size) return 0; // the walk was long enough: `guard` refused the write
    places = eligible > 0 ? Math.ceil((places * size * 1.25) / eligible) + 32 : places * 16;
  }
  for (let prefix = Math.ceil(size * 1.25) + 100; ; prefix *= 4) {
    const stored = await insert(scannedSample(spec, target, at, order, size, prefix));
    if (stored >= size) return stored;
    const [pool] = await db.all<{ n: number }>(sql`SELECT count(*) AS n FROM members m WHERE ${poolPredicate(target.from, at)}`);
    if (prefix >= (pool?.n ?? 0)) return stored; // the whole pool was judged: fewer eligible members than asked
    await db.run(sql`DELETE FROM participations WHERE invitation_seq = ${invitationSeq(spec.invitationId)}`);
  }
}

/**
 * Gives every participation of an invitation that has none its personal link token: 128 random
 * bits from libSQL's CSPRNG (randomblob), as hex, in one statement. The runner calls it when the
 * invitation opens, once for the whole audience: minting batch by batch as messages went out cost
 * 7 ms of every 500-message claim (measured on 100,000), a third of a send's database time.
 * Tokens already minted are kept (a link, once sent, stays valid). `guard` as in storeAudience.
 */
export async function mintTokens(db: Db, invitationId: string, guard: SQL = sql`1`): Promise<void> {
  await db.run(sql`UPDATE participations SET token = lower(hex(randomblob(16)))
    WHERE invitation_seq = ${invitationSeq(invitationId)} AND token IS NULL AND ${guard}`);
}
