// The targeting engine: one SQL description of "who would receive this invitation, and why not
// the others", used for the live preview (counts) and for resolving the audience (INSERT … SELECT).
// Everything runs set-based inside libSQL; no member list is ever loaded into JavaScript.
import { sql, type SQL } from 'drizzle-orm';
import type { Db } from '../../db/client.js';
import type { MessageChannel } from '../../db/schema.js';
import { compileFilter } from './filter/compile.js';
import { sampleKey } from './sample.js';
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
 * (participations_member_idx): the smallest code wins, so completion outranks the rest.
 */
function participationReason(spec: AudienceSpec, now: number): SQL {
  const self = spec.invitationId ?? '';
  const cooldownFrom = spec.cooldownDays > 0 ? now - spec.cooldownDays * DAY : now + 1;
  return sql`(SELECT CASE min(CASE
        WHEN p.chat_id = ${spec.chatId} AND p.completed_at IS NOT NULL THEN 1
        WHEN p.chat_id = ${spec.chatId} AND p.invitation_id IN (SELECT id FROM invitations WHERE chat_id = ${spec.chatId} AND status = 'open') THEN 2
        WHEN p.chat_id = ${spec.chatId} THEN 3
        WHEN p.targeted_at > ${cooldownFrom} THEN 4 END)
      WHEN 1 THEN 'already_completed' WHEN 2 THEN 'invite_in_progress' WHEN 3 THEN 'already_invited' WHEN 4 THEN 'cooldown' END
    FROM participations p WHERE p.member_id = m.id AND p.invitation_id <> ${self})`;
}

function reasonExpression(spec: AudienceSpec, now: number): SQL {
  const locale = spec.sameLocaleOnly ? sql`WHEN m.preferred_locale IS NOT ${spec.locale} THEN 'locale_mismatch'` : sql``;
  return sql`CASE WHEN m.subscribed = 0 THEN 'unsubscribed' ${reachabilityReason(spec.channel)} ${locale}
    ELSE ${participationReason(spec, now)} END`;
}

function poolPredicate(pool: PoolTarget, now: number): SQL {
  return pool.type === 'all' ? sql`1` : compileFilter(pool.filter, { now });
}

function targetPredicate(target: Target, now: number): SQL {
  switch (target.type) {
    case 'members':
      return sql`m.external_id IN (SELECT value FROM json_each(${JSON.stringify(target.ids)}))`;
    case 'sample':
      return poolPredicate(target.from, now);
    default:
      return poolPredicate(target, now);
  }
}

/** Every member the target selects, with the channel they would get and why they are excluded (NULL: included). */
function candidates(spec: AudienceSpec, now: number): SQL {
  return sql`SELECT m.id AS member_id, m.external_id, m.preferred_locale, m.time_zone,
      ${channelExpression(spec.channel)} AS channel, ${reasonExpression(spec, now)} AS reason
    FROM members m WHERE ${targetPredicate(spec.target, now)}`;
}

/** The members who receive the invitation; a sample needs its size, counted from the eligible pool. */
function audience(spec: AudienceSpec, now: number, sampleSize: number | null): SQL {
  const eligible = sql`SELECT * FROM (${candidates(spec, now)}) WHERE reason IS NULL`;
  if (spec.target.type !== 'sample' || sampleSize === null) return eligible;
  return sql`${eligible} ORDER BY ${sampleKey(sql`member_id`, spec.target.seed)}, member_id LIMIT ${sampleSize}`;
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
  excluded: Record<ExclusionReason, number>;
  /** For ID lists: the IDs left out, by reason (up to 1,000 each), so nothing is dropped silently. */
  excludedIds?: Partial<Record<ExclusionReason, string[]>>;
  sample?: { seed: string; poolSize: number; size: number };
  examples: AudienceExample[];
}

function emptyExclusions(): Record<ExclusionReason, number> {
  return Object.fromEntries(exclusionReasons.map((r) => [r, 0])) as Record<ExclusionReason, number>;
}

interface CountRow {
  reason: ExclusionReason | null;
  preferred_locale: string | null;
  channel: 'email' | 'sms' | null;
  n: number;
}

