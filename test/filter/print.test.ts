import { describe, expect, it } from 'vitest';
import type { Filter } from '../../src/core/targeting/filter/ast.js';
import { parseFilter } from '../../src/core/targeting/filter/parse.js';
import { normalizeFilter, printFilter } from '../../src/core/targeting/filter/print.js';

const eq = (field: string, value: string | number | boolean): Filter => ({ type: 'field', field, op: 'eq', value });
const [a, b, c] = [eq('a', 1), eq('b', 2), eq('c', 3)];

describe('printFilter', () => {
  it('writes the canonical form of the brief example', () => {
    const text = 'country = "CA" and age >= 18 and not completed("onboarding") and days_since_last_invited > 14';
    expect(printFilter(parseFilter(text))).toBe(text);
    expect(printFilter(parseFilter('Country  ==  "CA"  AND NOT Completed( "x" )'))).toBe('Country = "CA" and not completed("x")');
  });

  it('uses parentheses only where precedence needs them', () => {
    expect(printFilter({ type: 'and', conditions: [{ type: 'or', conditions: [a, b] }, c] })).toBe('(a = 1 or b = 2) and c = 3');
    expect(printFilter({ type: 'or', conditions: [{ type: 'and', conditions: [a, b] }, c] })).toBe('a = 1 and b = 2 or c = 3');
    expect(printFilter({ type: 'not', condition: { type: 'and', conditions: [a, b] } })).toBe('not (a = 1 and b = 2)');
    expect(printFilter({ type: 'not', condition: { type: 'not', condition: a } })).toBe('not not a = 1');
    expect(printFilter({ type: 'and', conditions: [{ type: 'not', condition: a }, b] })).toBe('not a = 1 and b = 2');
  });

  it('prints numbers so they read back as the same number', () => {
    for (const n of [1e21, -1e21, 1e-7, -0, 5e-324, Number.MAX_VALUE, 0.1 + 0.2, -12.5, 2 ** 53 + 2]) {
      const text = printFilter(eq('a', n));
      expect(Object.is((parseFilter(text) as { value: number }).value, n)).toBe(true);
    }
    expect(printFilter(eq('a', 1e21))).toBe('a = 1e+21');
    expect(printFilter(eq('a', -0))).toBe('a = -0');
  });

  it('quotes strings with JSON escapes', () => {
    expect(printFilter(eq('a', 'say "hi"\n\\'))).toBe('a = "say \\"hi\\"\\n\\\\"');
  });

  it('backticks fields that are not plain identifiers or that read as keywords, functions or metrics', () => {
    expect(printFilter(eq('plan.tier', 'pro'))).toBe('`plan.tier` = "pro"');
    expect(printFilter(eq('a-b', 1))).toBe('`a-b` = 1');
    for (const name of ['and', 'In', 'SET', 'true', 'answered', 'Invited', 'completions', 'Days_Since_Last_Invited']) {
      expect(printFilter(eq(name, 1))).toBe(`\`${name}\` = 1`);
    }
    expect(printFilter(eq('_x1', 1))).toBe('_x1 = 1');
  });

  it('prints every construct', () => {
    const all: [Filter, string][] = [
      [{ type: 'field', field: 'a', op: 'not_in', values: ['x', 2, false] }, 'a not in ("x", 2, false)'],
      [{ type: 'field', field: 'a', op: 'between', min: '2024-01-01', max: '2024-02-01' }, 'a between "2024-01-01" and "2024-02-01"'],
      [{ type: 'field', field: 'a', op: 'within_last_days', days: 7 }, 'a within last 7 days'],
      [{ type: 'field', field: 'a', op: 'is_not_set' }, 'a is not set'],
      [{ type: 'field', field: 'a', op: 'starts_with', value: 'x' }, 'a starts_with "x"'],
      [{ type: 'field', field: 'a', op: 'before', value: '2024-01-01' }, 'a before "2024-01-01"'],
      [{ type: 'response', chat: 'c', question: 'q' }, 'answered("c", "q")'],
      [{ type: 'response', chat: 'c', question: 'q', value: 'v' }, 'answered("c", "q", "v")'],
      [{ type: 'participation', event: 'clicked' }, 'clicked()'],
      [{ type: 'metric', metric: 'completions', chat: 'c', op: 'neq', value: 0 }, 'completions("c") != 0'],
    ];
    for (const [filter, text] of all) expect(printFilter(filter)).toBe(text);
  });
});

describe('normalizeFilter', () => {
  it('flattens same-type groups and unwraps single-child groups at every level', () => {
    const nested: Filter = {
      type: 'and',
      conditions: [{ type: 'and', conditions: [a, { type: 'or', conditions: [{ type: 'and', conditions: [b, c] }] }] }, { type: 'not', condition: { type: 'or', conditions: [a] } }],
    };
    expect(normalizeFilter(nested)).toEqual({ type: 'and', conditions: [a, b, c, { type: 'not', condition: a }] });
    expect(normalizeFilter({ type: 'or', conditions: [{ type: 'or', conditions: [a] }] })).toEqual(a);
  });
});
