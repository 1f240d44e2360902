// Participations refer to invitations by their integer key (invitations.seq) and find their chat
// through it: these are the two ways the rest of the code names those keys in SQL.
import { sql, type SQL } from 'drizzle-orm';

/**
 * The key of the invitation with public id `id`, as a scalar subquery (evaluated once per
 * statement). NULL when there is no such invitation, which the NOT NULL on
 * participations.invitation_seq turns into an error on insert.
 */
export function invitationSeq(id: string): SQL {
  return sql`(SELECT seq FROM invitations WHERE id = ${id})`;
}

/** The keys of a chat's invitations, for `p.invitation_seq IN …` (invitations_chat_idx answers it). */
export function chatInvitationSeqs(chatId: string, status?: 'open'): SQL {
  const onlyStatus = status === undefined ? sql`` : sql` AND status = ${status}`;
  return sql`(SELECT seq FROM invitations WHERE chat_id = ${chatId}${onlyStatus})`;
}
