import { describe, expect, it } from 'vitest';
import { ValidationError, type FieldProblem } from '../../src/core/errors.js';
import { MAX_FILTER_CONDITIONS, MAX_FILTER_DEPTH, type Filter } from '../../src/core/targeting/filter/ast.js';
import { isoDateToEpoch, MAX_FILTER_VALUES, validateFilter } from '../../src/core/targeting/filter/validate.js';

function problems(input: unknown, path?: string): FieldProblem[] {
  try {
    validateFilter(input, path);
  } catch (e) {
    if (e instanceof ValidationError) return e.problems;
    throw e;
  }
  throw new Error('accepted');
}

const age: Filter = { type: 'field', field: 'age', op: 'gte', value: 18 };

describe('validateFilter', () => {
  it('returns a valid filter, without unknown keys', () => {
    expect(validateFilter({ ...age, note: 'x' })).toEqual(age);
  });

  it('reports schema problems at their dotted path', () => {
    expect(problems({ type: 'and', conditions: [age, { type: 'field', field: 'email', op: 'eq', value: null }] })).toEqual([
      { path: 'filter.conditions.1.value', message: 'must be a string, a number or a boolean' },
    ]);
    expect(problems({ type: 'or', conditions: [age, { type: 'field', field: 'x', op: 'like', value: 1 }] }, 'target.filter')[0]!.path).toBe('target.filter.conditions.1.op');
    expect(problems({ type: 'group' })[0]!.path).toBe('filter.type');
    expect(problems({ type: 'not', condition: { type: 'response', chat: '', question: 'q' } })[0]!.path).toBe('filter.condition.chat');
    expect(problems({ type: 'and', conditions: [] })[0]!.path).toBe('filter.conditions');
    expect(problems({ type: 'metric', metric: 'completions', op: 'gt', value: 1.5 })[0]!.path).toBe('filter.value');
    expect(problems('country = "CA"')[0]!.path).toBe('filter');
  });

  it('rejects metric names used as fields', () => {
    expect(problems({ type: 'and', conditions: [age, { type: 'field', field: 'completions', op: 'gt', value: 1 }] })).toEqual([
      { path: 'filter.conditions.1.field', message: 'completions is a metric, not a field: write it as completions >= N' },
    ]);
    expect(problems({ type: 'field', field: 'days_since_last_invited', op: 'is_set' })[0]!.path).toBe('filter.field');
  });

  it('holds text member fields to strings', () => {
    expect(problems({ type: 'field', field: 'email', op: 'eq', value: 5 })).toEqual([
      { path: 'filter.value', message: 'email is a text field: compare it with a string' },
    ]);
    expect(problems({ type: 'field', field: 'phone', op: 'in', values: ['+1', true] })[0]!.path).toBe('filter.values.1');
    expect(problems({ type: 'field', field: 'id', op: 'between', min: 'a', max: 3 })[0]!.path).toBe('filter.max');
    expect(problems({ type: 'field', field: 'email', op: 'before', value: '2024-01-01' })[0]).toEqual({
      path: 'filter.op',
      message: 'email is a text field: before does not apply to it',
    });
    expect(validateFilter({ type: 'field', field: 'timezone', op: 'starts_with', value: 'America/' })).toBeTruthy();
  });

  it('holds subscribed to true and false with =, != and is set', () => {
    expect(validateFilter({ type: 'field', field: 'subscribed', op: 'eq', value: false })).toBeTruthy();
    expect(validateFilter({ type: 'field', field: 'subscribed', op: 'is_set' })).toBeTruthy();
    expect(problems({ type: 'field', field: 'subscribed', op: 'eq', value: 'yes' })[0]!.path).toBe('filter.value');
    expect(problems({ type: 'field', field: 'subscribed', op: 'in', values: [true] })[0]!.path).toBe('filter.op');
  });

  it('holds date member fields to ISO dates', () => {
    for (const op of ['eq', 'neq', 'lt', 'lte', 'gt', 'gte', 'before', 'after'] as const) {
      expect(validateFilter({ type: 'field', field: 'created_at', op, value: '2024-01-01T10:00:00+02:00' })).toBeTruthy();
    }
    expect(validateFilter({ type: 'field', field: 'updated_at', op: 'between', min: '2024-01-01', max: '2024-02-01' })).toBeTruthy();
    expect(validateFilter({ type: 'field', field: 'updated_at', op: 'within_last_days', days: 7 })).toBeTruthy();
    expect(problems({ type: 'field', field: 'created_at', op: 'gt', value: 1_700_000_000_000 })[0]!.path).toBe('filter.value');
    expect(problems({ type: 'field', field: 'created_at', op: 'gt', value: 'yesterday' })[0]!.path).toBe('filter.value');
    expect(problems({ type: 'field', field: 'created_at', op: 'contains', value: '2024' })[0]!.path).toBe('filter.op');
  });

  it('requires real ISO dates for before and after', () => {
    for (const value of ['2024-02-30', '2024-13-01', '2024-01-01T24:00', '2024-01-01 10:00', '2024-01-01Z', '01/02/2024', '2024-01-01T10:00:00+25:00', '2024-01-01T10:00:00.1234Z']) {
      expect(problems({ type: 'field', field: 'joined', op: 'after', value })[0]!.path).toBe('filter.value');
    }
    for (const value of ['2024-02-29', '2024-01-01T10:00', '2024-01-01T10:00:59.5Z', '2024-01-01T10:00:00-05:30']) {
      expect(validateFilter({ type: 'field', field: 'joined', op: 'before', value })).toBeTruthy();
    }
  });

  it('rejects booleans in ordering comparisons and mixed kinds in between', () => {
    expect(problems({ type: 'field', field: 'vip', op: 'lt', value: true })[0]!.path).toBe('filter.value');
    expect(problems({ type: 'field', field: 'x', op: 'between', min: 1, max: 'z' })[0]!.path).toBe('filter.max');
    expect(problems({ type: 'field', field: 'x', op: 'between', min: '2024-01-01', max: 'z' })[0]!.path).toBe('filter.max');
    expect(problems({ type: 'field', field: 'x', op: 'between', min: true, max: false })[0]!.path).toBe('filter.min');
    expect(validateFilter({ type: 'field', field: 'x', op: 'between', min: 'a', max: 'm' })).toBeTruthy();
  });

  it('limits depth', () => {
    let deep: Filter = age;
    for (let i = 1; i < MAX_FILTER_DEPTH; i++) deep = { type: 'not', condition: deep };
    expect(validateFilter(deep)).toEqual(deep);
    expect(problems({ type: 'not', condition: deep })).toEqual([
      { path: `filter${'.condition'.repeat(MAX_FILTER_DEPTH)}`, message: `nesting is deeper than ${MAX_FILTER_DEPTH} levels` },
    ]);
    let absurd: unknown = age;
    for (let i = 0; i < 100_000; i++) absurd = { type: 'and', conditions: [absurd] };
    expect(problems(absurd)[0]!.message).toContain('deeper');
  });

  it('limits the number of conditions and of listed values', () => {
    const many = (n: number): Filter => ({ type: 'or', conditions: Array.from({ length: n }, () => age) });
    expect(validateFilter({ type: 'and', conditions: [many(100), many(100)] })).toBeTruthy();
    expect(problems({ type: 'and', conditions: [many(100), many(101)] })).toEqual([
      { path: 'filter', message: `a filter has at most ${MAX_FILTER_CONDITIONS} conditions` },
    ]);
    const list = (n: number): Filter => ({ type: 'field', field: 'n', op: 'in', values: Array.from({ length: n }, (_, i) => i) });
    const lists = (n: number): Filter => ({ type: 'and', conditions: Array.from({ length: n }, () => list(1000)) });
    expect(validateFilter(lists(MAX_FILTER_VALUES / 1000))).toBeTruthy();
    expect(problems(lists(MAX_FILTER_VALUES / 1000 + 1))[0]!.path).toBe(`filter.conditions.${MAX_FILTER_VALUES / 1000}.values`);
  });
});

describe('isoDateToEpoch', () => {
  it('reads dates as UTC midnight, date-times without zone as UTC, and offsets', () => {
    expect(isoDateToEpoch('2024-01-31')).toBe(Date.UTC(2024, 0, 31));
    expect(isoDateToEpoch('2024-01-31T09:30')).toBe(Date.UTC(2024, 0, 31, 9, 30));
    expect(isoDateToEpoch('2024-01-31T09:30:15.5Z')).toBe(Date.UTC(2024, 0, 31, 9, 30, 15, 500));
    expect(isoDateToEpoch('2024-01-31T09:30:00-05:00')).toBe(Date.UTC(2024, 0, 31, 14, 30));
    expect(isoDateToEpoch('0050-03-01')).toBe(new Date('0050-03-01T00:00:00Z').getTime());
    expect(isoDateToEpoch('1900-02-29')).toBeUndefined();
    expect(isoDateToEpoch('2000-02-29')).toBe(Date.UTC(2000, 1, 29));
  });
});
