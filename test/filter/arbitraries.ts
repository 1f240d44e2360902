// fast-check generators of valid filters, parameterized by the values they draw from: wide domains for
// the parse/print round trip, small ones for the SQL-versus-oracle test so that conditions actually hit.
import fc from 'fast-check';
import {
  comparisonOps,
  coreFields,
  metricNames,
  type CoreField,
  type FieldCondition,
  type Filter,
  type ScalarValue,
} from '../../src/core/targeting/filter/ast.js';
import { filterDate } from './oracle.js';

export interface FilterDomain {
  attributes: fc.Arbitrary<string>;
  /** Any strings, ISO-looking or not. */
  strings: fc.Arbitrary<string>;
  numbers: fc.Arbitrary<number>;
  /** ISO dates and date-times a filter accepts. */
  dates: fc.Arbitrary<string>;
  days: fc.Arbitrary<number>;
  chats: fc.Arbitrary<string>;
  questions: fc.Arbitrary<string>;
  answers: fc.Arbitrary<string>;
  metricValues: fc.Arbitrary<number>;
  /** Groups and nots nest at most this deep below the root. */
  maxDepth: number;
}

const field = <T extends Omit<FieldCondition, 'type' | 'field'>>(name: string, rest: T) => ({ type: 'field', field: name, ...rest }) as FieldCondition;

function withoutUndefined<T extends object>(o: T): T {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as T;
}

interface FieldValues {
  names: fc.Arbitrary<string>;
  values: fc.Arbitrary<ScalarValue>;
  ordered: fc.Arbitrary<string | number>;
  texts: fc.Arbitrary<string>;
  ranges: fc.Arbitrary<[string | number, string | number]>;
}

function fieldConditions(d: FilterDomain, { names, values, ordered, texts, ranges }: FieldValues) {
  return fc.oneof(
    fc.tuple(names, fc.constantFrom('eq', 'neq'), values).map(([n, op, value]) => field(n, { op, value })),
    fc.tuple(names, fc.constantFrom('lt', 'lte', 'gt', 'gte'), ordered).map(([n, op, value]) => field(n, { op, value })),
    fc.tuple(names, fc.constantFrom('in', 'not_in'), fc.array(values, { minLength: 1, maxLength: 4 })).map(([n, op, vs]) => field(n, { op, values: vs })),
    fc.tuple(names, fc.constantFrom('contains', 'starts_with'), texts.filter((s) => s.length > 0)).map(([n, op, value]) => field(n, { op, value })),
    fc.tuple(names, ranges).map(([n, [min, max]]) => field(n, { op: 'between', min, max })),
    fc.tuple(names, fc.constantFrom('before', 'after'), d.dates).map(([n, op, value]) => field(n, { op, value })),
    fc.tuple(names, d.days).map(([n, days]) => field(n, { op: 'within_last_days', days })),
    fc.tuple(names, fc.constantFrom('is_set', 'is_not_set')).map(([n, op]) => field(n, { op })),
  );
}

const coreNamesOf = (kind: 'text' | 'boolean' | 'date') =>
  fc.constantFrom(...(Object.keys(coreFields) as CoreField[]).filter((k) => coreFields[k].kind === kind));

function coreConditions(d: FilterDomain): fc.Arbitrary<FieldCondition> {
  const strings = { values: d.strings, ordered: d.strings, texts: d.strings, ranges: fc.tuple(d.strings, d.strings) };
  const text = fieldConditions(d, { names: coreNamesOf('text'), ...strings }).filter(
    (f) => !['before', 'after', 'within_last_days'].includes(f.op),
  );
  const flag = fc.oneof(
    fc.tuple(coreNamesOf('boolean'), fc.constantFrom('eq', 'neq'), fc.boolean()).map(([n, op, value]) => field(n, { op, value })),
    fc.tuple(coreNamesOf('boolean'), fc.constantFrom('is_set', 'is_not_set')).map(([n, op]) => field(n, { op })),
  );
  const dates = { values: d.dates, ordered: d.dates, texts: d.dates, ranges: fc.tuple(d.dates, d.dates) };
  const date = fieldConditions(d, { names: coreNamesOf('date'), ...dates }).filter((f) => !['in', 'not_in', 'contains', 'starts_with'].includes(f.op));
  return fc.oneof(text, flag, date);
}

