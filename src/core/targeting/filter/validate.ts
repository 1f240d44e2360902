// The rules a filter must meet beyond its JSON shape: size, depth, and what each member column accepts.
// Both forms go through here: validateFilter for the JSON AST, parseFilter (./parse.ts) for the text.
import type { z } from 'zod';
import { ValidationError } from '../../errors.js';
import {
  coreFields,
  filterSchema,
  MAX_FILTER_CONDITIONS,
  MAX_FILTER_DEPTH,
  metricNames,
  type CoreField,
  type FieldCondition,
  type Filter,
  type ScalarValue,
} from './ast.js';

/**
 * Values listed by all in / not in conditions together. Every value is a bound SQL parameter and
 * SQLite allows 32,766 per statement, so this keeps the largest filter well below that.
 */
export const MAX_FILTER_VALUES = 10_000;

export type ProblemPath = (string | number)[];
export interface FilterProblem {
  path: ProblemPath;
  message: string;
}

export type FilterCheck = { ok: true; filter: Filter } | { ok: false; problems: FilterProblem[] };

const isoDatePattern =
  /^(\d{4})-(\d{2})-(\d{2})(?:T(\d{2}):(\d{2})(?::(\d{2})(?:\.(\d{1,3}))?)?(Z|[+-]\d{2}:\d{2})?)?$/;

export const isoDateHint = 'an ISO date such as 2024-01-31 or 2024-01-31T09:30:00Z (YYYY-MM-DD[THH:MM[:SS[.sss]]][Z|±HH:MM])';

function isLeapYear(y: number): boolean {
  return (y % 4 === 0 && y % 100 !== 0) || y % 400 === 0;
}

function daysInMonth(y: number, month: number): number {
  return month === 2 ? (isLeapYear(y) ? 29 : 28) : month === 4 || month === 6 || month === 9 || month === 11 ? 30 : 31;
}

/**
 * Epoch ms of an ISO date or date-time, or undefined when `text` is not one (or names no real
 * day, e.g. 2024-02-30). A date is UTC midnight; a date-time without zone is UTC.
 */
export function isoDateToEpoch(text: string): number | undefined {
  // Called for every date cell of an import (1M rows): plain numbers, no Date object.
  const m = isoDatePattern.exec(text);
  if (!m) return undefined;
  const year = Number(m[1]);
  const month = Number(m[2]);
  const day = Number(m[3]);
  const hour = m[4] === undefined ? 0 : Number(m[4]);
  const minute = m[5] === undefined ? 0 : Number(m[5]);
  const second = m[6] === undefined ? 0 : Number(m[6]);
  if (month < 1 || month > 12 || day < 1 || day > daysInMonth(year, month)) return undefined;
  if (hour > 23 || minute > 59 || second > 59) return undefined;
  const zone = m[8];
  let offset = 0;
  if (zone !== undefined && zone !== 'Z') {
    const oh = Number(zone.slice(1, 3));
    const om = Number(zone.slice(4, 6));
    if (oh > 23 || om > 59) return undefined;
    offset = (zone[0] === '-' ? -1 : 1) * (oh * 60 + om) * 60_000;
  }
  const ms = m[7] === undefined ? 0 : Number(m[7].padEnd(3, '0'));
  // Date.UTC reads years 0-99 as 1900-1999: take the same day 400 years later (a whole
  // Gregorian cycle, 146,097 days) and step back.
  const utc = year < 100 ? Date.UTC(year + 400, month - 1, day, hour, minute, second, ms) - 146_097 * 86_400_000 : Date.UTC(year, month - 1, day, hour, minute, second, ms);
  return utc - offset;
}

type ValueKind = 'number' | 'boolean' | 'date' | 'text';

function kindOf(value: ScalarValue): ValueKind {
  if (typeof value === 'number') return 'number';
  if (typeof value === 'boolean') return 'boolean';
  return isoDateToEpoch(value) === undefined ? 'text' : 'date';
}

/** Walks the raw input before zod so an absurdly deep or large value fails fast, without deep recursion. */
function checkShape(input: unknown): FilterProblem | undefined {
  let leaves = 0;
  const visit = (node: unknown, path: ProblemPath, depth: number): FilterProblem | undefined => {
    if (depth > MAX_FILTER_DEPTH) return { path, message: `nesting is deeper than ${MAX_FILTER_DEPTH} levels` };
    const n = (typeof node === 'object' && node !== null ? node : {}) as { type?: unknown; conditions?: unknown; condition?: unknown };
    if ((n.type === 'and' || n.type === 'or') && Array.isArray(n.conditions)) {
      for (let i = 0; i < n.conditions.length; i++) {
        const problem = visit(n.conditions[i], [...path, 'conditions', i], depth + 1);
        if (problem) return problem;
      }
      return undefined;
    }
    if (n.type === 'not') return visit(n.condition, [...path, 'condition'], depth + 1);
    leaves++;
    return leaves > MAX_FILTER_CONDITIONS ? { path: [], message: `a filter has at most ${MAX_FILTER_CONDITIONS} conditions` } : undefined;
  };
  return visit(input, [], 1);
}

