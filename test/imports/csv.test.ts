import { parse } from 'csv-parse/sync';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { CsvParser, CsvSyntaxError, csvRecords, type CsvRecord } from '../../src/core/imports/csv.js';

function parseAll(text: string, chunkSize = text.length || 1): CsvRecord[] {
  const parser = new CsvParser();
  const out: CsvRecord[] = [];
  for (let i = 0; i < text.length; i += chunkSize) parser.push(text.slice(i, i + chunkSize), out);
  parser.end(out);
  return out;
}

const fields = (text: string, chunkSize?: number) => parseAll(text, chunkSize).map((r) => r.fields);

describe('CSV reader', () => {
  it('splits plain lines and keeps empty fields', () => {
    expect(fields('a,b,c\n1,,3\n')).toEqual([['a', 'b', 'c'], ['1', '', '3']]);
  });

  it('reads quoted fields with commas, doubled quotes and new lines', () => {
    expect(fields('id,note\n1,"a, ""b""\nc"\n2,x\n')).toEqual([['id', 'note'], ['1', 'a, "b"\nc'], ['2', 'x']]);
  });

  it('numbers records by the line they start on, skipping blank lines', () => {
    const records = parseAll('h\n\n"a\nb"\nc\r\n\r\nd');
    expect(records.map((r) => [r.line, r.fields])).toEqual([[1, ['h']], [3, ['a\nb']], [5, ['c']], [7, ['d']]]);
  });

  it('accepts CRLF, a BOM, and a last line without a newline', () => {
    expect(fields('\uFEFFa,"b"\r\n1,2')).toEqual([['a', 'b'], ['1', '2']]);
  });

  it('gives the same records whatever the chunk boundaries', () => {
    const text = 'a,"b\r\nc",d\r\n"x""y",,"z"\r\n';
    for (const size of [1, 2, 3, 5, 8]) expect(fields(text, size)).toEqual(fields(text));
  });

  it('rejects malformed quoting with the line number', () => {
    expect(() => parseAll('a,b\n1,x"y\n')).toThrow(CsvSyntaxError);
    expect(() => parseAll('a,b\n1,x"y\n')).toThrow(/^Malformed CSV on line 2: a quote inside an unquoted field \(field 2\)/);
    expect(() => parseAll('a,b\n1,"x"y\n')).toThrow(/line 2: unexpected "y" after the closing quote/);
    expect(() => parseAll('a,b\n1,"never closed\n2,3\n')).toThrow(/line 2: a quoted field is never closed/);
  });

  it('batches records per chunk of text', async () => {
    const batches: number[] = [];
    for await (const batch of csvRecords(['a\n1\n', '2\n3'])) batches.push(batch.length);
    expect(batches).toEqual([2, 1, 1]); // the last line waits for the end of the text
  });

  it('agrees with csv-parse on random files', () => {
    const cell = fc.oneof(
      fc.stringMatching(/^[a-z0-9 .-]{0,6}$/),
      fc.string({ unit: fc.constantFrom('a', ',', '"', '\n', '\r\n', ' ', 'é'), maxLength: 6 }).map((s) => `"${s.replaceAll('"', '""')}"`),
    );
    const file = fc.array(fc.array(cell, { minLength: 1, maxLength: 4 }), { minLength: 1, maxLength: 8 });
    fc.assert(
      fc.property(file, fc.boolean(), fc.integer({ min: 1, max: 7 }), (rows, crlf, chunkSize) => {
        const text = rows.map((r) => r.join(',')).join(crlf ? '\r\n' : '\n');
        const expected = parse(text, { relax_column_count: true, skip_empty_lines: true }) as string[][];
        expect(fields(text, chunkSize)).toEqual(expected);
      }),
      { numRuns: 500 },
    );
  });
});
