// What an import tells the person running it about rows it could not take.

export interface RowProblem {
  /** The CSV column as written in the header (e.g. "zip:string"), or a JSON path for chats. */
  column: string;
  message: string;
}

export interface RejectedRow {
  /** File line the row ends on (1 = header), or the array index for a JSON file. */
  line: number;
  /** How to name the row when a line number does not (e.g. `chats[2] ("onboarding")`). */
  label?: string;
  problems: RowProblem[];
}

/** The file as a whole cannot be imported (header, quoting, encoding): nothing is written. */
export class ImportFileError extends Error {
  override name = 'ImportFileError';
}

export const REPORTED_REJECTIONS = 50;

/**
 * Counts every rejected row but keeps only the first few by line: a file of a million bad rows
 * must not hold a million messages in memory.
 */
export class Rejections {
  private kept: RejectedRow[] = [];
  private total = 0;

  constructor(private readonly keep = REPORTED_REJECTIONS) {}

  add(row: RejectedRow): void {
    this.total++;
    if (this.kept.length < this.keep || row.line < this.kept[this.kept.length - 1]!.line) {
      this.kept.push(row);
      this.kept.sort((a, b) => a.line - b.line);
      if (this.kept.length > this.keep) this.kept.pop();
    }
  }

  /** Adds rows found elsewhere (e.g. by a query that returned only the first `rows`) and their full count. */
  addFound(rows: RejectedRow[], count: number): void {
    for (const row of rows) this.add(row);
    this.total += count - rows.length;
  }

  get count(): number {
    return this.total;
  }

  /** The first rejected rows by line; `count - first.length` more were not kept. */
  get first(): readonly RejectedRow[] {
    return this.kept;
  }
}
