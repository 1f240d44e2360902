// Filter AST → one boolean SQL expression over `members m`. Every user value and attribute name is a
// bound parameter; the only identifiers spliced into the text come from the fixed coreFields map.
// Attribute and response conditions are uncorrelated member sets, so SQLite answers them from the
// (key, value_text) / (key, type, value_num) / (chat_id, question, value) indexes once, instead of
// once per member. Semantics: README.md, "Filter language".
import { sql, type SQL } from 'drizzle-orm';
import { chatInvitationSeqs } from '../../../db/invitation-seq.js';
import {
  coreFields,
  type ComparisonOp,
  type CoreField,
  type FieldCondition,
  type Filter,
  type MetricCondition,
  type ParticipationCondition,
  type ResponseCondition,
  type ScalarValue,
} from './ast.js';
import { isoDateToEpoch } from './validate.js';

export interface CompileContext {
  /** The instant the filter is evaluated at (epoch ms): "within last N days" and metrics count back from it. */
  now: number;
}

const DAY_MS = 86_400_000;

const operators: Record<ComparisonOp, SQL> = {
  eq: sql.raw('='),
  neq: sql.raw('<>'),
  lt: sql.raw('<'),
  lte: sql.raw('<='),
  gt: sql.raw('>'),
  gte: sql.raw('>='),
};

function list(values: readonly (string | number)[]): SQL {
  return sql.join(
    values.map((v) => sql`${v}`),
    sql`, `,
  );
}

function likePattern(text: string, op: 'contains' | 'starts_with'): string {
  const escaped = text.replace(/[\\%_]/g, '\\$&');
  return op === 'contains' ? `%${escaped}%` : `${escaped}%`;
}

function requireDate(value: ScalarValue): number {
  const epoch = typeof value === 'string' ? isoDateToEpoch(value) : undefined;
  if (epoch === undefined) throw new Error(`not an ISO date: ${JSON.stringify(value)} (validate filters before compiling)`);
  return epoch;
}

// ---- member sets ----
// Index-backed conditions compile to a set of member ids (an uncorrelated SELECT member_id …);
// an `and` of several sets becomes one INTERSECT and an `or` one UNION, which SQLite computes
// from the indexes alone, before it touches a single members row.

type MemberSet = { set: SQL };
type Compiled = MemberSet | { where: SQL };

function where(c: Compiled): SQL {
  return 'set' in c ? sql`m.id IN (${c.set})` : c.where;
}

function not(c: Compiled): Compiled {
  return { where: sql`NOT (${where(c)})` };
}

// Compound selects are left-associative in SQLite (a INTERSECT b UNION c is (a ∩ b) ∪ c), so a
// combined set is wrapped in a subquery before it can become part of another one.
function compound(sets: MemberSet[], operator: SQL): MemberSet {
  if (sets.length === 1) return sets[0]!;
  return { set: sql`SELECT member_id FROM (${sql.join(sets.map((s) => s.set), operator)})` };
}

const intersect = (sets: MemberSet[]) => compound(sets, sql` INTERSECT `);
const union = (sets: MemberSet[]) => compound(sets, sql` UNION `);

// ---- profile attributes (member_attributes rows: key, type, value_text, value_num) ----

function hasAttribute(key: string, where?: SQL): MemberSet {
  const rest = where ? sql` AND ${where}` : sql``;
  return { set: sql`SELECT member_id FROM member_attributes WHERE key = ${key}${rest}` };
}

function attributeEquals(value: ScalarValue): SQL {
  if (typeof value === 'string') return sql`value_text = ${value}`;
  if (typeof value === 'number') return sql`type = 'number' AND value_num = ${value}`;
  return sql`type = 'boolean' AND value_num = ${value ? 1 : 0}`;
}

function attributeOrder(op: ComparisonOp, value: ScalarValue): SQL {
  if (typeof value === 'boolean') throw new Error(`${op} cannot compare booleans (validate filters before compiling)`);
  if (typeof value === 'number') return sql`type = 'number' AND value_num ${operators[op]} ${value}`;
  const epoch = isoDateToEpoch(value);
  if (epoch !== undefined) return sql`type = 'date' AND value_num ${operators[op]} ${epoch}`;
  return sql`value_text ${operators[op]} ${value}`;
}

