// The words an import prints: rejected rows (the first few) and the outcome.
import type { CsvImportKind, ImportTimings } from '../core/imports/csv-import.js';
import type { RejectedRow, Rejections } from '../core/imports/rejections.js';
import { formatCount, formatDuration } from './progress.js';

function rowName(row: RejectedRow): string {
  return row.label ?? `line ${row.line}`;
}

export function formatRejections(rejected: Rejections): string {
  const lines = rejected.first.map((row) => `  ${rowName(row)}: ${row.problems.map((p) => `${p.column}: ${p.message}`).join('; ')}`);
  const more = rejected.count - rejected.first.length;
  if (more > 0) lines.push(`  … and ${formatCount(more)} more rejected row${more === 1 ? '' : 's'}`);
  return `Rejected rows (${formatCount(rejected.count)}):\n${lines.join('\n')}\n`;
}

export function formatTimings(kind: CsvImportKind, t: ImportTimings): string {
  const parts = [`read+validate ${formatDuration(t.readMs)}`, `write ${formatDuration(t.writeMs)}`];
  if (t.checkMs > 0) parts.push(`check references ${formatDuration(t.checkMs)}`);
  parts.push(`${kind === 'members' ? 'commit' : 'merge'} ${formatDuration(t.mergeMs)}`);
  return parts.join(', ');
}

export function formatNothingImported(kind: string, total: number, rejected: number): string {
  const valid = total - rejected;
  const unit = kind === 'chats' ? 'chats' : 'rows';
  const hint = valid > 0 ? `, or run again with --skip-invalid to import the ${formatCount(valid)} valid one${valid === 1 ? '' : 's'}` : '';
  return `Nothing imported: ${formatCount(rejected)} of ${formatCount(total)} ${unit} rejected. Fix ${rejected === 1 ? 'it' : 'them'}${hint}.\n`;
}
