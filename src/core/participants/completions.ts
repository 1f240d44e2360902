// A participant finished the chat: the chat platform posts their token. One completion per member
// per invitation; the one that reaches the response limit closes the invitation at once. Late
// completions (after close) are kept and flagged, and do not count toward the limit.
import { activityStamp } from '../activity.js';
import { sql } from 'drizzle-orm';
import type { CoreDeps } from '../deps.js';
import { ConflictError, NotFoundError } from '../errors.js';
import { closeInvitation } from '../invitations/service.js';
import { findLink } from './links.js';

export const COMPLETION_ACTOR = 'completion';

export interface CompletionResult {
  invitationId: string;
  outcome: 'counted' | 'after_close' | 'duplicate';
  completedAt: number;
  /** This completion reached the response limit and closed the invitation. */
  closedInvitation: boolean;
}

export async function recordCompletion(deps: CoreDeps, token: string, completedAt?: number): Promise<CompletionResult> {
  const link = await findLink(deps.db, token);
  if (!link) throw new NotFoundError('participant', 'for this token');
  const inv = link.invitation;
  const now = deps.clock.now();
  const at = Math.min(completedAt ?? now, now);
  const [updated, [invitation]] = await deps.db.batch([
    deps.db.run(sql`UPDATE participations SET completed_at = ${at}, clicked_at = coalesce(clicked_at, ${at}),
        completed_after_close = (SELECT status = 'closed' FROM invitations WHERE seq = ${inv.seq})
      WHERE invitation_seq = ${inv.seq} AND member_id = ${link.memberId} AND completed_at IS NULL`),
    // Counted in the same write as the completion (only while open), so the limit never needs a count(*).
    deps.db.all<{ counted: number; reached: number }>(sql`UPDATE invitations
      SET completed_count = completed_count + (status = 'open'), activity_at = ${activityStamp(now)}
      WHERE seq = ${inv.seq} AND changes() = 1
      RETURNING status = 'open' AS counted, response_limit IS NOT NULL AND completed_count >= response_limit AS reached`),
  ]);
  if (updated.rowsAffected === 0) {
    return { invitationId: inv.id, outcome: 'duplicate', completedAt: link.completedAt ?? at, closedInvitation: false };
  }
  if (!invitation?.counted) return { invitationId: inv.id, outcome: 'after_close', completedAt: at, closedInvitation: false };
  let closedInvitation = false;
  if (invitation.reached) {
    try {
      await closeInvitation(deps, inv.id, COMPLETION_ACTOR, 'response_limit');
      closedInvitation = true;
      deps.logger.log('info', 'invitation.closed', { invitation: inv.id, reason: 'response_limit' });
    } catch (error) {
      if (!(error instanceof ConflictError)) throw error; // a concurrent completion closed it
    }
  }
  return { invitationId: inv.id, outcome: 'counted', completedAt: at, closedInvitation };
}
