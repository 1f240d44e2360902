// A members CSV from text chunks to committed rows, in two halves that can run on different
// threads: memberRowEvents reads and validates (CPU in JavaScript), importMemberRows writes them
// in one transaction (CPU in libSQL). The CLI runs the first in a worker thread so both cores
// work at once (src/cli/member-rows-worker.ts); tests and other runtimes chain them in one.
import type { Db } from '../../db/client.js';
import { ensureAttributeSlots } from '../members/attribute-slots.js';
import { memberRowJson, mergeMembersStatement } from '../members/upsert.js';
import { jsonArraySource, JsonArraySize, utf8Length } from '../row-source.js';
import { quote } from './cells.js';
import { csvRecords } from './csv.js';
import { decodeMember, parseMemberHeader } from './member-csv.js';
import type { CsvImportResult, ImportTimings } from './csv-import.js';
import { ImportFileError, Rejections, type RejectedRow } from './rejections.js';

export type MemberRowEvent =
  /** First: the attribute names of the header, which get their slots before any row is written. */
  | { type: 'header'; attributeNames: string[] }
  | {
      type: 'rows';
      /** A JSON array of rows for mergeMembersStatement; none once an all-or-nothing import has a rejection. */
      rowsJson: string;
      rowCount: number;
      /** Attribute names that hold a boolean or a date in these rows. */
      numKeys: string[];
      /** Rows rejected since the previous event (all of them: the receiver keeps the first few). */
      rejected: RejectedRow[];
      /** Data rows read so far. */
      rowsRead: number;
    };

export interface MemberRowOptions {
  chunkRows?: number;
  /** When false, rows after the first rejection are only checked: nothing of the file will be written. */
  skipInvalid?: boolean;
}

/** Reads and validates a members CSV, in chunks of row JSON. Throws ImportFileError for a bad header or CSV. */
export async function* memberRowEvents(text: AsyncIterable<string> | Iterable<string>, opts: MemberRowOptions = {}): AsyncGenerator<MemberRowEvent> {
  // Usually the byte cap ends a chunk first (~16,000 rows of 250 bytes): on 1M rows such chunks
  // wrote faster than 5,000-row ones, on sqld above all (one request each; 18.5 s against 21.1 s).
  const chunkRows = opts.chunkRows ?? 20_000;
  let columns: ReturnType<typeof parseMemberHeader> | undefined;
  // The header's order is the rows' layout (memberRowJson).
  let attributeNames: string[] = [];
  // A second row for the same id is almost always a mistake in the file; say so instead of letting the last one win.
  const lineOfId = new Map<string, number>();
  let rows: string[] = [];
  const size = new JsonArraySize();
  let numKeys = new Set<string>();
  let rejected: RejectedRow[] = [];
  let anyRejected = false;
  let rowsRead = 0;
  const take = (): MemberRowEvent => {
    const event: MemberRowEvent = { type: 'rows', rowsJson: `[${rows.join(',')}]`, rowCount: rows.length, numKeys: [...numKeys], rejected, rowsRead };
    rows = [];
    size.reset();
    numKeys = new Set();
    rejected = [];
    return event;
  };
  for await (const batch of csvRecords(text)) {
    for (const record of batch) {
      if (!columns) {
        columns = parseMemberHeader(record.fields);
        attributeNames = columns.attributes.map((a) => a.name);
        yield { type: 'header', attributeNames };
        continue;
      }
      rowsRead++;
      const row = decodeMember(columns, record.fields);
      const earlier = row.ok ? lineOfId.get(row.value.id) : undefined;
      if (!row.ok || earlier !== undefined) {
        const problems = row.ok ? [{ column: 'id', message: `${quote(row.value.id)} is already on line ${earlier}` }] : row.problems;
        rejected.push({ line: record.line, problems });
        anyRejected = true;
      } else {
        lineOfId.set(row.value.id, record.line);
        if (!anyRejected || opts.skipInvalid) {
          const json = memberRowJson(row.value, attributeNames, numKeys);
          // The chunk travels as one JSON argument: it must stay under what a libSQL server takes.
          if (!size.add(utf8Length(json))) {
            yield take();
            size.add(utf8Length(json));
          }
          rows.push(json);
        }
      }
      if (rows.length >= chunkRows || rejected.length >= chunkRows) yield take();
    }
  }
  if (!columns) throw new ImportFileError('The file is empty: expected a header row.');
  yield take();
}

export interface MemberImportOptions {
  now: number;
  skipInvalid?: boolean;
  onProgress?: (rowsRead: number) => void;
  /** Aborting stops the import between chunks; nothing is written. */
  signal?: AbortSignal;
}

export type MemberImportResult = Omit<CsvImportResult, 'kind'>;

/** Signals the transaction to roll back: a rejected row in an all-or-nothing import. */
class Rejected extends Error {}

/**
 * Writes the rows of `events` in one transaction (the whole file or nothing; a libSQL server keeps
 * an interactive transaction open as long as statements keep coming). Rows are written as they
 * arrive, so reading the next chunk overlaps writing this one when the reader is another thread.
 */
export async function importMemberRows(db: Db, events: AsyncIterable<MemberRowEvent>, opts: MemberImportOptions): Promise<MemberImportResult> {
  const rejected = new Rejections();
  // readMs: waiting for rows (reading and validating); mergeMs: the commit.
  const timings: ImportTimings = { readMs: 0, writeMs: 0, checkMs: 0, mergeMs: 0 };
  let rowsRead = 0;
  let imported = 0;
  let commitStarted = 0;
  const iterator = events[Symbol.asyncIterator]();
  const next = async () => {
    const started = performance.now();
    const step = await iterator.next();
    timings.readMs += performance.now() - started;
    return step;
  };
  try {
    const first = await next();
    if (first.done || first.value.type !== 'header') throw new Error('member rows start with their header (see memberRowEvents)');
    // New names get their columns before the transaction: DDL there would hold the schema lock for
    // the whole import, and a name registered by an import that then fails costs nothing.
    const names = first.value.attributeNames;
    const slots = await ensureAttributeSlots(db, names);
    await db.transaction(async (tx) => {
      for (let step = await next(); !step.done; step = await next()) {
        opts.signal?.throwIfAborted();
        const event = step.value;
        if (event.type !== 'rows') continue;
        rowsRead = event.rowsRead;
        for (const row of event.rejected) rejected.add(row);
        if (event.rowCount > 0 && (opts.skipInvalid || rejected.count === 0)) {
          const started = performance.now();
          await tx.run(mergeMembersStatement(jsonArraySource(event.rowsJson), slots, names, opts.now, { withNums: new Set(event.numKeys) }));
          timings.writeMs += performance.now() - started;
          imported += event.rowCount;
        }
        opts.onProgress?.(rowsRead);
      }
      if (rejected.count > 0 && !opts.skipInvalid) throw new Rejected();
      // Timed from here to the commit that db.transaction runs on return.
      commitStarted = performance.now();
    });
    timings.mergeMs = performance.now() - commitStarted;
    return { rowsRead, imported, rejected, committed: true, timings };
  } catch (error) {
    if (error instanceof Rejected) return { rowsRead, imported: 0, rejected, committed: false, timings };
    throw error;
  } finally {
    // Stops a reader still running (a worker thread) when the import ends early.
    await iterator.return?.();
  }
}
