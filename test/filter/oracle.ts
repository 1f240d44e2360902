// An in-memory evaluator of the filter semantics (README.md, "Filter language"), written independently of
// compile.ts: property tests compare what the SQL selects with what this says.
import type { FieldCondition, Filter, ScalarValue } from '../../src/core/targeting/filter/ast.js';

export interface OracleMember {
  externalId: string;
  email: string | null;
  phone: string | null;
  preferredLocale: string | null;
  timeZone: string;
  preferredChannel: 'email' | 'sms' | null;
  subscribed: boolean;
  createdAt: number;
  updatedAt: number;
  attributes: Record<string, string | number | boolean>;
  responses: { chat: string; question: string; value: string }[];
  participations: { chat: string; targetedAt: number; clickedAt: number | null; completedAt: number | null }[];
}

const DAY = 24 * 60 * 60 * 1000;

// ---- dates ----

function validDay(y: number, mo: number, d: number): boolean {
  const t = new Date(0);
  t.setUTCFullYear(y, mo - 1, d);
  return t.getUTCFullYear() === y && t.getUTCMonth() === mo - 1 && t.getUTCDate() === d;
}

/** A filter value as an ISO date (strict format, real calendar day), in epoch ms; null when it is not one. */
export function filterDate(s: string): number | null {
  const m = /^(\d{4})-(\d\d)-(\d\d)(T(\d\d):(\d\d)(:(\d\d)(\.\d{1,3})?)?(Z|[+-](\d\d):(\d\d))?)?$/.exec(s);
  if (!m || !validDay(Number(m[1]), Number(m[2]), Number(m[3]))) return null;
  if (m[4] && (Number(m[5]) > 23 || Number(m[6]) > 59 || Number(m[8] ?? 0) > 59)) return null;
  if (m[10] && m[10] !== 'Z' && (Number(m[11]) > 23 || Number(m[12]) > 59)) return null;
  const t = Date.parse(m[4] && !m[10] ? `${s}Z` : s);
  return Number.isNaN(t) ? null : t;
}

/**
 * How the trigger types a stored string (SQLite date reading), for the formats the tests store:
 * YYYY-MM-DD, then optionally [T ]HH:MM[:SS[.fff]] and Z or ±HH:MM; a time without zone is UTC.
 */
function storedDate(s: string): number | null {
  const m = /^(\d{4})-(\d\d)-(\d\d)(?:[T ](\d\d):(\d\d)(?::(\d\d)(\.\d+)?)?)?(Z|[+-]\d\d:\d\d)?$/.exec(s);
  if (!m || !validDay(Number(m[1]), Number(m[2]), Number(m[3]))) return null;
  const iso = `${m[1]}-${m[2]}-${m[3]}T${m[4] ?? '00'}:${m[5] ?? '00'}:${m[6] ?? '00'}${(m[7] ?? '').slice(0, 4)}${m[8] ?? 'Z'}`;
  return Date.parse(iso);
}

// ---- typed attributes (what the slot columns hold) ----

interface Typed {
  type: 'string' | 'number' | 'boolean' | 'date';
  text: string;
  num: number | null;
}

function typed(v: string | number | boolean): Typed {
  if (typeof v === 'number') return { type: 'number', text: String(v), num: v };
  if (typeof v === 'boolean') return { type: 'boolean', text: String(v), num: v ? 1 : 0 };
  const date = storedDate(v);
  return date === null ? { type: 'string', text: v, num: null } : { type: 'date', text: v, num: date };
}

/** SQLite's BINARY collation: UTF-8 bytes. */
function compareText(a: string, b: string): number {
  return Buffer.compare(Buffer.from(a, 'utf8'), Buffer.from(b, 'utf8'));
}

function asciiLower(s: string): string {
  return s.replace(/[A-Z]/g, (c) => c.toLowerCase());
}

function holds(op: string, cmp: number): boolean {
  switch (op) {
    case 'eq':
      return cmp === 0;
    case 'neq':
      return cmp !== 0;
    case 'lt':
      return cmp < 0;
    case 'lte':
      return cmp <= 0;
    case 'gt':
      return cmp > 0;
    case 'gte':
      return cmp >= 0;
  }
  throw new Error(`not a comparison: ${op}`);
}

function attributeEquals(a: Typed, v: ScalarValue): boolean {
  if (typeof v === 'string') return a.text === v;
  if (typeof v === 'number') return a.type === 'number' && a.num === v;
  return a.type === 'boolean' && a.num === (v ? 1 : 0);
}

function attributeOrder(a: Typed, op: string, v: ScalarValue): boolean {
  if (typeof v === 'number') return a.type === 'number' && holds(op, a.num! - v);
  if (typeof v === 'boolean') throw new Error('ordering a boolean');
  const date = filterDate(v);
  if (date !== null) return a.type === 'date' && holds(op, a.num! - date);
  return holds(op, compareText(a.text, v));
}

