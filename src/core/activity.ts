// When an invitation's figures change, its activity_at moves; the runner refreshes the Slack
// summaries whose activity_at is past their summary_at (core/delivery/summaries.ts).
import { sql, type SQL } from 'drizzle-orm';

/**
 * The new activity_at: now, but always past the last refresh, so a change in the same millisecond
 * as a refresh is not taken for one the refresh already showed.
 */
export function activityStamp(now: number): SQL {
  return sql`max(${now}, coalesce(summary_at, 0) + 1)`;
}
