import { sql } from 'drizzle-orm';
import { expect, it } from 'vitest';
import { ensureAttributeSlots, loadAttributeSlots, MAX_ATTRIBUTE_NAMES, storedDateEpoch } from '../../src/core/members/attribute-slots.js';
import { testApp } from '../support/app.js';
import { describeEachDatabase } from '../support/databases.js';

it('reads stored dates the way filters do, to the millisecond', () => {
  expect(storedDateEpoch('2024-02-01')).toBe(Date.UTC(2024, 1, 1));
  expect(storedDateEpoch('2024-02-01 09:30')).toBe(Date.UTC(2024, 1, 1, 9, 30));
  expect(storedDateEpoch('2024-02-01T09:30:15.123456+02:00')).toBe(Date.UTC(2024, 1, 1, 7, 30, 15, 123));
  for (const text of ['2024-02-30', '2024-13-01', '2024-02-01T24:00', '2024-02-01T09:30.5', '2024-02-01x', '20240201', 'CA']) {
    expect(storedDateEpoch(text), text).toBeUndefined();
  }
});

describeEachDatabase('attribute slots', (get) => {
  it('give two writers adding the same names at once one slot each', async () => {
    const { db } = get();
    const [a, b] = await Promise.all([ensureAttributeSlots(db, ['race_a', 'race_b']), ensureAttributeSlots(db, ['race_b', 'race_a'])]);
    expect(a.get('race_a')).toBe(b.get('race_a'));
    expect(a.get('race_b')).toBe(b.get('race_b'));
    const columns = await db.all<{ name: string }>(sql`SELECT name FROM pragma_table_info('members') WHERE name GLOB 'attr_[0-9]*'`);
    expect(columns).toHaveLength(2 * (await loadAttributeSlots(db)).size);
  });

  it(`refuse a name past the ${MAX_ATTRIBUTE_NAMES}th, naming it, and write nothing`, async () => {
    const { db } = get();
    const taken = (await loadAttributeSlots(db)).size;
    await ensureAttributeSlots(db, Array.from({ length: MAX_ATTRIBUTE_NAMES - taken - 1 }, (_, i) => `fill_${i}`));
    const { call } = testApp(db);
    const refused = await call('PUT', '/api/members/limit-1', { attributes: { fill_0: 1, new_one: 'x', new_two: 'y' } });
    expect(refused.status).toBe(422);
    expect(refused.body.errors).toEqual([
      { path: 'attributes.new_one', message: `a new attribute name, but the workspace already uses ${MAX_ATTRIBUTE_NAMES - 1} of the ${MAX_ATTRIBUTE_NAMES} it may have` },
      { path: 'attributes.new_two', message: `a new attribute name, but the workspace already uses ${MAX_ATTRIBUTE_NAMES - 1} of the ${MAX_ATTRIBUTE_NAMES} it may have` },
    ]);
    expect(await db.all(sql`SELECT id FROM members WHERE external_id = 'limit-1'`)).toEqual([]);
    // The last free name is still there for the taking.
    const accepted = await call('PUT', '/api/members/limit-1', { attributes: { fill_0: 1, new_one: 'x' } });
    expect(accepted.status).toBe(200);
    expect(accepted.body.attributes).toEqual({ fill_0: 1, new_one: 'x' });
  }, 60_000);
});
