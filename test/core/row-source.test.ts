import { describe, expect, it } from 'vitest';
import { jsonScalarArray, utf8Length } from '../../src/core/row-source.js';

describe('jsonScalarArray', () => {
  it('writes what JSON.stringify writes, escapes included', () => {
    const tricky = ['', 'plain', 'say "hi"', 'back\\slash', 'tab\there', 'line\nbreak', '\u0000\u001f', '\u007f', 'é', 'Sébastien', '\u2028\u2029', '😀', '\ud800', '</script>'];
    const values = [...tricky, 0, -0, 42, -7.25, 1e21, 5e-324, true, false, null];
    expect(jsonScalarArray(values)).toBe(JSON.stringify(values));
    expect(JSON.parse(jsonScalarArray(values))).toEqual(JSON.parse(JSON.stringify(values)));
    expect(jsonScalarArray([])).toBe('[]');
  });

  it('matches JSON.stringify on random strings', () => {
    const alphabet = ['a', 'Z', '0', ' ', '"', '\\', '\n', '\u0001', '\u007f', 'ü', '\u2028', '😀', '\udc00'];
    let seed = 7;
    const random = () => (seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31;
    for (let n = 0; n < 500; n++) {
      const text = Array.from({ length: Math.floor(random() * 12) }, () => alphabet[Math.floor(random() * alphabet.length)]).join('');
      expect(jsonScalarArray([text, n])).toBe(JSON.stringify([text, n]));
    }
  });

  it('keeps non-ASCII text, so its UTF-8 length is counted as such', () => {
    const json = jsonScalarArray(['Sébastien']);
    expect(utf8Length(json)).toBe(new TextEncoder().encode(json).length);
    expect(utf8Length(json)).toBe(json.length + 1);
  });
});
