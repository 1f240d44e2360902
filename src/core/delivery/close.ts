// Closing on time and at the response limit (the completion that reaches the limit also closes it
// at once; this catches the rest, and invitations whose close time passed while no runner ran).
import { sql } from 'drizzle-orm';
import type { CloseReason } from '../../db/schema.js';
import { ConflictError } from '../errors.js';
import { closeInvitation } from '../invitations/service.js';
import { announce } from './announce.js';
import type { DeliveryDeps } from './deps.js';
import { RUNNER_ACTOR } from './open.js';

export async function closeDueInvitations(deps: DeliveryDeps): Promise<string[]> {
  const now = deps.clock.now();
  const due = await deps.db.all<{ id: string; reason: CloseReason }>(sql`
    SELECT id, 'close_time' AS reason FROM invitations WHERE status IN ('scheduled', 'open') AND closes_at <= ${now}
    UNION ALL
    SELECT id, 'response_limit' FROM invitations WHERE status = 'open' AND closes_at > ${now} AND response_limit IS NOT NULL AND completed_count >= response_limit`);
  const closed: string[] = [];
  for (const { id, reason } of due) {
    try {
      await closeInvitation(deps, id, RUNNER_ACTOR, reason);
    } catch (error) {
      if (error instanceof ConflictError) continue; // closed meanwhile, by a person or another runner
      throw error;
    }
    closed.push(id);
    deps.logger.log('info', 'invitation.closed', { invitation: id, reason });
    announce(deps, { invitationId: id, action: 'closed', actor: RUNNER_ACTOR, changes: { reason: { from: null, to: reason } } });
  }
  return closed;
}