function attributeIn(key: string, values: readonly ScalarValue[]): MemberSet {
  const texts = [...new Set(values.filter((v): v is string => typeof v === 'string'))];
  const numbers = [...new Set(values.filter((v): v is number => typeof v === 'number'))];
  const flags = [...new Set(values.filter((v): v is boolean => typeof v === 'boolean').map((b) => (b ? 1 : 0)))];
  // One subquery per type keeps each one a plain index lookup.
  const parts: MemberSet[] = [];
  if (texts.length > 0) parts.push(hasAttribute(key, sql`value_text IN (${list(texts)})`));
  if (numbers.length > 0) parts.push(hasAttribute(key, sql`type = 'number' AND value_num IN (${list(numbers)})`));
  if (flags.length > 0) parts.push(hasAttribute(key, sql`type = 'boolean' AND value_num IN (${list(flags)})`));
  return union(parts);
}

function compileAttribute(f: FieldCondition, now: number): Compiled {
  const key = f.field;
  switch (f.op) {
    case 'eq':
      return hasAttribute(key, attributeEquals(f.value));
    case 'neq':
      return not(hasAttribute(key, attributeEquals(f.value)));
    case 'in':
      return attributeIn(key, f.values);
    case 'not_in':
      return not(attributeIn(key, f.values));
    case 'lt':
    case 'lte':
    case 'gt':
    case 'gte':
      return hasAttribute(key, attributeOrder(f.op, f.value));
    case 'between':
      return hasAttribute(key, sql`${attributeOrder('gte', f.min)} AND ${attributeOrder('lte', f.max)}`);
    case 'before':
      return hasAttribute(key, sql`type = 'date' AND value_num < ${requireDate(f.value)}`);
    case 'after':
      return hasAttribute(key, sql`type = 'date' AND value_num > ${requireDate(f.value)}`);
    case 'within_last_days':
      return hasAttribute(key, sql`type = 'date' AND value_num BETWEEN ${now - f.days * DAY_MS} AND ${now}`);
    case 'contains':
    case 'starts_with':
      return hasAttribute(key, sql`value_text LIKE ${likePattern(f.value, f.op)} ESCAPE '\\'`);
    case 'is_set':
      return hasAttribute(key);
    case 'is_not_set':
      return not(hasAttribute(key));
  }
}

// ---- member columns ----

/** A NULL comparison counts as false, so NOT (…) is the exact complement, as for attributes. */
function known(predicate: SQL): SQL {
  return sql`coalesce(${predicate}, 0)`;
}

function compileColumn(f: FieldCondition, field: CoreField, now: number): SQL {
  const { column, kind } = coreFields[field];
  const col = sql`m.${sql.identifier(column)}`;
  const bind = (value: ScalarValue): string | number =>
    kind === 'date' ? requireDate(value) : typeof value === 'boolean' ? (value ? 1 : 0) : value;
  switch (f.op) {
    case 'eq':
    case 'lt':
    case 'lte':
    case 'gt':
    case 'gte':
      return known(sql`${col} ${operators[f.op]} ${bind(f.value)}`);
    case 'neq':
      return sql`NOT ${known(sql`${col} = ${bind(f.value)}`)}`;
    case 'in':
      return known(sql`${col} IN (${list(f.values.map(bind))})`);
    case 'not_in':
      return sql`NOT ${known(sql`${col} IN (${list(f.values.map(bind))})`)}`;
    case 'between':
      return known(sql`${col} >= ${bind(f.min)} AND ${col} <= ${bind(f.max)}`);
    case 'before':
      return known(sql`${col} < ${requireDate(f.value)}`);
    case 'after':
      return known(sql`${col} > ${requireDate(f.value)}`);
    case 'within_last_days':
      return known(sql`${col} BETWEEN ${now - f.days * DAY_MS} AND ${now}`);
    case 'contains':
    case 'starts_with':
      return known(sql`${col} LIKE ${likePattern(f.value, f.op)} ESCAPE '\\'`);
    case 'is_set':
      return sql`${col} IS NOT NULL`;
    case 'is_not_set':
      return sql`${col} IS NULL`;
  }
}

// ---- chats: responses, participations, metrics ----

function compileResponse(f: ResponseCondition): MemberSet {
  const value = f.value === undefined ? sql`` : sql` AND value = ${f.value}`;
  return { set: sql`SELECT member_id FROM chat_responses WHERE chat_id = ${f.chat} AND question = ${f.question}${value}` };
}

