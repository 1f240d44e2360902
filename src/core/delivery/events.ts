// What providers report after a send (Postmark and Twilio webhooks), applied to the delivery, the
// participation's funnel and the member's reachability. Each update is guarded by the state it
// moves from, so a retried webhook changes nothing the second time.
import { activityStamp } from '../activity.js';
import { sql } from 'drizzle-orm';
import type { CoreDeps } from '../deps.js';

export type DeliveryEvent =
  | { type: 'delivered'; deliveryId: number; at: number }
  | { type: 'bounced'; deliveryId: number; at: number; code: string; reason: string; suppress: boolean }
  | { type: 'failed'; deliveryId: number; at: number; code: string; reason: string; permanent: boolean };

interface Touched {
  invitation_seq: number;
  member_id: number;
  step: number;
}

export interface EventResult {
  applied: boolean;
  invitationSeq?: number;
}

export async function applyDeliveryEvent(deps: CoreDeps, event: DeliveryEvent): Promise<EventResult> {
  const { db } = deps;
  const now = deps.clock.now();
  let touched: Touched[];
  if (event.type === 'delivered') {
    touched = await db.all<Touched>(sql`UPDATE deliveries SET state = 'delivered', final_at = ${event.at}, updated_at = ${now}
      WHERE id = ${event.deliveryId} AND state IN ('sending', 'sent', 'unknown') RETURNING invitation_seq, member_id, step`);
  } else {
    // A bounce may follow a delivery report (an asynchronous bounce); a failure may not.
    const from = event.type === 'bounced' ? sql`('sending', 'sent', 'unknown', 'delivered')` : sql`('sending', 'sent', 'unknown')`;
    touched = await db.all<Touched>(sql`UPDATE deliveries SET state = ${event.type === 'bounced' ? 'bounced' : 'failed'}, final_at = ${event.at},
        error_code = ${event.code}, error_reason = ${event.reason}, transient = ${event.type === 'failed' && !event.permanent ? 1 : 0}, updated_at = ${now}
      WHERE id = ${event.deliveryId} AND state IN ${from} RETURNING invitation_seq, member_id, step`);
  }
  const row = touched[0];
  if (!row) return { applied: false };
  const touchInvitation = db.run(sql`UPDATE invitations SET activity_at = ${activityStamp(now)} WHERE seq = ${row.invitation_seq}`);
  const statements: (typeof touchInvitation)[] = [];
  if (row.step === 0) {
    const funnel =
      event.type === 'delivered'
        ? sql`delivered_at = ${event.at}`
        : event.type === 'bounced'
          ? sql`bounced_at = ${event.at}, failure_code = ${event.code}, failure_reason = ${event.reason}`
          : sql`failed_at = ${event.at}, failure_code = ${event.code}, failure_reason = ${event.reason}`;
    statements.push(db.run(sql`UPDATE participations SET ${funnel} WHERE invitation_seq = ${row.invitation_seq} AND member_id = ${row.member_id}`));
  }
  if (event.type === 'bounced' && event.suppress) {
    statements.push(db.run(suppressEmailStatement(row.member_id, event.code, event.at)));
  }
  await db.batch([touchInvitation, ...statements]);
  return { applied: true, invitationSeq: row.invitation_seq };
}

function suppressEmailStatement(memberId: number, reason: string, at: number) {
  return sql`UPDATE members SET email_suppressed_at = ${at}, email_suppression_reason = ${reason}, updated_at = ${at}
    WHERE id = ${memberId} AND email_suppressed_at IS NULL`;
}

/** A hard bounce, a spam complaint or a suppression at the provider: no more email to this member. */
export async function suppressEmail(deps: CoreDeps, memberId: number, reason: string): Promise<boolean> {
  const result = await deps.db.run(suppressEmailStatement(memberId, reason, deps.clock.now()));
  return result.rowsAffected > 0;
}

/** The provider lifted a suppression (Postmark SubscriptionChange with SuppressSending false). */
export async function reactivateEmail(deps: CoreDeps, memberId: number): Promise<boolean> {
  const now = deps.clock.now();
  const result = await deps.db.run(sql`UPDATE members SET email_suppressed_at = NULL, email_suppression_reason = NULL, email_opt_out_at = NULL, updated_at = ${now}
    WHERE id = ${memberId} AND (email_suppressed_at IS NOT NULL OR email_opt_out_at IS NOT NULL)`);
  return result.rowsAffected > 0;
}

/** The member behind a delivery (webhooks name deliveries, not members). */
export async function memberOfDelivery(deps: CoreDeps, deliveryId: number): Promise<number | null> {
  const [row] = await deps.db.all<{ member_id: number }>(sql`SELECT member_id FROM deliveries WHERE id = ${deliveryId}`);
  return row?.member_id ?? null;
}

/** STOP and START by SMS: every member with this number (E.164) opts out of or back into SMS. */
export async function setSmsOptOut(deps: CoreDeps, phone: string, optOut: boolean): Promise<number> {
  const now = deps.clock.now();
  const result = optOut
    ? await deps.db.run(sql`UPDATE members SET sms_opt_out_at = ${now}, updated_at = ${now} WHERE phone = ${phone} AND sms_opt_out_at IS NULL`)
    : await deps.db.run(sql`UPDATE members SET sms_opt_out_at = NULL, updated_at = ${now} WHERE phone = ${phone} AND sms_opt_out_at IS NOT NULL`);
  return result.rowsAffected;
}
