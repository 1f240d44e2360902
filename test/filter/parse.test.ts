import { describe, expect, it } from 'vitest';
import { ValidationError } from '../../src/core/errors.js';
import { MAX_FILTER_DEPTH, type Filter } from '../../src/core/targeting/filter/ast.js';
import { FilterSyntaxError, parseFilter } from '../../src/core/targeting/filter/parse.js';

const f = (field: string, op: string, value?: unknown): Filter => ({ type: 'field', field, op, ...(value === undefined ? {} : { value }) }) as Filter;
const and = (...conditions: Filter[]): Filter => ({ type: 'and', conditions });
const or = (...conditions: Filter[]): Filter => ({ type: 'or', conditions });
const not = (condition: Filter): Filter => ({ type: 'not', condition });

function syntaxError(text: string): FilterSyntaxError {
  try {
    parseFilter(text);
  } catch (e) {
    if (e instanceof FilterSyntaxError) return e;
    throw e;
  }
  throw new Error(`parsed without error: ${text}`);
}

describe('parseFilter: conditions', () => {
  it('parses the example from the product brief', () => {
    expect(parseFilter('country = "CA" and age >= 18 and not completed("onboarding") and days_since_last_invited > 14')).toEqual(
      and(
        f('country', 'eq', 'CA'),
        f('age', 'gte', 18),
        not({ type: 'participation', event: 'completed', chat: 'onboarding' }),
        { type: 'metric', metric: 'days_since_last_invited', op: 'gt', value: 14 },
      ),
    );
  });

  it.each([
    ['a = 1', 'eq'],
    ['a == 1', 'eq'],
    ['a != 1', 'neq'],
    ['a <> 1', 'neq'],
    ['a < 1', 'lt'],
    ['a <= 1', 'lte'],
    ['a > 1', 'gt'],
    ['a >= 1', 'gte'],
  ])('comparison %s', (text, op) => {
    expect(parseFilter(text)).toEqual(f('a', op, 1));
  });

  it('reads literals: strings, numbers in every form, booleans in any case', () => {
    expect(parseFilter('a = "x"')).toEqual(f('a', 'eq', 'x'));
    expect(parseFilter('a = -2.5e-3')).toEqual(f('a', 'eq', -0.0025));
    expect(parseFilter('a = 1e+21')).toEqual(f('a', 'eq', 1e21));
    expect(parseFilter('a = 10E2')).toEqual(f('a', 'eq', 1000));
    expect(Object.is((parseFilter('a = -0') as { value: number }).value, -0)).toBe(true);
    expect(parseFilter('a = TRUE')).toEqual(f('a', 'eq', true));
    expect(parseFilter('a = False')).toEqual(f('a', 'eq', false));
  });

  it('decodes string escapes exactly as JSON.stringify writes them', () => {
    const nasty = 'q"b\\s\n\t\r\b\f\u0001\u2028\ud800😀/';
    expect(parseFilter(`a = ${JSON.stringify(nasty)}`)).toEqual(f('a', 'eq', nasty));
    expect(parseFilter('a = "\\u00e9\\/"')).toEqual(f('a', 'eq', 'é/'));
  });

  it('parses in, not in, contains, starts_with, between, before, after, within, is set', () => {
    expect(parseFilter('a in ("x", 2, true)')).toEqual({ type: 'field', field: 'a', op: 'in', values: ['x', 2, true] });
    expect(parseFilter('a not in (1)')).toEqual({ type: 'field', field: 'a', op: 'not_in', values: [1] });
    expect(parseFilter('a contains "x"')).toEqual(f('a', 'contains', 'x'));
    expect(parseFilter('a starts_with "x"')).toEqual(f('a', 'starts_with', 'x'));
    expect(parseFilter('a between 1 and 5')).toEqual({ type: 'field', field: 'a', op: 'between', min: 1, max: 5 });
    expect(parseFilter('a between "b" and "c"')).toEqual({ type: 'field', field: 'a', op: 'between', min: 'b', max: 'c' });
    expect(parseFilter('a before "2024-01-01"')).toEqual(f('a', 'before', '2024-01-01'));
    expect(parseFilter('a after "2024-01-01T10:00:00Z"')).toEqual(f('a', 'after', '2024-01-01T10:00:00Z'));
    expect(parseFilter('a within last 30 days')).toEqual({ type: 'field', field: 'a', op: 'within_last_days', days: 30 });
    expect(parseFilter('a is set')).toEqual(f('a', 'is_set'));
    expect(parseFilter('a is not set')).toEqual(f('a', 'is_not_set'));
  });

  it('gives the and after between to between, and the next one to the conjunction', () => {
    expect(parseFilter('a between 1 and 5 and b = 2')).toEqual(and({ type: 'field', field: 'a', op: 'between', min: 1, max: 5 }, f('b', 'eq', 2)));
  });

  it('parses functions and metrics', () => {
    expect(parseFilter('answered("chat", "q")')).toEqual({ type: 'response', chat: 'chat', question: 'q' });
    expect(parseFilter('answered("chat", "q", "yes")')).toEqual({ type: 'response', chat: 'chat', question: 'q', value: 'yes' });
    expect(parseFilter('invited()')).toEqual({ type: 'participation', event: 'invited' });
    expect(parseFilter('clicked("c")')).toEqual({ type: 'participation', event: 'clicked', chat: 'c' });
    expect(parseFilter('completed("c")')).toEqual({ type: 'participation', event: 'completed', chat: 'c' });
    expect(parseFilter('completions >= 2')).toEqual({ type: 'metric', metric: 'completions', op: 'gte', value: 2 });
    expect(parseFilter('completions("onboarding") >= 1')).toEqual({ type: 'metric', metric: 'completions', chat: 'onboarding', op: 'gte', value: 1 });
    expect(parseFilter('days_since_last_invited("c") <= 3')).toEqual({ type: 'metric', metric: 'days_since_last_invited', chat: 'c', op: 'lte', value: 3 });
    expect(parseFilter('completions() = 0')).toEqual({ type: 'metric', metric: 'completions', op: 'eq', value: 0 });
  });

  it('accepts keywords, functions and metrics in any case; field names keep theirs', () => {
    expect(parseFilter('NOT Country In ("CA") AND Completed("c") Or COMPLETIONS >= 1 and Age Is Not Set')).toEqual(
      or(
        and(not({ type: 'field', field: 'Country', op: 'in', values: ['CA'] }), { type: 'participation', event: 'completed', chat: 'c' }),
        and({ type: 'metric', metric: 'completions', op: 'gte', value: 1 }, f('Age', 'is_not_set')),
      ),
    );
  });

  it('reads backtick fields: dots, hyphens, keywords, function and metric look-alikes', () => {
    expect(parseFilter('`plan.tier` = "pro"')).toEqual(f('plan.tier', 'eq', 'pro'));
    expect(parseFilter('`x-y` is set and `and` = 1 and `Completions` = 2 and `invited` = true')).toEqual(
      and(f('x-y', 'is_set'), f('and', 'eq', 1), f('Completions', 'eq', 2), f('invited', 'eq', true)),
    );
    expect(parseFilter('`email` = "a@x.org"')).toEqual(f('email', 'eq', 'a@x.org'));
  });

  it('allows any whitespace, including new lines', () => {
    expect(parseFilter('\n  a = 1\n\tand\r\n b = 2  ')).toEqual(and(f('a', 'eq', 1), f('b', 'eq', 2)));
  });
});

