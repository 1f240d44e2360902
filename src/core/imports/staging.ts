// Staging of a file's rows in import_rows, and the one atomic merge that makes them visible.
// Until the merge commits, nothing an import does is seen by members or chat_responses.
import { sql, type SQL } from 'drizzle-orm';
import type { Db } from '../../db/client.js';
import { randomToken } from '../ids.js';
import { mergeResponsesStatement } from '../responses/upsert.js';
import { JsonArraySize, stagedRowsSource, utf8Length } from '../row-source.js';

const STALE_AFTER_MS = 86_400_000;

// The start time leads the id, zero-padded, so "older than a day" is a range of the primary key.
function importIdPrefix(at: number): string {
  return `imp_${String(Math.max(0, Math.floor(at))).padStart(15, '0')}`;
}

export function newImportId(now: number): string {
  return `${importIdPrefix(now)}_${randomToken().slice(0, 12)}`;
}

/** Rows left by imports that crashed or were killed more than a day ago. */
export async function deleteStaleImports(db: Db, now: number): Promise<void> {
  await db.run(sql`DELETE FROM import_rows WHERE import_id < ${importIdPrefix(now - STALE_AFTER_MS)}`);
}

export interface StagedChunk {
  json: string;
  /** Set when the rows sit on consecutive lines: then the JSON is plain row objects. */
  firstLine: number | undefined;
}

/** Collects rows into the single JSON parameter of one staging statement. */
export class StagingChunk {
  private rows: string[] = [];
  private lines: number[] = [];
  private readonly json = new JsonArraySize();

  /** Adds the row; false, adding nothing, when the chunk's JSON is full: stage it first. */
  add(line: number, rowJson: string): boolean {
    // with room for a [line, row] pair
    if (!this.json.add(utf8Length(rowJson) + String(line).length + 3)) return false;
    this.rows.push(rowJson);
    this.lines.push(line);
    return true;
  }

  get size(): number {
    return this.rows.length;
  }

  /** Returns the chunk and starts a new one. */
  take(): StagedChunk {
    const { rows, lines } = this;
    this.rows = [];
    this.lines = [];
    this.json.reset();
    const firstLine = lines[0] ?? 0;
    // Most files have one row per line: lines then follow from the array index, and SQLite parses
    // each row once instead of parsing and re-rendering a [line, row] pair (~30% of staging time).
    if (lines.every((line, i) => line === firstLine + i)) return { json: `[${rows.join(',')}]`, firstLine };
    return { json: `[${rows.map((r, i) => `[${lines[i]},${r}]`).join(',')}]`, firstLine: undefined };
  }
}

/** Stages a chunk from StagingChunk.take(); its rows get seq firstSeq, firstSeq + 1, … */
export async function stageChunk(db: Db, importId: string, firstSeq: number, chunk: StagedChunk): Promise<void> {
  await db.run(
    chunk.firstLine === undefined
      ? sql`INSERT INTO import_rows (import_id, seq, line, data)
            SELECT ${importId}, ${firstSeq} + key, value ->> 0, value -> 1 FROM json_each(${chunk.json})`
      : sql`INSERT INTO import_rows (import_id, seq, line, data)
            SELECT ${importId}, ${firstSeq} + key, ${chunk.firstLine} + key, value FROM json_each(${chunk.json})`,
  );
}

export async function discardImport(db: Db, importId: string): Promise<void> {
  await db.run(sql`DELETE FROM import_rows WHERE import_id = ${importId}`);
}

function unknownReference(alias: string): SQL {
  return sql.raw(`(NOT EXISTS (SELECT 1 FROM members m WHERE m.external_id = ${alias}.data ->> '$.member_id')
    OR NOT EXISTS (SELECT 1 FROM chats c WHERE c.id = ${alias}.data ->> '$.chat_id'))`);
}

/** Staged responses naming a member or chat that does not exist (rows, not problems: a row may have both). */
export async function countUnknownReferenceRows(db: Db, importId: string): Promise<number> {
  const [row] = await db.all<{ n: number }>(
    sql`SELECT count(*) AS n FROM import_rows s WHERE s.import_id = ${importId} AND ${unknownReference('s')}`,
  );
  return row?.n ?? 0;
}

/**
 * Merges the staged responses and deletes them in one batch: libSQL runs a batch as one
 * transaction, so the file lands whole or, if anything fails, not at all.
 */
export async function mergeStaged(db: Db, importId: string): Promise<void> {
  const discard = db.run(sql`DELETE FROM import_rows WHERE import_id = ${importId}`);
  // Responses to an unknown chat would otherwise be stored (chat_responses has no foreign key).
  const dropUnknown = db.run(sql`DELETE FROM import_rows AS s WHERE s.import_id = ${importId} AND ${unknownReference('s')}`);
  await db.batch([dropUnknown, db.run(mergeResponsesStatement(stagedRowsSource(importId))), discard]);
}