export function filterArbitrary(d: FilterDomain): fc.Arbitrary<Filter> {
  const nonDates = d.strings.filter((s) => filterDate(s) === null);
  const attributes: FieldValues = {
    names: d.attributes,
    values: fc.oneof(d.strings, d.dates, d.numbers, fc.boolean()),
    ordered: fc.oneof(d.strings, d.dates, d.numbers),
    texts: d.strings,
    // both ends of the same kind: numbers, dates, or other strings
    ranges: fc.oneof(fc.tuple(d.numbers, d.numbers), fc.tuple(d.dates, d.dates), fc.tuple(nonDates, nonDates)),
  };
  const leaf: fc.Arbitrary<Filter> = fc.oneof(
    { weight: 4, arbitrary: fieldConditions(d, attributes) },
    { weight: 2, arbitrary: coreConditions(d) },
    fc
      .record({ chat: d.chats, question: d.questions, value: fc.option(d.answers, { nil: undefined }) })
      .map((r) => withoutUndefined({ type: 'response' as const, ...r })),
    fc
      .record({ event: fc.constantFrom('invited', 'clicked', 'completed'), chat: fc.option(d.chats, { nil: undefined }) })
      .map((r) => withoutUndefined({ type: 'participation' as const, ...r })),
    fc
      .record({
        metric: fc.constantFrom(...metricNames),
        chat: fc.option(d.chats, { nil: undefined }),
        op: fc.constantFrom(...comparisonOps),
        value: d.metricValues,
      })
      .map((r) => withoutUndefined({ type: 'metric' as const, ...r })),
  );
  const { node } = fc.letrec<{ node: Filter; group: Filter; not: Filter }>((tie) => ({
    node: fc.oneof({ maxDepth: d.maxDepth, depthIdentifier: 'filter' }, leaf, tie('group'), tie('not')),
    group: fc.record({ type: fc.constantFrom('and', 'or'), conditions: fc.array(tie('node'), { minLength: 1, maxLength: 3 }) }),
    not: tie('node').map((condition): Filter => ({ type: 'not', condition })),
  }));
  return node;
}

// ---- the wide domain: anything the schema accepts ----

const trickyStrings = ['"', '\\', '\n', '\t', '\u0000', '\u001f', '\u2028', '\ud800', '😀', '`', "'", 'and', '%_', ' ', 'x" or 1 = 1'];
const reservedLooking = ['and', 'In', 'NOT', 'answered', 'Completions', 'invited', 'days', 'set', 'plan.tier', 'a-b', '_', 'x1.2', 'v2'];

export const isoDate: fc.Arbitrary<string> = fc
  .record({
    year: fc.integer({ min: 0, max: 9999 }),
    month: fc.integer({ min: 1, max: 12 }),
    day: fc.integer({ min: 1, max: 28 }),
    time: fc.option(
      fc.record({
        hour: fc.integer({ min: 0, max: 23 }),
        minute: fc.integer({ min: 0, max: 59 }),
        second: fc.option(fc.integer({ min: 0, max: 59 }), { nil: undefined }),
        millis: fc.option(fc.integer({ min: 0, max: 999 }), { nil: undefined }),
        zone: fc.constantFrom('', 'Z', '+02:00', '-05:30', '+14:00'),
      }),
      { nil: undefined },
    ),
  })
  .map(({ year, month, day, time }) => {
    const p = (n: number, w = 2) => String(n).padStart(w, '0');
    let s = `${p(year, 4)}-${p(month)}-${p(day)}`;
    if (time) {
      s += `T${p(time.hour)}:${p(time.minute)}`;
      if (time.second !== undefined) s += `:${p(time.second)}${time.millis !== undefined ? `.${p(time.millis, 3)}` : ''}`;
      s += time.zone;
    }
    return s;
  });

export const wideDomain: FilterDomain = {
  attributes: fc.oneof(
    fc.stringMatching(/^[A-Za-z_][A-Za-z0-9_.-]{0,20}$/).filter((s) => !Object.hasOwn(coreFields, s) && !(metricNames as readonly string[]).includes(s)),
    fc.constantFrom(...reservedLooking),
  ),
  strings: fc.oneof(fc.string({ unit: 'binary', maxLength: 12 }), fc.constantFrom(...trickyStrings), fc.string({ maxLength: 500, minLength: 490 })),
  numbers: fc.oneof(
    fc.integer(),
    fc.double({ noNaN: true, noDefaultInfinity: true }).filter(Number.isFinite),
    fc.constantFrom(-0, 0, 1e21, -1e21, 1e-7, -2.5e-8, 5e-324, Number.MAX_VALUE, Number.MAX_SAFE_INTEGER + 2),
  ),
  dates: isoDate,
  days: fc.integer({ min: 0, max: 36500 }),
  chats: fc.oneof(fc.string({ unit: 'binary', minLength: 1, maxLength: 64 }), fc.constantFrom("o'brien", 'a"b', 'chat')),
  questions: fc.string({ unit: 'binary', minLength: 1, maxLength: 30 }),
  answers: fc.oneof(fc.string({ unit: 'binary', maxLength: 20 }), fc.constantFrom(...trickyStrings)),
  metricValues: fc.integer({ min: 0, max: 1_000_000 }),
  maxDepth: 4,
};
