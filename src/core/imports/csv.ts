// A streaming RFC 4180 reader. csv-parse measured ~10 µs per record here (13 s for a million
// member rows, most of the import budget); lines without quotes are split with String#split,
// and only lines with a quote go through the character state machine below.
// csv-parse stays the oracle: test/imports/csv.test.ts compares the two on random files.
import { ImportFileError } from './rejections.js';

export interface CsvRecord {
  /** Line the record starts on, counting from 1 (the header). */
  line: number;
  fields: string[];
}

export class CsvSyntaxError extends ImportFileError {
  override name = 'CsvSyntaxError';
  constructor(
    readonly line: number,
    detail: string,
  ) {
    super(`Malformed CSV on line ${line}: ${detail}`);
  }
}

const enum State {
  FieldStart,
  Unquoted,
  Quoted,
  /** A quote inside a quoted field: either the first of "" or the closing quote. */
  QuoteInQuoted,
}

export class CsvParser {
  private rest = '';
  private line = 1;
  private started = false;
  /** A record with a quote being read character by character, possibly across chunks. */
  private slow: { fields: string[]; field: string; state: State; line: number } | undefined;

  /** Parses `text` and appends each complete record to `out`. */
  push(text: string, out: CsvRecord[]): void {
    let s = this.rest + text;
    if (!this.started && s.length > 0) {
      this.started = true;
      if (s.charCodeAt(0) === 0xfeff) s = s.slice(1);
    }
    let i = 0;
    let quote = -1;
    while (i < s.length) {
      if (this.slow) {
        const next = this.scan(s, i, out);
        if (next === i) break; // a \r after a closing quote waits for the next chunk
        i = next;
        continue;
      }
      const nl = s.indexOf('\n', i);
      if (nl < 0) break;
      const end = nl > i && s.charCodeAt(nl - 1) === 13 ? nl - 1 : nl;
      // One search per quote, not per line: a chunk without quotes is scanned once.
      if (quote < i) {
        const q = s.indexOf('"', i);
        quote = q < 0 ? Infinity : q;
      }
      if (quote > nl) {
        if (end > i) out.push({ line: this.line, fields: s.slice(i, end).split(',') });
        this.line++;
        i = nl + 1;
      } else {
        this.slow = { fields: [], field: '', state: State.FieldStart, line: this.line };
      }
    }
    this.rest = s.slice(i);
  }

  /** Flushes the last record (a file need not end with a newline). */
  end(out: CsvRecord[]): void {
    this.push('\n', out);
    if (this.slow) throw new CsvSyntaxError(this.slow.line, 'a quoted field is never closed');
  }

  /** Reads one record with quotes from s[i…]; returns where it stopped (record end or end of s). */
  private scan(s: string, i: number, out: CsvRecord[]): number {
    const r = this.slow!;
    for (; i < s.length; i++) {
      const c = s[i]!;
      switch (r.state) {
        case State.FieldStart:
          if (c === '"') {
            r.state = State.Quoted;
            continue;
          }
          r.state = State.Unquoted;
        // falls through: the character starts an unquoted field
        case State.Unquoted:
          if (c === ',') this.endField(r);
          else if (c === '\n') return this.endRecord(r, out, i, true);
          else if (c === '"') throw new CsvSyntaxError(this.line, `a quote inside an unquoted field (field ${r.fields.length + 1}); quote the whole field and double the quote: "a ""b"" c"`);
          else r.field += c;
          continue;
        case State.Quoted: {
          // Jump to the next quote: spreadsheets quote every field, so this path carries whole files.
          const q = s.indexOf('"', i);
          const text = s.slice(i, q < 0 ? s.length : q);
          for (let nl = text.indexOf('\n'); nl >= 0; nl = text.indexOf('\n', nl + 1)) this.line++;
          r.field += text;
          if (q < 0) return s.length;
          r.state = State.QuoteInQuoted;
          i = q;
          continue;
        }
        case State.QuoteInQuoted:
          if (c === '"') {
            r.field += '"';
            r.state = State.Quoted;
          } else if (c === ',') this.endField(r);
          else if (c === '\n') return this.endRecord(r, out, i, false);
          else if (c !== '\r' || s[i + 1] !== '\n') {
            if (c === '\r' && i + 1 === s.length) return i; // the \n is in the next chunk
            throw new CsvSyntaxError(this.line, `unexpected ${JSON.stringify(c)} after the closing quote of field ${r.fields.length + 1}`);
          }
          continue;
      }
    }
    return i;
  }

  private endField(r: NonNullable<CsvParser['slow']>): void {
    r.fields.push(r.field);
    r.field = '';
    r.state = State.FieldStart;
  }

  private endRecord(r: NonNullable<CsvParser['slow']>, out: CsvRecord[], i: number, unquoted: boolean): number {
    if (unquoted && r.field.endsWith('\r')) r.field = r.field.slice(0, -1);
    r.fields.push(r.field);
    out.push({ line: r.line, fields: r.fields });
    this.slow = undefined;
    this.line++;
    return i + 1;
  }
}

/** Records of a text stream, in batches (one per chunk) so a million rows cost few awaits. */
export async function* csvRecords(chunks: AsyncIterable<string> | Iterable<string>): AsyncGenerator<CsvRecord[]> {
  const parser = new CsvParser();
  for await (const chunk of chunks) {
    const out: CsvRecord[] = [];
    parser.push(chunk, out);
    if (out.length > 0) yield out;
  }
  const out: CsvRecord[] = [];
  parser.end(out);
  if (out.length > 0) yield out;
}
