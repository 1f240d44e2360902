// A CSV import from text chunks to committed rows. Members: see member-import.ts. Responses:
// validate in JS, stage in chunks, check their members and chats, merge in one batch.
// Runtime-free: the CLI hands it a file stream, tests hand it strings.
import type { Db } from '../../db/client.js';
import { findUnknownReferences, responseRowJson } from '../responses/upsert.js';
import { stagedRowsSource } from '../row-source.js';
import { quote } from './cells.js';
import { csvRecords } from './csv.js';
import { importMemberRows, memberRowEvents, type MemberRowEvent } from './member-import.js';
import { ImportFileError, REPORTED_REJECTIONS, Rejections, type RejectedRow, type RowProblem } from './rejections.js';
import { decodeResponse, parseResponseHeader } from './response-csv.js';
import {
  countUnknownReferenceRows,
  deleteStaleImports,
  discardImport,
  mergeStaged,
  newImportId,
  stageChunk,
  StagingChunk,
} from './staging.js';

export type CsvImportKind = 'members' | 'responses';

export interface CsvImportOptions {
  now: number;
  /** Import the valid rows even when some are rejected (default: all or nothing). */
  skipInvalid?: boolean;
  chunkRows?: number;
  /** Called after each chunk of text with the number of data rows read so far. */
  onProgress?: (rowsRead: number) => void;
  /** Called when a phase without row-by-row progress starts (responses only). */
  onPhase?: (phase: 'check' | 'merge', rows: number) => void;
  /** Aborting stops the import between chunks; nothing is written. */
  signal?: AbortSignal;
}

export interface ImportTimings {
  /** Parsing and validating (JS), or waiting for a reader thread; writing excluded. */
  readMs: number;
  /** Writing rows: members into the open transaction, responses into the staging table. */
  writeMs: number;
  /** Looking up unknown members and chats (responses only). */
  checkMs: number;
  /** Merging staged responses, or committing members. */
  mergeMs: number;
}

export interface CsvImportResult {
  kind: CsvImportKind;
  rowsRead: number;
  /** Rows merged into the database (0 unless committed). */
  imported: number;
  rejected: Rejections;
  committed: boolean;
  timings: ImportTimings;
}

/** Data record → staged row JSON, or its problems. */
type RowCodec = (fields: string[], line: number) => string | RowProblem[];

function responseCodec(header: string[]): RowCodec {
  const columns = parseResponseHeader(header);
  return (fields) => {
    const row = decodeResponse(columns, fields);
    return row.ok ? responseRowJson(row.value) : row.problems;
  };
}

export async function importCsv(
  db: Db,
  kind: CsvImportKind,
  text: AsyncIterable<string> | Iterable<string>,
  opts: CsvImportOptions,
): Promise<CsvImportResult> {
  if (kind === 'members') return importMemberCsvRows(db, memberRowEvents(text, { chunkRows: opts.chunkRows, skipInvalid: opts.skipInvalid }), opts);
  return importResponses(db, text, opts);
}

/** A members import from rows read elsewhere (e.g. on another thread: src/cli/member-rows-thread.ts). */
export async function importMemberCsvRows(db: Db, events: AsyncIterable<MemberRowEvent>, opts: CsvImportOptions): Promise<CsvImportResult> {
  return { kind: 'members', ...(await importMemberRows(db, events, opts)) };
}

async function importResponses(db: Db, text: AsyncIterable<string> | Iterable<string>, opts: CsvImportOptions): Promise<CsvImportResult> {
  const kind = 'responses';
  const importId = newImportId(opts.now);
  const rejected = new Rejections();
  const timings: ImportTimings = { readMs: 0, writeMs: 0, checkMs: 0, mergeMs: 0 };
  const chunkRows = opts.chunkRows ?? 5000;
  const chunk = new StagingChunk();
  let codec: RowCodec | undefined;
  let rowsRead = 0;
  let staged = 0;
  const flush = async () => {
    const started = performance.now();
    const size = chunk.size;
    await stageChunk(db, importId, staged, chunk.take());
    staged += size;
    timings.writeMs += performance.now() - started;
  };

  await deleteStaleImports(db, opts.now);
  try {
    const started = performance.now();
    for await (const batch of csvRecords(text)) {
      opts.signal?.throwIfAborted();
      for (const record of batch) {
        if (!codec) {
          codec = responseCodec(record.fields);
          continue;
        }
        rowsRead++;
        const row = codec(record.fields, record.line);
        if (typeof row !== 'string') rejected.add({ line: record.line, problems: row });
        else {
          // Even after a rejection: the report also lists unknown members and chats.
          if (!chunk.add(record.line, row)) {
            await flush();
            chunk.add(record.line, row);
          }
          if (chunk.size >= chunkRows) await flush();
        }
      }
      opts.onProgress?.(rowsRead);
    }
    if (!codec) throw new ImportFileError('The file is empty: expected a header row.');
    if (chunk.size > 0) await flush();
    opts.signal?.throwIfAborted();
    timings.readMs = performance.now() - started - timings.writeMs;

    let unknown = 0;
    if (staged > 0) {
      opts.onPhase?.('check', staged);
      const checkStarted = performance.now();
      unknown = await reportUnknownReferences(db, importId, rejected);
      timings.checkMs = performance.now() - checkStarted;
    }
    if (rejected.count > 0 && !opts.skipInvalid) {
      await discardImport(db, importId);
      return { kind, rowsRead, imported: 0, rejected, committed: false, timings };
    }
    if (staged > 0) {
      opts.onPhase?.('merge', staged);
      const mergeStarted = performance.now();
      await mergeStaged(db, importId);
      timings.mergeMs = performance.now() - mergeStarted;
    }
    return { kind, rowsRead, imported: staged - unknown, rejected, committed: true, timings };
  } catch (error) {
    await discardImport(db, importId).catch(() => undefined);
    throw error;
  }
}

/** Adds staged responses whose member or chat does not exist to `rejected`; returns how many rows. */
async function reportUnknownReferences(db: Db, importId: string, rejected: Rejections): Promise<number> {
  const count = await countUnknownReferenceRows(db, importId);
  if (count === 0) return 0;
  const references = await findUnknownReferences(db, stagedRowsSource(importId), 2 * REPORTED_REJECTIONS);
  const byLine = new Map<number, RejectedRow>();
  for (const ref of references) {
    const row = byLine.get(ref.line) ?? { line: ref.line, problems: [] };
    row.problems.push({ column: ref.field, message: `unknown ${ref.field === 'member_id' ? 'member' : 'chat'} ${quote(ref.value)}` });
    byLine.set(ref.line, row);
  }
  rejected.addFound([...byLine.values()].slice(0, REPORTED_REJECTIONS), count);
  return count;
}
