// User text never becomes SQL: attribute names, values and chat ids travel as bound parameters.
import { sql } from 'drizzle-orm';
import { SQLiteSyncDialect } from 'drizzle-orm/sqlite-core';
import { describe, expect, it } from 'vitest';
import { ValidationError } from '../../src/core/errors.js';
import type { Filter } from '../../src/core/targeting/filter/ast.js';
import { compileFilter } from '../../src/core/targeting/filter/compile.js';
import { parseFilter } from '../../src/core/targeting/filter/parse.js';
import { printFilter } from '../../src/core/targeting/filter/print.js';
import { validateFilter } from '../../src/core/targeting/filter/validate.js';
import { describeEachDatabase } from '../support/databases.js';
import { NOW, oracleMember, selectMatching, storeCommunity } from './community.js';
import { matches } from './oracle.js';

const payloads = [
  "'; DROP TABLE members; --",
  '"; DROP TABLE member_attributes; --',
  "x' OR '1'='1",
  '`members`',
  "\\'); DELETE FROM participations; --",
  '%',
  '_',
];

const community = payloads.map((p, i) =>
  oracleMember(`evil-${i}`, {
    email: p,
    attributes: { note: p, 'x.y-z': p },
    responses: [{ chat: p, question: p, value: p }],
    participations: [{ chat: p, targetedAt: NOW - 86_400_000, clickedAt: NOW, completedAt: null }],
  }),
);

function filtersAbout(p: string): Filter[] {
  return [
    { type: 'field', field: 'note', op: 'eq', value: p },
    { type: 'field', field: 'x.y-z', op: 'in', values: [p, 'other'] },
    { type: 'field', field: 'note', op: 'contains', value: p },
    { type: 'field', field: 'note', op: 'starts_with', value: p },
    { type: 'field', field: 'note', op: 'between', min: p, max: p },
    { type: 'field', field: 'email', op: 'neq', value: p },
    { type: 'response', chat: p, question: p, value: p },
    { type: 'participation', event: 'clicked', chat: p },
    { type: 'metric', metric: 'completions', chat: p, op: 'eq', value: 0 },
    { type: 'metric', metric: 'days_since_last_invited', chat: p, op: 'gte', value: 1 },
  ];
}

describeEachDatabase('filters with hostile text', (get) => {
  it('select what the oracle says and leave every table intact', async () => {
    const { db } = get();
    await storeCommunity(db, community);
    const counts = async () =>
      db.all<{ n: number }>(
        sql`SELECT (SELECT count(*) FROM members) + (SELECT count(*) FROM attribute_slots) * 1000 + (SELECT count(*) FROM participations) * 1000000 AS n`,
      );
    const before = await counts();
    for (const p of payloads) {
      for (const filter of filtersAbout(p)) {
        const fromText = parseFilter(printFilter(filter));
        const want = community.filter((m) => matches(fromText, m, NOW)).map((m) => m.externalId).sort();
        expect(await selectMatching(db, validateFilter(filter)), printFilter(filter)).toEqual(want);
        expect(await selectMatching(db, fromText)).toEqual(want);
      }
    }
    expect(await counts()).toEqual(before);
    expect(before[0]!.n).toBe(7 + 2 * 1000 + 7 * 1_000_000);
  });

  it('bind even names that validation would refuse', async () => {
    const { db } = get();
    await storeCommunity(db, community);
    const forged: Filter = { type: 'field', field: "note') OR 1=1; DROP TABLE members; --", op: 'is_set' };
    expect(await selectMatching(db, forged)).toEqual([]);
    expect(await selectMatching(db, { type: 'not', condition: forged })).toHaveLength(community.length);
    const [{ n }] = (await db.all<{ n: number }>(sql`SELECT count(*) AS n FROM members`)) as [{ n: number }];
    expect(n).toBe(community.length);
  });
});

describe('compiled SQL text', () => {
  it('contains no user text: every name and value is a parameter', () => {
    const dialect = new SQLiteSyncDialect();
    const marker = 'Zq9"`\'marker';
    // Attribute names reach the SQL only as the numbers of their slots.
    const slots = new Map([
      ['note', 1],
      ['x.y-z', 2],
      ['Zq9marker', 3],
    ]);
    const withValues: Filter[] = [
      ...filtersAbout(marker),
      { type: 'field', field: 'Zq9marker', op: 'lt', value: marker },
      { type: 'field', field: 'preferred_locale', op: 'in', values: [marker] },
    ];
    const nameOnly: Filter[] = [
      { type: 'field', field: 'Zq9marker', op: 'within_last_days', days: 3 },
      { type: 'field', field: 'Zq9marker', op: 'is_not_set' },
    ];
    for (const filter of [...withValues, ...nameOnly]) {
      const query = dialect.sqlToQuery(compileFilter(filter, { now: NOW, slots }));
      expect(query.sql).not.toMatch(/Zq9|marker|note|x\.y-z/);
      expect(query.params.some((v) => typeof v === 'string' && v.includes('Zq9'))).toBe(withValues.includes(filter));
    }
    expect(dialect.sqlToQuery(compileFilter(nameOnly[1]!, { now: NOW, slots })).sql).toBe('m."attr_3" IS NULL');
  });

  it('reads member columns only through the fixed map', () => {
    const dialect = new SQLiteSyncDialect();
    const query = dialect.sqlToQuery(compileFilter({ type: 'field', field: 'timezone', op: 'eq', value: 'UTC' }, { now: NOW, slots: new Map() }));
    expect(query.sql).toBe('coalesce(m."time_zone" = ?, 0)');
    // inherited object keys are attribute names like any other, not columns
    const isSet: Filter = { type: 'field', field: 'constructor', op: 'is_set' };
    expect(dialect.sqlToQuery(compileFilter(isSet, { now: NOW, slots: new Map() })).sql).toBe('0');
    expect(dialect.sqlToQuery(compileFilter(isSet, { now: NOW, slots: new Map([['constructor', 7]]) })).sql).toBe('m."attr_7" IS NOT NULL');
  });
});

describe('validateFilter and attribute names', () => {
  it.each(["x'; DROP TABLE members; --", 'a b', '`x`', '', '1abc', 'a'.repeat(65), 'é', 'a;b', 'a"b'])('rejects %j', (name) => {
    expect(() => validateFilter({ type: 'field', field: name, op: 'is_set' })).toThrow(ValidationError);
  });

  it('accepts dots, hyphens and underscores', () => {
    expect(validateFilter({ type: 'field', field: '_plan.tier-2', op: 'is_set' })).toEqual({ type: 'field', field: '_plan.tier-2', op: 'is_set' });
  });
});