describe('parseFilter: precedence and normalization', () => {
  const [a, b, c] = [f('a', 'eq', 1), f('b', 'eq', 2), f('c', 'eq', 3)];

  it('binds not tighter than and, and and tighter than or', () => {
    expect(parseFilter('a = 1 or b = 2 and c = 3')).toEqual(or(a, and(b, c)));
    expect(parseFilter('a = 1 and b = 2 or c = 3')).toEqual(or(and(a, b), c));
    expect(parseFilter('not a = 1 and b = 2')).toEqual(and(not(a), b));
    expect(parseFilter('not not a = 1')).toEqual(not(not(a)));
  });

  it('lets parentheses override precedence', () => {
    expect(parseFilter('(a = 1 or b = 2) and c = 3')).toEqual(and(or(a, b), c));
    expect(parseFilter('not (a = 1 or b = 2)')).toEqual(not(or(a, b)));
  });

  it('flattens same-type groups and drops redundant parentheses', () => {
    expect(parseFilter('a = 1 and b = 2 and c = 3')).toEqual(and(a, b, c));
    expect(parseFilter('(a = 1 and b = 2) and c = 3')).toEqual(and(a, b, c));
    expect(parseFilter('a = 1 or (b = 2 or (c = 3))')).toEqual(or(a, b, c));
    expect(parseFilter('((a = 1))')).toEqual(a);
  });
});