function attributeCondition(f: FieldCondition, raw: string | number | boolean | undefined, now: number): boolean {
  if (f.op === 'is_set') return raw !== undefined;
  if (f.op === 'is_not_set') return raw === undefined;
  if (f.op === 'neq') return !attributeCondition({ ...f, op: 'eq' }, raw, now);
  if (f.op === 'not_in') return !attributeCondition({ ...f, op: 'in' }, raw, now);
  if (raw === undefined) return false;
  const a = typed(raw);
  switch (f.op) {
    case 'eq':
      return attributeEquals(a, f.value);
    case 'in':
      return f.values.some((v) => attributeEquals(a, v));
    case 'lt':
    case 'lte':
    case 'gt':
    case 'gte':
      return attributeOrder(a, f.op, f.value);
    case 'between':
      return attributeOrder(a, 'gte', f.min) && attributeOrder(a, 'lte', f.max);
    case 'before':
      return a.type === 'date' && a.num! < filterDate(f.value)!;
    case 'after':
      return a.type === 'date' && a.num! > filterDate(f.value)!;
    case 'within_last_days':
      return a.type === 'date' && a.num! >= now - f.days * DAY && a.num! <= now;
    case 'contains':
      return asciiLower(a.text).includes(asciiLower(f.value));
    case 'starts_with':
      return asciiLower(a.text).startsWith(asciiLower(f.value));
  }
}

// ---- member columns ----

type ColumnValue = { kind: 'text'; value: string | null } | { kind: 'boolean'; value: boolean } | { kind: 'date'; value: number };

function column(m: OracleMember, field: string): ColumnValue | undefined {
  const columns: Record<string, ColumnValue> = {
    id: { kind: 'text', value: m.externalId },
    email: { kind: 'text', value: m.email },
    phone: { kind: 'text', value: m.phone },
    preferred_locale: { kind: 'text', value: m.preferredLocale },
    timezone: { kind: 'text', value: m.timeZone },
    preferred_channel: { kind: 'text', value: m.preferredChannel },
    subscribed: { kind: 'boolean', value: m.subscribed },
    created_at: { kind: 'date', value: m.createdAt },
    updated_at: { kind: 'date', value: m.updatedAt },
  };
  return Object.hasOwn(columns, field) ? columns[field] : undefined;
}

function columnCondition(f: FieldCondition, c: ColumnValue, now: number): boolean {
  if (f.op === 'is_set') return c.value !== null;
  if (f.op === 'is_not_set') return c.value === null;
  if (f.op === 'neq') return !columnCondition({ ...f, op: 'eq' }, c, now);
  if (f.op === 'not_in') return !columnCondition({ ...f, op: 'in' }, c, now);
  if (c.value === null) return false;
  const cmp = (v: ScalarValue): number => {
    if (c.kind === 'text') return compareText(c.value as string, v as string);
    if (c.kind === 'boolean') return Number(c.value) - Number(v);
    return c.value - filterDate(v as string)!;
  };
  switch (f.op) {
    case 'eq':
    case 'lt':
    case 'lte':
    case 'gt':
    case 'gte':
      return holds(f.op, cmp(f.value));
    case 'in':
      return f.values.some((v) => cmp(v) === 0);
    case 'between':
      return cmp(f.min) >= 0 && cmp(f.max) <= 0;
    case 'before':
      return cmp(f.value) < 0;
    case 'after':
      return cmp(f.value) > 0;
    case 'within_last_days':
      return (c.value as number) >= now - f.days * DAY && (c.value as number) <= now;
    case 'contains':
      return asciiLower(c.value as string).includes(asciiLower(f.value));
    case 'starts_with':
      return asciiLower(c.value as string).startsWith(asciiLower(f.value));
  }
}

/** Does member `m` match filter `f` at instant `now`? */
export function matches(f: Filter, m: OracleMember, now: number): boolean {
  switch (f.type) {
    case 'and':
      return f.conditions.every((c) => matches(c, m, now));
    case 'or':
      return f.conditions.some((c) => matches(c, m, now));
    case 'not':
      return !matches(f.condition, m, now);
    case 'field': {
      const c = column(m, f.field);
      return c ? columnCondition(f, c, now) : attributeCondition(f, Object.hasOwn(m.attributes, f.field) ? m.attributes[f.field] : undefined, now);
    }
    case 'response':
      return m.responses.some((r) => r.chat === f.chat && r.question === f.question && (f.value === undefined || r.value === f.value));
    case 'participation':
      return m.participations.some(
        (p) =>
          (f.chat === undefined || p.chat === f.chat) &&
          (f.event === 'invited' || (f.event === 'clicked' ? p.clickedAt !== null : p.completedAt !== null)),
      );
    case 'metric': {
      const mine = m.participations.filter((p) => f.chat === undefined || p.chat === f.chat);
      if (f.metric === 'completions') return holds(f.op, mine.filter((p) => p.completedAt !== null).length - f.value);
      if (mine.length === 0) return f.op === 'gt' || f.op === 'gte' || f.op === 'neq';
      const days = Math.floor((now - Math.max(...mine.map((p) => p.targetedAt))) / DAY);
      return holds(f.op, days - f.value);
    }
  }
}
