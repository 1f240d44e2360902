// The modal's condition rows (field, operator, value) → the filter's JSON form, checked by the
// core's filter rules; each problem is given back to its row.
import { checkFilter } from '../core/targeting/filter/validate.js';
import type { Filter } from '../core/targeting/filter/ast.js';

export const rowOperators = [
  ['eq', 'is (=)'],
  ['neq', 'is not (≠)'],
  ['in', 'is one of (a, b, c)'],
  ['not_in', 'is none of (a, b, c)'],
  ['contains', 'contains'],
  ['starts_with', 'starts with'],
  ['lt', '<'],
  ['lte', '≤'],
  ['gt', '>'],
  ['gte', '≥'],
  ['between', 'between (a, b)'],
  ['before', 'before (date)'],
  ['after', 'after (date)'],
  ['within_last_days', 'within the last N days'],
  ['is_set', 'is set'],
  ['is_not_set', 'is not set'],
] as const;
export type RowOperator = (typeof rowOperators)[number][0];

export interface ConditionRow {
  id: number;
  field?: string;
  op?: string;
  value?: string;
}

/** A typed value from what was typed: numbers and true/false are not strings; "quotes" force a string. */
function typed(text: string): string | number | boolean {
  const t = text.trim();
  const quoted = /^"(.*)"$/s.exec(t);
  if (quoted) return quoted[1]!;
  if (/^-?\d+(\.\d+)?$/.test(t)) return Number(t);
  if (t === 'true' || t === 'false') return t === 'true';
  return t;
}

const list = (text: string) => text.split(',').map((v) => v.trim()).filter((v) => v.length > 0);

function condition(row: ConditionRow): unknown {
  const { field, op } = row;
  const value = row.value ?? '';
  switch (op) {
    case 'in':
    case 'not_in':
      return { type: 'field', field, op, values: list(value).map(typed) };
    case 'between': {
      const [min = '', max = ''] = value.includes(',') ? list(value) : value.split(/\s+and\s+/i);
      return { type: 'field', field, op, min: typed(min), max: typed(max) };
    }
    case 'within_last_days':
      return { type: 'field', field, op, days: Number(value.trim()) };
    case 'contains':
    case 'starts_with':
    case 'before':
    case 'after':
      return { type: 'field', field, op, value: value.trim() };
    case 'is_set':
    case 'is_not_set':
      return { type: 'field', field, op };
    default:
      return { type: 'field', field, op, value: typed(value) };
  }
}

export type RowsResult = { ok: true; filter: Filter } | { ok: false; problems: { row: number; part: 'field' | 'value'; message: string }[] };

/** Rows without a field are ignored (the empty last row); the rest must all be valid. */
export function rowsToFilter(rows: ConditionRow[], match: 'and' | 'or'): RowsResult | undefined {
  const used = rows.filter((r) => r.field);
  if (used.length === 0) return undefined;
  const problems: { row: number; part: 'field' | 'value'; message: string }[] = [];
  const conditions: unknown[] = [];
  for (const row of used) {
    if (!row.op) {
      problems.push({ row: row.id, part: 'field', message: 'choose an operator' });
      continue;
    }
    const check = checkFilter(condition(row));
    if (check.ok) conditions.push(check.filter);
    else problems.push(...check.problems.map((p) => ({ row: row.id, part: p.path[0] === 'field' ? ('field' as const) : ('value' as const), message: p.message })));
  }
  if (problems.length > 0) return { ok: false, problems };
  const filter = conditions.length === 1 ? conditions[0] : { type: match, conditions };
  const check = checkFilter(filter);
  return check.ok ? check : { ok: false, problems: check.problems.map((p) => ({ row: used[0]!.id, part: 'value', message: p.message })) };
}
