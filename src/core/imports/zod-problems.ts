import type { z } from 'zod';
import { quote } from './cells.js';
import type { RowProblem } from './rejections.js';

/**
 * Zod issues as row problems named by CSV column, with the offending text when there is one; a
 * column that already has a problem keeps only that one.
 */
export function zodRowProblems(
  error: z.ZodError,
  columnOf: (path: readonly PropertyKey[]) => string,
  already: RowProblem[],
  textOf: (column: string) => string | undefined,
): RowProblem[] {
  const problems = [...already];
  const named = new Set(already.map((p) => p.column));
  for (const issue of error.issues) {
    const column = columnOf(issue.path);
    if (named.has(column)) continue;
    named.add(column);
    const text = textOf(column);
    problems.push({ column, message: text ? `${issue.message}, got ${quote(text)}` : issue.message });
  }
  return problems;
}
