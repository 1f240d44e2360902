import { sql } from 'drizzle-orm';
import { expect, it } from 'vitest';
import { memberAtPlace, orderLength, placeOfMember, sampleOrder } from '../../src/core/targeting/sample.js';
import { describeEachDatabase } from '../support/databases.js';

describeEachDatabase('sample order', (get) => {
  it('is a permutation of the id range, walked forwards and undone backwards, in libSQL', async () => {
    for (const [seed, topId] of [['a', 1], ['b', 3], ['c', 200], ['d', 1000], ['e', 5000]] as const) {
      const order = sampleOrder(seed, topId);
      const length = orderLength(order);
      expect(length).toBeGreaterThan(topId);
      expect(length).toBeLessThanOrEqual(Math.max(4, 2 * topId + 1));
      const [row] = await get().db.all<{ n: number; distinct_ids: number; lo: number; hi: number; undone: number }>(sql`
        WITH RECURSIVE walk(place) AS (SELECT 0 UNION ALL SELECT place + 1 FROM walk WHERE place < ${length - 1}),
          mapped AS (SELECT place, ${memberAtPlace(order, sql`place`)} AS id FROM walk)
        SELECT count(*) AS n, count(DISTINCT id) AS distinct_ids, min(id) AS lo, max(id) AS hi,
          sum(${placeOfMember(order, sql`id`)} = place) AS undone FROM mapped`);
      expect(row).toEqual({ n: length, distinct_ids: length, lo: 0, hi: length - 1, undone: length });
    }
  });

  it('differs from seed to seed and mixes the whole range', async () => {
    const first = async (seed: string) => {
      const order = sampleOrder(seed, 100_000);
      const rows = await get().db.all<{ id: number }>(sql`
        WITH RECURSIVE walk(place) AS (SELECT 0 UNION ALL SELECT place + 1 FROM walk WHERE place < 999)
        SELECT ${memberAtPlace(order, sql`place`)} AS id FROM walk`);
      return rows.map((r) => r.id);
    };
    const a = await first('alpha');
    const b = await first('beta');
    const shared = a.filter((id) => new Set(b).has(id)).length;
    // Two independent draws of 1,000 from 131,072 share about 8.
    expect(shared).toBeLessThan(40);
    // The first thousand places land all over the range: each eighth of it gets about 125.
    const eighths = Array.from({ length: 8 }, (_, k) => a.filter((id) => Math.floor(id / (131_072 / 8)) === k).length);
    for (const n of eighths) expect(n).toBeGreaterThan(75);
    expect(await first('alpha')).toEqual(a);
  });

  it('refuses ids beyond what its arithmetic holds', () => {
    expect(() => sampleOrder('x', 2 ** 63)).toThrow(/2\^62/);
    expect(sampleOrder('x', 2 ** 61).bits).toBe(62);
  });
});
