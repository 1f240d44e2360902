import { describe, expect, it } from 'vitest';
import { CellProblem, isIsoDate, typeCell } from '../../src/core/imports/cells.js';

describe('attribute typing rule', () => {
  it('infers boolean, number and string from the text', () => {
    expect(typeCell('', undefined)).toBeUndefined();
    expect(typeCell('   ', undefined)).toBeUndefined();
    expect(typeCell('TRUE', undefined)).toBe(true);
    expect(typeCell('False', undefined)).toBe(false);
    expect(typeCell('42', undefined)).toBe(42);
    expect(typeCell(' 42 ', undefined)).toBe(42);
    expect(typeCell('-3.25', undefined)).toBe(-3.25);
    expect(typeCell('0', undefined)).toBe(0);
    expect(typeCell('0.5', undefined)).toBe(0.5);
    // Leading zeros, exponents, signs and thousands separators keep the text: zip codes and codes stay strings.
    for (const text of ['02134', '007', '1e5', '+1', '1,000', '.5', '5.', 'yes', 'NaN']) {
      expect(typeCell(text, undefined)).toBe(text.trim());
    }
    expect(typeCell('2024-02-01', undefined)).toBe('2024-02-01');
  });

  it('follows a forced type from the header suffix', () => {
    expect(typeCell('02134', 'string')).toBe('02134');
    expect(typeCell('true', 'string')).toBe('true');
    expect(typeCell('007', 'number')).toBe(7);
    expect(typeCell('1e3', 'number')).toBe(1000);
    expect(typeCell('yes', 'boolean')).toBe(true);
    expect(typeCell('0', 'boolean')).toBe(false);
    expect(typeCell('2024-02-29', 'date')).toBe('2024-02-29');
    expect(typeCell('2024-02-29T10:30:00Z', 'date')).toBe('2024-02-29T10:30:00Z');
    expect(typeCell('', 'number')).toBeUndefined();
  });

  it('reports a forced type that does not fit', () => {
    expect(typeCell('abc', 'number')).toEqual(new CellProblem('must be a number, got "abc"'));
    expect(typeCell('maybe', 'boolean')).toBeInstanceOf(CellProblem);
    expect(typeCell('2023-02-29', 'date')).toBeInstanceOf(CellProblem);
    expect(typeCell('01/02/2024', 'date')).toBeInstanceOf(CellProblem);
  });

  it('knows real calendar dates', () => {
    expect(isIsoDate('2024-12-31')).toBe(true);
    expect(isIsoDate('2024-13-01')).toBe(false);
    expect(isIsoDate('2024-04-31')).toBe(false);
    expect(isIsoDate('2024-04-30 10:30')).toBe(true);
    expect(isIsoDate('2024-04-30T10:30:00.5+02:00')).toBe(true);
    expect(isIsoDate('2024-04-30T25:00')).toBe(false); // SQLite would not read it as a date
  });
});
