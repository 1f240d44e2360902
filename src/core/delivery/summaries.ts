// Step 4 of a tick: invitations whose figures changed since their summary was last refreshed are
// announced as 'progress' (the Slack adapter updates the summary in place; nothing goes in the thread).
import { sql } from 'drizzle-orm';
import { announce } from './announce.js';
import type { DeliveryDeps } from './deps.js';
import { RUNNER_ACTOR } from './open.js';

export async function refreshChangedSummaries(deps: DeliveryDeps): Promise<number> {
  if (!deps.changes) return 0;
  const changed = await deps.db.all<{ id: string }>(sql`UPDATE invitations SET summary_at = activity_at
    WHERE slack_channel_id IS NOT NULL AND activity_at IS NOT NULL AND (summary_at IS NULL OR activity_at > summary_at)
    RETURNING id`);
  for (const { id } of changed) announce(deps, { invitationId: id, action: 'progress', actor: RUNNER_ACTOR });
  return changed.length;
}
