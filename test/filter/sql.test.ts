// Property (b): the compiled SQL selects exactly the members the in-memory oracle says match.
import { sql } from 'drizzle-orm';
import fc from 'fast-check';
import { expect, it } from 'vitest';
import { MAX_FILTER_CONDITIONS, type Filter } from '../../src/core/targeting/filter/ast.js';
import { compileFilter } from '../../src/core/targeting/filter/compile.js';
import { loadAttributeSlots } from '../../src/core/members/attribute-slots.js';
import { parseFilter } from '../../src/core/targeting/filter/parse.js';
import { printFilter } from '../../src/core/targeting/filter/print.js';
import { MAX_FILTER_VALUES, validateFilter } from '../../src/core/targeting/filter/validate.js';
import { describeEachDatabase } from '../support/databases.js';
import { filterArbitrary } from './arbitraries.js';
import { communityArbitrary, communityDomain, NOW, oracleMember, selectMatching, storeCommunity } from './community.js';
import { matches, type OracleMember } from './oracle.js';

const DAY = 86_400_000;

function expected(filter: Filter, community: OracleMember[], now = NOW): string[] {
  return community.filter((m) => matches(filter, m, now)).map((m) => m.externalId).sort();
}

describeEachDatabase('compiled filters', (get) => {
  it('select the members the oracle selects (random communities × random filters)', async () => {
    const { db } = get();
    let nonTrivial = 0;
    await fc.assert(
      fc.asyncProperty(communityArbitrary, fc.array(filterArbitrary(communityDomain), { minLength: 10, maxLength: 10 }), async (community, filters) => {
        await storeCommunity(db, community);
        for (const filter of filters) {
          validateFilter(filter);
          const want = expected(filter, community);
          if (want.length > 0 && want.length < community.length) nonTrivial++;
          expect(await selectMatching(db, filter), printFilter(filter)).toEqual(want);
        }
      }),
      { numRuns: 6 },
    );
    // the domains are small so that most filters split the community rather than take all or nothing
    expect(nonTrivial).toBeGreaterThan(15);
  });

  it('agree with the oracle on hand-picked edge cases', async () => {
    const { db } = get();
    const member = (id: string, over: Partial<OracleMember>) => oracleMember(id, { createdAt: NOW - 3 * DAY, ...over });
    const community = [
      member('num18', { attributes: { age: 18, joined: '2024-06-10', tier: 'a%b' }, email: 'A@x.org' }),
      member('text18', { attributes: { age: '18', joined: '2024-06-10T23:59:59.999Z', tier: 'axb' } }),
      member('bool', { attributes: { age: true, joined: '2024-06-10T00:00:00+01:00', tier: 'A_B\\' }, subscribed: false }),
      member('never', { participations: [] }),
      member('future', { participations: [{ chat: 'c', targetedAt: NOW + 1, clickedAt: null, completedAt: null }] }),
      member('today', { participations: [{ chat: 'c', targetedAt: NOW, clickedAt: null, completedAt: NOW + 1 }] }),
      member('dayago', { participations: [{ chat: 'c', targetedAt: NOW - DAY, clickedAt: NOW, completedAt: null }] }),
      member('justunder', { participations: [{ chat: 'd', targetedAt: NOW - DAY + 1, clickedAt: null, completedAt: null }] }),
    ];
    await storeCommunity(db, community);
    const allBut = (id: string) => community.map((m) => m.externalId).filter((other) => other !== id);
    const cases: [string, string[]][] = [
      ['age = "18"', ['num18', 'text18']],
      ['age = 18', ['num18']],
      ['age = true', ['bool']],
      ['age = "true"', ['bool']],
      ['age != 18', ['bool', 'dayago', 'future', 'justunder', 'never', 'text18', 'today']],
      ['age >= "18"', ['num18', 'text18', 'bool']],
      ['joined = "2024-06-10"', ['num18']],
      ['joined between "2024-06-10" and "2024-06-10T23:59:59.999Z"', ['num18', 'text18']],
      ['joined before "2024-06-10"', ['bool']],
      ['joined within last 5 days', ['num18', 'text18']],
      ['tier contains "%"', ['num18']],
      ['tier starts_with "a_"', ['bool']],
      ['tier contains "\\\\"', ['bool']],
      ['email = "a@x.org"', []],
      ['email contains "a@X"', ['num18']],
      ['not email = "A@x.org"', allBut('num18')],
      ['email != "A@x.org"', allBut('num18')],
      ['email not in ("A@x.org", "z")', allBut('num18')],
      ['not email < "b"', allBut('num18')],
      ['email is not set', allBut('num18')],
      ['subscribed = false', ['bool']],
      ['created_at within last 3 days', community.map((m) => m.externalId)],
      ['created_at after "2024-06-12"', []],
      ['days_since_last_invited = 0', ['justunder', 'today']],
      ['days_since_last_invited >= 0', ['bool', 'dayago', 'justunder', 'never', 'num18', 'text18', 'today']],
      ['days_since_last_invited < 0', ['future']],
      ['days_since_last_invited = 1', ['dayago']],
      ['days_since_last_invited("d") > 0', ['bool', 'dayago', 'future', 'never', 'num18', 'text18', 'today']],
      ['days_since_last_invited != 0', ['bool', 'dayago', 'future', 'never', 'num18', 'text18']],
      ['completions = 0 and invited()', ['dayago', 'future', 'justunder']],
      ['completions("c") >= 1', ['today']],
      ['clicked("c")', ['dayago']],
    ];
    for (const [text, ids] of cases) {
      const filter = parseFilter(text);
      expect(expected(filter, community), `oracle: ${text}`).toEqual([...ids].sort());
      expect(await selectMatching(db, filter), text).toEqual([...ids].sort());
    }
  });

  it('run the largest filter validation allows (bound parameters stay under the SQLite limit)', async () => {
    const { db } = get();
    const list = (k: number): Filter => ({ type: 'field', field: `n${k}`, op: 'in', values: Array.from({ length: 1000 }, (_, i) => (i % 2 ? i : `v${i}`)) });
    const lists = Array.from({ length: MAX_FILTER_VALUES / 1000 }, (_, k) => list(k));
    const rest = Array.from({ length: MAX_FILTER_CONDITIONS - lists.length }, (_, k): Filter => ({ type: 'response', chat: `c${k}`, question: 'q', value: 'v' }));
    const largest = validateFilter({ type: 'or', conditions: [...lists, ...rest] });
    await storeCommunity(db, []);
    expect(await selectMatching(db, largest)).toEqual([]);
  });

  it('answer response and participation conditions from their indexes, attributes from the member row', async () => {
    const { db } = get();
    await storeCommunity(db, [oracleMember('m', { attributes: { country: 'CA', age: 30 } })]);
    const slots = await loadAttributeSlots(db);
    const plan = async (text: string) => {
      const rows = await db.all<{ detail: string }>(sql`EXPLAIN QUERY PLAN SELECT m.id FROM members m WHERE ${compileFilter(parseFilter(text), { now: NOW, slots })}`);
      return rows.map((r) => r.detail).join('\n');
    };
    // One pass over members, no other table.
    expect(await plan('country = "CA" and age >= 18')).toBe('SCAN m');
    expect(await plan('answered("c", "q", "yes")')).toMatch(/chat_responses_question_idx/);
    // A response condition narrows the members first: the attribute is then read from those rows only.
    expect(await plan('country = "CA" and answered("c", "q", "yes")')).toMatch(/SEARCH m USING INTEGER PRIMARY KEY/);
    // With a chat: one primary-key probe per invitation of that chat; without: the member index.
    expect(await plan('completions("c") >= 1')).toMatch(/SEARCH p USING PRIMARY KEY \(invitation_seq=\? AND member_id=\?\)/);
    expect(await plan('completed("c")')).not.toMatch(/SCAN p/);
    expect(await plan('days_since_last_invited > 14')).toMatch(/participations_member_idx/);
  });
});
