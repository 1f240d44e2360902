// Property (a): the two forms of a filter say the same thing.
import fc from 'fast-check';
import { expect, it } from 'vitest';
import { parseFilter } from '../../src/core/targeting/filter/parse.js';
import { normalizeFilter, printFilter } from '../../src/core/targeting/filter/print.js';
import { validateFilter } from '../../src/core/targeting/filter/validate.js';
import { filterArbitrary, wideDomain } from './arbitraries.js';

it('parseFilter(printFilter(f)) is normalizeFilter(f), and validateFilter accepts f, for random valid filters', () => {
  fc.assert(
    fc.property(filterArbitrary(wideDomain), (f) => {
      expect(validateFilter(f)).toEqual(f);
      const text = printFilter(f);
      expect(parseFilter(text)).toStrictEqual(normalizeFilter(f));
      expect(printFilter(parseFilter(text))).toBe(text);
    }),
    { numRuns: 1500 },
  );
});
