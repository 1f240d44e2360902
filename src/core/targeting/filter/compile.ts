// Filter AST → one boolean SQL expression over `members m`. Every user value is a bound parameter;
// the only identifiers spliced into the text come from the fixed coreFields map and from attribute
// slot numbers (integers we assign, never the name). Response conditions are uncorrelated member
// sets, answered from the (chat_id, question, value) index once instead of once per member;
// attribute conditions test the member row's slot columns. Semantics: README.md, "Filter language".
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
import { slotColumns, type AttributeSlots } from '../../members/attribute-slots.js';
import { isoDateToEpoch } from './validate.js';

export interface CompileContext {
  /** The instant the filter is evaluated at (epoch ms): "within last N days" and metrics count back from it. */
  now: number;
  /** Where each profile attribute is stored (loadAttributeSlots). */
  slots: AttributeSlots;
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

// ---- profile attributes (slot columns, see src/core/members/attribute-slots.ts) ----
// A slot holds `value` (text for strings and dates, the number for numbers, 1/0 for booleans) and
// `num` (1/0 for booleans, epoch ms for dates, NULL otherwise), so:
//   string: value is text, num NULL     number: value is a number, num NULL
//   boolean: value and num both 1/0     date: value is text, num set
// The columns have no affinity, so a text never equals or orders among numbers by accident.

interface Slot {
  value: SQL;
  num: SQL;
}

const isNumber = (s: Slot) => sql`typeof(${s.value}) IN ('integer', 'real') AND ${s.num} IS NULL`;
const isBoolean = (s: Slot) => sql`typeof(${s.value}) = 'integer' AND ${s.num} IS NOT NULL`;
const isDate = (s: Slot) => sql`typeof(${s.value}) = 'text' AND ${s.num} IS NOT NULL`;
/** The attribute as text: booleans read true/false, numbers their decimal form. */
const asText = (s: Slot) => sql`(CASE WHEN ${isBoolean(s)} THEN iif(${s.value}, 'true', 'false') ELSE CAST(${s.value} AS TEXT) END)`;

/**
 * Whether `text` could be how a number or boolean reads (asText). When not, only a text value can
 * equal it and the plain column comparison is enough, which a scan of 1M members does faster.
 */
const couldBeNonText = (text: string) => /^[-+.\d]/.test(text) || text === 'true' || text === 'false';

function attributeEquals(s: Slot, value: ScalarValue): SQL {
  if (typeof value === 'string') return couldBeNonText(value) ? sql`${asText(s)} = ${value}` : sql`${s.value} = ${value}`;
  if (typeof value === 'number') return sql`${s.value} = ${value} AND ${s.num} IS NULL`;
  return sql`${s.value} = ${value ? 1 : 0} AND ${s.num} IS NOT NULL`;
}

function attributeOrder(s: Slot, op: ComparisonOp, value: ScalarValue): SQL {
  if (typeof value === 'boolean') throw new Error(`${op} cannot compare booleans (validate filters before compiling)`);
  if (typeof value === 'number') return sql`${isNumber(s)} AND ${s.value} ${operators[op]} ${value}`;
  const epoch = isoDateToEpoch(value);
  if (epoch !== undefined) return sql`${isDate(s)} AND ${s.num} ${operators[op]} ${epoch}`;
  return sql`${asText(s)} ${operators[op]} ${value}`;
}

function attributeIn(s: Slot, values: readonly ScalarValue[]): SQL {
  const texts = [...new Set(values.filter((v): v is string => typeof v === 'string'))];
  const numbers = [...new Set(values.filter((v): v is number => typeof v === 'number'))];
  const flags = [...new Set(values.filter((v): v is boolean => typeof v === 'boolean').map((b) => (b ? 1 : 0)))];
  const parts: SQL[] = [];
  if (texts.length > 0) parts.push(texts.some(couldBeNonText) ? sql`${asText(s)} IN (${list(texts)})` : sql`${s.value} IN (${list(texts)})`);
  if (numbers.length > 0) parts.push(sql`(${s.value} IN (${list(numbers)}) AND ${s.num} IS NULL)`);
  if (flags.length > 0) parts.push(sql`(${s.value} IN (${list(flags)}) AND ${s.num} IS NOT NULL)`);
  return sql`(${sql.join(parts, sql` OR `)})`;
}

function compileAttribute(f: FieldCondition, ctx: CompileContext): SQL {
  const slot = ctx.slots.get(f.field);
  // A name no member has ever had: nobody has it set.
  if (slot === undefined) return f.op === 'neq' || f.op === 'not_in' || f.op === 'is_not_set' ? sql`1` : sql`0`;
  const columns = slotColumns(slot);
  const s: Slot = { value: sql`m.${sql.identifier(columns.value)}`, num: sql`m.${sql.identifier(columns.num)}` };
  switch (f.op) {
    case 'eq':
      return known(attributeEquals(s, f.value));
    case 'neq':
      return sql`NOT ${known(attributeEquals(s, f.value))}`;
    case 'in':
      return known(attributeIn(s, f.values));
    case 'not_in':
      return sql`NOT ${known(attributeIn(s, f.values))}`;
    case 'lt':
    case 'lte':
    case 'gt':
    case 'gte':
      return known(attributeOrder(s, f.op, f.value));
    case 'between':
      return known(sql`${attributeOrder(s, 'gte', f.min)} AND ${attributeOrder(s, 'lte', f.max)}`);
    case 'before':
      return known(sql`${isDate(s)} AND ${s.num} < ${requireDate(f.value)}`);
    case 'after':
      return known(sql`${isDate(s)} AND ${s.num} > ${requireDate(f.value)}`);
    case 'within_last_days':
      return known(sql`${isDate(s)} AND ${s.num} BETWEEN ${ctx.now - f.days * DAY_MS} AND ${ctx.now}`);
    case 'contains':
    case 'starts_with':
      return known(sql`${asText(s)} LIKE ${likePattern(f.value, f.op)} ESCAPE '\\'`);
    case 'is_set':
      return sql`${s.value} IS NOT NULL`;
    case 'is_not_set':
      return sql`${s.value} IS NULL`;
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
      return Object.hasOwn(coreFields, f.field) ? { where: compileColumn(f, f.field as CoreField, ctx.now) } : { where: compileAttribute(f, ctx) };
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
 * it is index-backed (responses, and/or of them); null otherwise. Lets callers that
 * only need ids (e.g. the sample order) skip reading members rows.
 */
export function compileFilterSet(f: Filter, ctx: CompileContext): SQL | null {
  const compiled = compileNode(f, ctx);
  return 'set' in compiled ? compiled.set : null;
}
