import { sql, type SQL } from 'drizzle-orm';

// Bulk writes hand libSQL a "row source": a FROM item with columns `line` (where the row came
// from: array index or file line) and `data` (the row as JSON). One bound parameter carries a
// whole request (or a few: see MAX_JSON_ARGUMENT_BYTES), so 10,000 rows cost one statement
// instead of 10,000 round trips.

/**
 * The most UTF-8 bytes one JSON argument may carry. sqld refuses a string argument over about 5 MB
 * (measured: 5,000,000 bytes accepted, 5,050,000 refused with "string or blob too big"), while
 * several arguments of 4 MB in one statement pass; so larger row sets travel in several.
 */
export const MAX_JSON_ARGUMENT_BYTES = 4_000_000;

const nonAscii = /[^\x00-\x7f]/;

/** UTF-8 length of `text`: its length when ASCII, the usual case, without encoding it. */
export function utf8Length(text: string): number {
  return nonAscii.test(text) ? new TextEncoder().encode(text).length : text.length;
}

/** The size of a JSON array being filled row by row, to close it before it outgrows one argument. */
export class JsonArraySize {
  private bytes = 2;
  private rows = 0;

  /**
   * Counts in a row of `rowBytes` (its UTF-8 length, plus any framing around it). False, counting
   * nothing, when the array already has rows and this one would take it past
   * MAX_JSON_ARGUMENT_BYTES: close the array, reset, and add the row to the next one.
   */
  add(rowBytes: number): boolean {
    if (this.rows > 0 && this.bytes + rowBytes + 1 > MAX_JSON_ARGUMENT_BYTES) return false;
    this.bytes += rowBytes + 1;
    this.rows++;
    return true;
  }

  reset(): void {
    this.bytes = 2;
    this.rows = 0;
  }
}

export function jsonRowsSource(rowsJson: string[]): SQL {
  const parts: SQL[] = [];
  let start = 0;
  const size = new JsonArraySize();
  const part = (end: number) => sql`SELECT key + ${start} AS line, value AS data FROM json_each(${`[${rowsJson.slice(start, end).join(',')}]`})`;
  for (let i = 0; i < rowsJson.length; i++) {
    const rowBytes = utf8Length(rowsJson[i]!);
    if (size.add(rowBytes)) continue;
    parts.push(part(i));
    start = i;
    size.reset();
    size.add(rowBytes);
  }
  parts.push(part(rowsJson.length));
  return sql`(${sql.join(parts, sql` UNION ALL `)})`;
}

/** The same from rows already joined into one JSON array text. */
export function jsonArraySource(arrayJson: string): SQL {
  return sql`(SELECT key AS line, value AS data FROM json_each(${arrayJson}))`;
}

export function stagedRowsSource(importId: string): SQL {
  return sql`(SELECT line, data FROM import_rows WHERE import_id = ${importId})`;
}
