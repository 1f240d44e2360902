// Progress of a long import on stderr: a redrawn bar on a terminal, a few plain lines in logs
// (CI and redirected output would otherwise fill up with carriage returns).

export interface ProgressStream {
  write(text: string): unknown;
  isTTY?: boolean;
}

export interface Progress {
  /** Rows read so far and bytes of the file consumed (the total row count is estimated from them). */
  update(rows: number, bytes: number): void;
  /** A new phase with no measurable progress, e.g. "merging 1,000,000 rows". */
  phase(text: string): void;
  /** Removes the bar; call before printing the result. */
  done(): void;
}

const TTY_REDRAW_MS = 100;
const LOG_EVERY_MS = 5_000;
const BAR_WIDTH = 24;

export const formatCount = (n: number): string => Math.round(n).toLocaleString('en-US');

export function formatDuration(ms: number): string {
  if (ms < 60_000) return `${(ms / 1000).toFixed(1)} s`;
  const s = Math.round(ms / 1000);
  return `${Math.floor(s / 60)}:${String(s % 60).padStart(2, '0')}`;
}

export function createProgress(label: string, totalBytes: number, out: ProgressStream, clock: () => number = () => performance.now()): Progress {
  const started = clock();
  let last = -Infinity;
  let drawn = false;

  const describe = (rows: number, bytes: number) => {
    const elapsed = clock() - started;
    const fraction = totalBytes > 0 ? Math.min(1, bytes / totalBytes) : 0;
    const total = fraction > 0 ? Math.max(rows, rows / fraction) : rows;
    const rate = elapsed > 0 ? (rows * 1000) / elapsed : 0;
    return { elapsed, fraction, text: `${formatCount(rows)} / ~${formatCount(total)} rows  ${formatCount(rate)} rows/s  ${formatDuration(elapsed)}` };
  };

  return {
    update(rows, bytes) {
      const now = clock();
      if (now - last < (out.isTTY ? TTY_REDRAW_MS : LOG_EVERY_MS)) return;
      last = now;
      const { fraction, text } = describe(rows, bytes);
      const percent = `${Math.floor(fraction * 100)}%`.padStart(4);
      if (out.isTTY) {
        const filled = Math.round(fraction * BAR_WIDTH);
        out.write(`\r\x1b[K${label} [${'#'.repeat(filled)}${'.'.repeat(BAR_WIDTH - filled)}] ${percent}  ${text}`);
        drawn = true;
      } else if (now - started >= LOG_EVERY_MS) {
        out.write(`${label}: ${percent.trim()} read, ${text}\n`);
      }
    },
    phase(text) {
      if (out.isTTY) {
        out.write(`\r\x1b[K${label}: ${text}`);
        drawn = true;
      } else if (clock() - started >= 1000) {
        // A log gets a line only when the import is long enough for someone to wonder.
        out.write(`${label}: ${text}\n`);
      }
    },
    done() {
      if (drawn) out.write('\r\x1b[K');
      drawn = false;
    },
  };
}