export async function previewAudience(db: Db, spec: AudienceSpec, now: number, exampleCount = 5): Promise<AudiencePreview> {
  const rows = await db.all<CountRow>(sql`SELECT reason, preferred_locale, channel, count(*) AS n
    FROM (${candidates(spec, now)}) GROUP BY reason, preferred_locale, channel`);
  const preview: AudiencePreview = {
    matched: 0,
    audience: 0,
    byLocale: {},
    byChannel: { email: 0, sms: 0 },
    excluded: emptyExclusions(),
    examples: [],
  };
  let pool = 0;
  for (const row of rows) {
    preview.matched += row.n;
    if (row.reason) preview.excluded[row.reason] += row.n;
    else pool += row.n;
  }
  const size = sampleSizeFor(spec.target, pool);
  const audienceSql = audience(spec, now, size);
  const included =
    spec.target.type === 'sample'
      ? await db.all<CountRow>(sql`SELECT NULL AS reason, preferred_locale, channel, count(*) AS n FROM (${audienceSql}) GROUP BY preferred_locale, channel`)
      : rows.filter((r) => r.reason === null);
  for (const row of included) {
    preview.audience += row.n;
    const locale = row.preferred_locale ?? 'none';
    preview.byLocale[locale] = (preview.byLocale[locale] ?? 0) + row.n;
    if (row.channel) preview.byChannel[row.channel] += row.n;
  }
  if (spec.target.type === 'sample') preview.sample = { seed: spec.target.seed, poolSize: pool, size: size ?? 0 };
  if (spec.target.type === 'members') await addIdReport(db, spec, now, preview);
  preview.examples = (
    await db.all<{ external_id: string; preferred_locale: string | null; time_zone: string; channel: 'email' | 'sms' }>(
      sql`SELECT external_id, preferred_locale, time_zone, channel FROM (${audienceSql}) LIMIT ${exampleCount}`,
    )
  ).map((r) => ({ id: r.external_id, preferredLocale: r.preferred_locale, timeZone: r.time_zone, channel: r.channel }));
  return preview;
}

const ID_REPORT_LIMIT = 1000;

async function addIdReport(db: Db, spec: AudienceSpec, now: number, preview: AudiencePreview): Promise<void> {
  if (spec.target.type !== 'members') return;
  const unknown = await db.all<{ value: string }>(
    sql`SELECT value FROM json_each(${JSON.stringify(spec.target.ids)}) WHERE value NOT IN (SELECT external_id FROM members)`,
  );
  preview.excluded.unknown_id = unknown.length;
  const excludedIds: Partial<Record<ExclusionReason, string[]>> = {};
  if (unknown.length > 0) excludedIds.unknown_id = unknown.slice(0, ID_REPORT_LIMIT).map((r) => r.value);
  const rows = await db.all<{ reason: ExclusionReason; external_id: string }>(sql`SELECT reason, external_id FROM (${candidates(spec, now)})
    WHERE reason IS NOT NULL ORDER BY reason, external_id`);
  for (const row of rows) {
    const list = (excludedIds[row.reason] ??= []);
    if (list.length < ID_REPORT_LIMIT) list.push(row.external_id);
  }
  preview.excludedIds = excludedIds;
}

/**
 * Stores the audience of an invitation as participations, each with a fresh 128-bit token
 * generated by libSQL (randomblob uses the engine's CSPRNG). One statement: atomic, set-based.
 */
export function resolveAudienceStatement(spec: AudienceSpec & { invitationId: string }, now: number, sampleSize: number | null): SQL {
  return sql`INSERT INTO participations (invitation_id, member_id, chat_id, token, channel, targeted_at)
    SELECT ${spec.invitationId}, member_id, ${spec.chatId}, lower(hex(randomblob(16))), channel, ${now}
    FROM (${audience(spec, now, sampleSize)})`;
}

/** Size of the eligible pool, needed before a percent or size sample can be drawn. */
export async function eligiblePoolSize(db: Db, spec: AudienceSpec, now: number): Promise<number> {
  const [row] = await db.all<{ n: number }>(sql`SELECT count(*) AS n FROM (${candidates(spec, now)}) WHERE reason IS NULL`);
  return row?.n ?? 0;
}
