import { sql, type SQL } from 'drizzle-orm';

// Bulk writes hand libSQL a "row source": a FROM item with columns `line` (where the row came
// from: array index or file line) and `data` (the row as JSON). One bound parameter carries a
// whole request, so 10,000 rows cost one statement instead of 10,000 round trips.

export function jsonRowsSource(rowsJson: string[]): SQL {
  return jsonArraySource(`[${rowsJson.join(',')}]`);
}

/** The same from rows already joined into one JSON array text. */
export function jsonArraySource(arrayJson: string): SQL {
  return sql`(SELECT key AS line, value AS data FROM json_each(${arrayJson}))`;
}

export function stagedRowsSource(importId: string): SQL {
  return sql`(SELECT line, data FROM import_rows WHERE import_id = ${importId})`;
}
