// One import run against an open database: reads the file, shows progress, prints the outcome.
import { createReadStream } from 'node:fs';
import { readFile, stat } from 'node:fs/promises';
import type { Db } from '../db/client.js';
import { errorSummary } from '../core/error-summary.js';
import { importChats } from '../core/imports/chats-json.js';
import { importCsv, importMemberCsvRows, type CsvImportKind } from '../core/imports/csv-import.js';
import { ImportFileError } from '../core/imports/rejections.js';
import type { ImportArgs } from './import-args.js';
import { formatNothingImported, formatRejections, formatTimings } from './import-report.js';
import { memberRowsOnWorker } from './member-rows-thread.js';
import { createProgress, formatCount, formatDuration, type ProgressStream } from './progress.js';

export interface ImportIo {
  stdout: { write(text: string): unknown };
  stderr: ProgressStream;
}

const singular = { members: 'member', responses: 'response', chats: 'chat' } as const;

function noun(kind: keyof typeof singular, n: number): string {
  return n === 1 ? singular[kind] : kind;
}

/** Returns the exit code: 0 imported, 1 rejected or unreadable (nothing imported), 130 interrupted. */
export async function runImport(db: Db, args: ImportArgs, io: ImportIo, opts: { now?: number; signal?: AbortSignal } = {}): Promise<number> {
  const now = opts.now ?? Date.now();
  let size: number;
  try {
    const info = await stat(args.file);
    if (!info.isFile()) throw new Error('not a file');
    size = info.size;
  } catch (error) {
    io.stderr.write(`Cannot read ${args.file}: ${error instanceof Error ? error.message : String(error)}\n`);
    return 1;
  }
  try {
    return args.kind === 'chats' ? await importChatsFile(db, args, io, now) : await importCsvFile(db, args.kind, args, size, io, now, opts.signal);
  } catch (error) {
    if (error instanceof ImportFileError) {
      io.stderr.write(`${args.file}: ${error.message}\nNothing was imported.\n`);
      return 1;
    }
    if (opts.signal?.aborted) {
      io.stderr.write('Interrupted: nothing was imported.\n');
      return 130;
    }
    // A CSV file lands in one transaction (members) or batch (responses), so a failure anywhere
    // leaves the database as it was; chats are saved one by one.
    const outcome = args.kind === 'chats' ? 'Chats listed before the failure may have been saved.' : 'Nothing was imported.';
    io.stderr.write(`Import failed: ${errorSummary(error)}\n${outcome}\n`);
    return 1;
  }
}


async function importCsvFile(db: Db, kind: CsvImportKind, args: ImportArgs, size: number, io: ImportIo, now: number, signal?: AbortSignal): Promise<number> {
  const started = performance.now();
  const progress = createProgress(kind, size, io.stderr);
  let result;
  try {
    if (kind === 'members') {
      const reader = memberRowsOnWorker({ file: args.file, skipInvalid: args.skipInvalid });
      result = await importMemberCsvRows(db, reader.events, {
        now,
        skipInvalid: args.skipInvalid,
        signal,
        onProgress: (rows) => progress.update(rows, reader.bytesRead()),
      });
    } else {
      const stream = createReadStream(args.file, { encoding: 'utf8' });
      try {
        result = await importCsv(db, kind, stream, {
          now,
          skipInvalid: args.skipInvalid,
          signal,
          onProgress: (rows) => progress.update(rows, stream.bytesRead),
          onPhase: (phase, rows) => progress.phase(`${phase === 'merge' ? 'merging' : 'checking members and chats of'} ${formatCount(rows)} rows…`),
        });
      } finally {
        stream.destroy();
      }
    }
  } finally {
    progress.done();
  }
  const { rejected } = result;
  if (rejected.count > 0) io.stderr.write(formatRejections(rejected));
  if (!result.committed) {
    io.stderr.write(formatNothingImported(kind, result.rowsRead, rejected.count));
    return 1;
  }
  const skipped = rejected.count > 0 ? `; skipped ${formatCount(rejected.count)} rejected row${rejected.count === 1 ? '' : 's'}` : '';
  const elapsed = performance.now() - started;
  // The split tells where a long import spent its time; on a small file it is noise.
  const split = elapsed >= 1000 ? ` (${formatTimings(kind, result.timings)})` : '';
  io.stdout.write(`Imported ${formatCount(result.imported)} ${noun(kind, result.imported)} from ${args.file} in ${formatDuration(elapsed)}${split}${skipped}.\n`);
  return 0;
}

async function importChatsFile(db: Db, args: ImportArgs, io: ImportIo, now: number): Promise<number> {
  const result = await importChats(db, await readFile(args.file, 'utf8'), { now, skipInvalid: args.skipInvalid });
  const { rejected } = result;
  if (rejected.count > 0) io.stderr.write(formatRejections(rejected));
  if (!result.committed) {
    io.stderr.write(formatNothingImported('chats', result.total, rejected.count));
    return 1;
  }
  const skipped = rejected.count > 0 ? `; skipped ${formatCount(rejected.count)} rejected` : '';
  io.stdout.write(`Imported ${formatCount(result.imported)} ${noun('chats', result.imported)} from ${args.file}${skipped}.\n`);
  return 0;
}