function issueMessage(issue: z.core.$ZodIssue): string {
  // A union of scalars fails with a bare "Invalid input"; name the types it would have taken.
  if (issue.code === 'invalid_union' && issue.errors.length > 0) {
    const expected = issue.errors.flatMap((branch) => branch.map((i) => (i.code === 'invalid_type' ? i.expected : undefined)));
    if (expected.every((e) => e !== undefined)) {
      const names = [...new Set(expected)].map((e) => `a ${e}`);
      return `must be ${names.length > 1 ? `${names.slice(0, -1).join(', ')} or ${names.at(-1)}` : names[0]}`;
    }
  }
  return issue.message;
}

const orderingOps = new Set(['lt', 'lte', 'gt', 'gte']);
const coreOps = {
  text: new Set(['eq', 'neq', 'in', 'not_in', 'lt', 'lte', 'gt', 'gte', 'between', 'contains', 'starts_with', 'is_set', 'is_not_set']),
  boolean: new Set(['eq', 'neq', 'is_set', 'is_not_set']),
  date: new Set(['eq', 'neq', 'lt', 'lte', 'gt', 'gte', 'between', 'before', 'after', 'within_last_days', 'is_set', 'is_not_set']),
} as const;
const kindWords = { text: 'a string', boolean: 'true or false', date: isoDateHint } as const;

/** [path suffix, value] of every literal a field condition compares with. */
function literalsOf(f: FieldCondition): [ProblemPath, ScalarValue][] {
  if ('values' in f) return f.values.map((v, i): [ProblemPath, ScalarValue] => [['values', i], v]);
  if ('min' in f) return [[['min'], f.min], [['max'], f.max]];
  if ('value' in f) return [[['value'], f.value]];
  return [];
}

function checkField(f: FieldCondition, path: ProblemPath, out: FilterProblem[]): void {
  if ((metricNames as readonly string[]).includes(f.field)) {
    out.push({ path: [...path, 'field'], message: `${f.field} is a metric, not a field: write it as ${f.field} >= N` });
    return;
  }
  if (f.op === 'before' || f.op === 'after') {
    if (isoDateToEpoch(f.value) === undefined) out.push({ path: [...path, 'value'], message: `must be ${isoDateHint}` });
  }
  if (Object.hasOwn(coreFields, f.field)) {
    const kind = coreFields[f.field as CoreField].kind;
    if (!coreOps[kind].has(f.op)) {
      out.push({ path: [...path, 'op'], message: `${f.field} is a ${kind} field: ${f.op} does not apply to it` });
      return;
    }
    for (const [suffix, value] of literalsOf(f)) {
      const fits = kind === 'text' ? typeof value === 'string' : kind === 'boolean' ? typeof value === 'boolean' : kindOf(value) === 'date';
      if (!fits) out.push({ path: [...path, ...suffix], message: `${f.field} is a ${kind} field: compare it with ${kindWords[kind]}` });
    }
    return;
  }
  if (orderingOps.has(f.op) && 'value' in f && typeof f.value === 'boolean') {
    out.push({ path: [...path, 'value'], message: `${f.op} needs a number, a date or a string, not a boolean` });
  }
  if (f.op === 'between' && kindOf(f.min) !== kindOf(f.max)) {
    out.push({ path: [...path, 'max'], message: 'between needs two numbers, two dates or two strings' });
  }
}

function checkRules(f: Filter, path: ProblemPath, out: FilterProblem[], budget: { values: number }): void {
  switch (f.type) {
    case 'and':
    case 'or':
      f.conditions.forEach((c, i) => checkRules(c, [...path, 'conditions', i], out, budget));
      return;
    case 'not':
      checkRules(f.condition, [...path, 'condition'], out, budget);
      return;
    case 'field':
      checkField(f, path, out);
      if ('values' in f) {
        budget.values += f.values.length;
        if (budget.values > MAX_FILTER_VALUES && budget.values - f.values.length <= MAX_FILTER_VALUES) {
          out.push({ path: [...path, 'values'], message: `all in / not in lists together hold at most ${MAX_FILTER_VALUES} values` });
        }
      }
      return;
    default:
      // response, participation and metric conditions are fully described by the schema
      return;
  }
}

/** Every problem of `input` as a filter, with paths relative to the filter; the parsed filter when none. */
export function checkFilter(input: unknown): FilterCheck {
  const shapeProblem = checkShape(input);
  if (shapeProblem) return { ok: false, problems: [shapeProblem] };
  const parsed = filterSchema.safeParse(input);
  if (!parsed.success) {
    return {
      ok: false,
      problems: parsed.error.issues.map((issue) => ({ path: issue.path.map((k) => (typeof k === 'number' ? k : String(k))), message: issueMessage(issue) })),
    };
  }
  const problems: FilterProblem[] = [];
  checkRules(parsed.data, [], problems, { values: 0 });
  return problems.length > 0 ? { ok: false, problems } : { ok: true, filter: parsed.data };
}

/** The filter, or a ValidationError whose problem paths start with `path` (e.g. filter.conditions.1.value). */
export function validateFilter(input: unknown, path = 'filter'): Filter {
  const result = checkFilter(input);
  if (!result.ok) {
    throw new ValidationError(result.problems.map((p) => ({ path: [path, ...p.path].join('.'), message: p.message })));
  }
  return result.filter;
}