// Correlated on purpose: participations are indexed by member first (participations_member_idx),
// so each candidate costs one index probe, while an uncorrelated `IN (… WHERE chat_id = ?)` would
// scan every participation in the table (millions) before the first member is tested.
function compileParticipation(f: ParticipationCondition): SQL {
  const where: SQL[] = [sql`p.member_id = m.id`];
  if (f.chat !== undefined) where.push(sql`p.invitation_seq IN ${chatInvitationSeqs(f.chat)}`);
  if (f.event === 'clicked') where.push(sql`p.clicked_at IS NOT NULL`);
  if (f.event === 'completed') where.push(sql`p.completed_at IS NOT NULL`);
  return sql`EXISTS (SELECT 1 FROM participations p WHERE ${sql.join(where, sql` AND `)})`;
}

function compileMetric(f: MetricCondition, now: number): SQL {
  const chat = f.chat === undefined ? sql`` : sql` AND p.invitation_seq IN ${chatInvitationSeqs(f.chat)}`;
  if (f.metric === 'completions') {
    return sql`(SELECT count(*) FROM participations p WHERE p.member_id = m.id${chat} AND p.completed_at IS NOT NULL) ${operators[f.op]} ${f.value}`;
  }
  // days = floor((now - last) / day), compared as ranges of `last` so no SQL rounding is involved:
  // days >= v  ⇔  last <= now - v·day.  A member never invited has last = NULL: only gt/gte/neq hold.
  const last = sql`(SELECT max(p.targeted_at) FROM participations p WHERE p.member_id = m.id${chat})`;
  const atLeast = (v: number): SQL => sql`${last} <= ${now - v * DAY_MS}`;
  const below = (v: number): SQL => sql`${last} > ${now - v * DAY_MS}`;
  const v = f.value;
  switch (f.op) {
    case 'gte':
      return sql`coalesce(${atLeast(v)}, 1)`;
    case 'gt':
      return sql`coalesce(${atLeast(v + 1)}, 1)`;
    case 'lt':
      return known(below(v));
    case 'lte':
      return known(below(v + 1));
    case 'eq':
      return known(sql`${atLeast(v)} AND ${below(v + 1)}`);
    case 'neq':
      return sql`NOT ${known(sql`${atLeast(v)} AND ${below(v + 1)}`)}`;
  }
}

function compileNode(f: Filter, ctx: CompileContext): Compiled {
  switch (f.type) {
    case 'and':
    case 'or': {
      if (f.conditions.length === 0) throw new Error(`empty ${f.type} group (validate filters before compiling)`);
      const children = f.conditions.map((c) => compileNode(c, ctx));
      const sets = children.filter((c): c is MemberSet => 'set' in c);
      const others = children.filter((c) => !('set' in c)).map(where);
      if (f.type === 'or' && others.length > 0) return { where: sql`(${sql.join(children.map(where), sql` OR `)})` };
      if (f.type === 'or') return union(sets);
      const parts = sets.length > 0 ? [intersect(sets), ...others.map((w) => ({ where: w }))] : others.map((w) => ({ where: w }));
      return parts.length === 1 ? parts[0]! : { where: sql`(${sql.join(parts.map(where), sql` AND `)})` };
    }
    case 'not':
      return not(compileNode(f.condition, ctx));
    case 'field':
      return Object.hasOwn(coreFields, f.field) ? { where: compileColumn(f, f.field as CoreField, ctx.now) } : compileAttribute(f, ctx.now);
    case 'response':
      return compileResponse(f);
    case 'participation':
      return { where: compileParticipation(f) };
    case 'metric':
      return { where: compileMetric(f, ctx.now) };
  }
}

/** The WHERE expression selecting the members `f` matches, for `FROM members m WHERE …`. Expects a validated filter. */
export function compileFilter(f: Filter, ctx: CompileContext): SQL {
  return where(compileNode(f, ctx));
}

/**
 * The members `f` matches as a `SELECT member_id …` over the indexes alone, when every condition in
 * it is index-backed (attributes, responses, and/or of them); null otherwise. Lets callers that
 * only need ids (e.g. the sample order) skip reading members rows.
 */
export function compileFilterSet(f: Filter, ctx: CompileContext): SQL | null {
  const compiled = compileNode(f, ctx);
  return 'set' in compiled ? compiled.set : null;
}