describe('parseFilter: errors', () => {
  it('names the operator it expected, with line and column', () => {
    const e = syntaxError('country foo "x"');
    expect(e).toBeInstanceOf(ValidationError);
    expect(e).toMatchObject({ position: 8, line: 1, column: 9, found: 'foo' });
    expect(e.expected).toEqual(['=', '!=', '<', '<=', '>', '>=', 'in', 'not in', 'contains', 'starts_with', 'between', 'before', 'after', 'within', 'is']);
    expect(e.problems).toEqual([
      {
        path: 'expression',
        message:
          'line 1, column 9: expected a comparison operator (=, !=, <, <=, >, >=, in, not in, contains, starts_with, between, before, after, within, is), found "foo"',
      },
    ]);
  });

  it('counts lines and columns across new lines', () => {
    expect(syntaxError('a = 1\nand b = 2\n  and c ~ 3')).toMatchObject({ position: 24, line: 3, column: 9, found: '~' });
    expect(syntaxError('a = 1\n and b = ')).toMatchObject({ line: 2, column: 10, found: 'end of input', expected: ['a string', 'a number', 'true', 'false'] });
  });

  it('uses the path it is given', () => {
    try {
      parseFilter('a =', 'target.expression');
    } catch (e) {
      expect((e as ValidationError).problems[0]!.path).toBe('target.expression');
      return;
    }
    throw new Error('no error');
  });

  it('rejects empty input', () => {
    for (const text of ['', '   \n ']) {
      const e = syntaxError(text);
      expect(e).toMatchObject({ found: 'end of input', expected: ['a field', 'a function', 'a metric', 'not', '('] });
      expect(e.message).toContain('expected a condition');
    }
  });

  it('rejects unterminated strings and field names at their opening quote', () => {
    expect(syntaxError('a = 1 and b = "abc')).toMatchObject({ position: 14, column: 15, expected: ['"'], found: 'end of input' });
    expect(syntaxError('b = "abc\nor c = 1')).toMatchObject({ position: 4, line: 1, found: 'end of line' });
    expect(syntaxError('`plan.tier = 1')).toMatchObject({ position: 0, expected: ['`'] });
  });

  it('rejects bad escapes, characters and numbers where they are', () => {
    expect(syntaxError('a = "x\\qy"')).toMatchObject({ position: 6, found: '\\q' });
    expect(syntaxError('a = "\\u12"')).toMatchObject({ position: 5 });
    expect(syntaxError('a = 1 & b = 2')).toMatchObject({ position: 6, found: '&' });
    expect(syntaxError('a = 1.')).toMatchObject({ position: 4, found: '1.' });
    expect(syntaxError('a = 12abc')).toMatchObject({ position: 4, found: '12abc' });
    expect(syntaxError('a = 1e999')).toMatchObject({ position: 4 });
    expect(syntaxError('a = .5')).toMatchObject({ position: 4, found: '.' });
    expect(syntaxError('plan.tier = "pro"').message).toContain('go in backticks');
  });

  it('rejects trailing input and unbalanced parentheses', () => {
    expect(syntaxError('a = 1 b = 2')).toMatchObject({ position: 6, expected: ['and', 'or', 'end of input'], found: 'b' });
    expect(syntaxError('a = 1)')).toMatchObject({ position: 5, found: ')' });
    expect(syntaxError('(a = 1')).toMatchObject({ position: 6, expected: [')', 'and', 'or'], found: 'end of input' });
    expect(syntaxError('()')).toMatchObject({ position: 1, found: ')' });
  });

  it('rejects keywords as bare field names and suggests backticks', () => {
    const e = syntaxError('a = 1 and in = 2');
    expect(e).toMatchObject({ position: 10, found: 'in' });
    expect(e.message).toContain('write `in`');
    expect(syntaxError('invited = 1')).toMatchObject({ position: 8, expected: ['('] });
  });

  it('checks the parts of each construct', () => {
    expect(syntaxError('a in ()')).toMatchObject({ position: 6, found: ')' });
    expect(syntaxError('a in (1 2)')).toMatchObject({ position: 8, expected: [',', ')'] });
    expect(syntaxError('a not (1)')).toMatchObject({ position: 6, expected: ['in'] });
    expect(syntaxError('a between 1 or 2')).toMatchObject({ position: 12, expected: ['and'] });
    expect(syntaxError('a between true and false')).toMatchObject({ position: 10, expected: ['a number', 'a string'] });
    expect(syntaxError('a within 3 days')).toMatchObject({ position: 9, expected: ['last'] });
    expect(syntaxError('a within last 2.5 days')).toMatchObject({ position: 14, expected: ['a whole number'] });
    expect(syntaxError('a within last 2 weeks')).toMatchObject({ position: 16, expected: ['days'] });
    expect(syntaxError('a is "x"')).toMatchObject({ position: 5, expected: ['set', 'not set'] });
    expect(syntaxError('a contains 3')).toMatchObject({ position: 11, expected: ['a string'] });
    expect(syntaxError('a before 2024')).toMatchObject({ position: 9, expected: ['a string'] });
    expect(syntaxError('answered("c")')).toMatchObject({ position: 12, expected: [','] });
    expect(syntaxError('answered("c", "q", "v", "w")')).toMatchObject({ position: 22, expected: [')'] });
    expect(syntaxError('invited("a", "b")')).toMatchObject({ position: 11, expected: [')'] });
    expect(syntaxError('completions in (1)')).toMatchObject({ position: 12, expected: ['=', '!=', '<', '<=', '>', '>='] });
    expect(syntaxError('completions > -1')).toMatchObject({ position: 14, expected: ['a whole number'] });
  });

  it('reports what validation rejects at the offending part of the text', () => {
    expect(syntaxError('a = 1 and email = 5')).toMatchObject({ position: 18, found: '5', expected: [] });
    expect(syntaxError('x before "2024-02-30"').message).toContain('must be an ISO date');
    expect(syntaxError('`a b` = 1')).toMatchObject({ position: 0, found: '`a b`' });
    expect(syntaxError('x = 1 or `completions` = 2')).toMatchObject({ position: 9 });
    expect(syntaxError('x > true')).toMatchObject({ position: 4, found: 'true' });
    expect(syntaxError('subscribed contains "x"')).toMatchObject({ position: 11, found: 'contains' });
    expect(syntaxError('a between 1 and "z"')).toMatchObject({ position: 16, found: '"z"' });
    expect(syntaxError('a within last 99999 days')).toMatchObject({ position: 14 });
    expect(syntaxError(`a = ${JSON.stringify('x'.repeat(501))}`)).toMatchObject({ position: 4 });
  });

  it('limits nesting depth, at the token that goes too deep', () => {
    const ok = `${'('.repeat(MAX_FILTER_DEPTH)}a = 1${')'.repeat(MAX_FILTER_DEPTH)}`;
    expect(parseFilter(ok)).toEqual(f('a', 'eq', 1));
    const deep = `${'('.repeat(MAX_FILTER_DEPTH + 1)}a = 1${')'.repeat(MAX_FILTER_DEPTH + 1)}`;
    expect(syntaxError(deep)).toMatchObject({ position: MAX_FILTER_DEPTH, found: '(' });
    expect(syntaxError(`${'not '.repeat(MAX_FILTER_DEPTH + 1)}a = 1`)).toMatchObject({ position: 4 * MAX_FILTER_DEPTH, found: 'not' });
    expect(syntaxError('('.repeat(100_000)).message).toContain(`deeper than ${MAX_FILTER_DEPTH}`);
  });

  it('limits the number of conditions', () => {
    const text = Array.from({ length: 201 }, (_, i) => `a = ${i}`).join(' or ');
    expect(syntaxError(text).message).toContain('at most 200 conditions');
  });
});
