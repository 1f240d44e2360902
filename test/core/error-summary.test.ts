import { DrizzleQueryError } from 'drizzle-orm';
import { expect, it } from 'vitest';
import { errorSummary } from '../../src/core/error-summary.js';

it('keeps the database reason of a failed query and drops the query and its parameters', () => {
  const failed = new DrizzleQueryError('INSERT INTO members …', ['ada@example.org', '+15550100'], new Error('SQLITE_CONSTRAINT: UNIQUE constraint failed'));
  expect(failed.message).toContain('ada@example.org');
  expect(errorSummary(failed)).toBe('SQLITE_CONSTRAINT: UNIQUE constraint failed');
  expect(errorSummary(new Error('outer', { cause: failed }))).toBe('outer: SQLITE_CONSTRAINT: UNIQUE constraint failed');
  expect(errorSummary(new DrizzleQueryError('SELECT 1', ['x@example.org']))).toBe('database query failed');
  expect(errorSummary(new Error('fetch failed', { cause: new Error('Headers Timeout Error') }))).toBe('fetch failed: Headers Timeout Error');
  expect(errorSummary(new Error('x'.repeat(400)), 300)).toHaveLength(300);
  expect(errorSummary('plain')).toBe('plain');
});
