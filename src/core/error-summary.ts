// What an error may say in a log line or on a terminal. drizzle's DrizzleQueryError puts the query
// and its bound parameters in its message ("Failed query: … params: …"): parameters carry member
// emails and phone numbers, so only the database's own reason, kept in `cause`, is shown.
import { DrizzleQueryError } from 'drizzle-orm';

/** The error's message and its causes' ("fetch failed: Headers Timeout Error"), without query parameters. */
export function errorSummary(error: unknown, maxLength = 500): string {
  const parts: string[] = [];
  for (let e: unknown = error; e instanceof Error && parts.length < 4; e = e.cause) {
    if (!(e instanceof DrizzleQueryError)) parts.push(e.message);
    else if (!(e.cause instanceof Error)) parts.push('database query failed');
  }
  const text = parts.length > 0 ? parts.join(': ') : String(error);
  return text.length > maxLength ? `${text.slice(0, maxLength - 1)}…` : text;
}
