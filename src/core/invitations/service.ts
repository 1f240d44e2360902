// Invitation lifecycle: create, edit (version-checked), close, read. Every change is audited in
// the same atomic batch as the change itself.
import { and, asc, desc, eq, lt, or, sql, type SQL } from 'drizzle-orm';
import { invitationSeq } from '../../db/invitation-seq.js';
import { auditEvents, invitations, type CloseReason, type Invitation } from '../../db/schema.js';
import { auditIfChanged, diff } from '../audit.js';
import { getChat } from '../chats/service.js';
import type { CoreDeps } from '../deps.js';
import { ConflictError, NotFoundError, ValidationError } from '../errors.js';
import { randomId } from '../ids.js';
import { storeAudience, type AudienceSpec } from '../targeting/audience.js';
import type { Target } from '../targeting/target.js';
import type { InvitationCreateInput, InvitationListQuery, InvitationPatchInput } from './input.js';
import { prepareInvitation, type PreparedInvitation, type ValidationDetails } from './prepare.js';

export function audienceSpecOf(inv: Pick<Invitation, 'id' | 'chatId' | 'locale' | 'channel' | 'target' | 'sameLocaleOnly' | 'cooldownDays'>, defaultCooldownDays: number): AudienceSpec & { invitationId: string } {
  return {
    invitationId: inv.id,
    chatId: inv.chatId,
    locale: inv.locale,
    channel: inv.channel,
    target: inv.target as Target,
    sameLocaleOnly: inv.sameLocaleOnly,
    cooldownDays: inv.cooldownDays ?? defaultCooldownDays,
  };
}

/** The chat an invitation form names; an unknown one is a problem with the chatId field. */
export async function loadChatFor(deps: CoreDeps, chatId: string) {
  try {
    return await getChat(deps.db, chatId);
  } catch (error) {
    if (error instanceof NotFoundError) throw new ValidationError([{ path: 'chatId', message: `unknown chat "${chatId}"` }]);
    throw error;
  }
}

/** (Re)stores a frozen audience; writes nothing unless the invitation still has `inv.version`. */
async function freezeAudience(deps: CoreDeps, inv: Invitation, now: number): Promise<void> {
  const current = sql`EXISTS (SELECT 1 FROM invitations WHERE id = ${inv.id} AND version = ${inv.version})`;
  await deps.db.run(sql`DELETE FROM participations WHERE invitation_seq = ${invitationSeq(inv.id)} AND ${current}`);
  await storeAudience(deps.db, audienceSpecOf(inv, deps.settings.cooldownDays), now, current);
}

async function invitationWithKey(db: CoreDeps['db'], key: string): Promise<Invitation | undefined> {
  const [row] = await db.select().from(invitations).where(eq(invitations.idempotencyKey, key));
  return row;
}

/** Validates a form exactly as a create would, without saving it; returns what validation measured. */
export async function checkInvitation(deps: CoreDeps, input: InvitationCreateInput): Promise<ValidationDetails> {
  const chat = await loadChatFor(deps, input.chatId);
  return prepareInvitation(input, chat, deps.clock.now(), { checkOpensInFuture: true, publicBaseUrl: deps.settings.publicBaseUrl }).details;
}

/**
 * Schedules a new invitation. With an idempotency key (a Slack view id, an API client's
 * Idempotency-Key), a second create with the same key returns the first invitation, `replayed`.
 * `approvalRequired` (the send guard) keeps it from opening until a second manager approves it.
 */
export async function createInvitation(
  deps: CoreDeps,
  input: InvitationCreateInput,
  actor: string,
  opts: { idempotencyKey?: string; approvalRequired?: boolean } = {},
): Promise<{ invitation: Invitation; details: ValidationDetails; replayed: boolean }> {
  const key = opts.idempotencyKey ?? null;
  if (key) {
    const earlier = await invitationWithKey(deps.db, key);
    if (earlier) return { invitation: earlier, details: {}, replayed: true };
  }
  const now = deps.clock.now();
  const chat = await loadChatFor(deps, input.chatId);
  const { prepared, details } = prepareInvitation(input, chat, now, { checkOpensInFuture: true, publicBaseUrl: deps.settings.publicBaseUrl });
  const values: Omit<Invitation, 'seq'> = {
    ...prepared,
    pausedAt: null,
    pausedBy: null,
    pauseReason: null,
    completedCount: 0,
    openClaim: null,
    openClaimUntil: null,
    activityAt: null,
    summaryAt: null,
    id: randomId('inv'),
    chatId: chat.id,
    slackMessageTs: null,
    createdBy: actor,
    status: 'scheduled',
    closeReason: null,
    closedBy: null,
    approvalRequired: opts.approvalRequired ?? false,
    approvedBy: null,
    approvedAt: null,
    scheduledAt: now,
    openedAt: null,
    closedAt: null,
    createdAt: now,
    updatedAt: now,
    version: 1,
    idempotencyKey: key,
  };
  const { db } = deps;
  // A concurrent create with the same key wins the unique index: this one then writes nothing.
  const [[row]] = await db.batch([
    db.insert(invitations).values(values).onConflictDoNothing().returning(),
    db.run(auditIfChanged({ entityType: 'invitation', entityId: values.id, action: 'created', actor, at: now, changes: formOf(prepared) })),
  ]);
  if (!row) {
    const winner = key ? await invitationWithKey(db, key) : undefined;
    if (winner) return { invitation: winner, details: {}, replayed: true };
    throw new Error(`invitation ${values.id} was not written`);
  }
  if (!row.liveAudience) {
    try {
      await freezeAudience(deps, row, now);
    } catch (error) {
      // An invitation promised a frozen audience must not exist without one.
      await db.batch([
        db.run(sql`DELETE FROM participations WHERE invitation_seq = ${invitationSeq(row.id)}`),
        db.run(sql`DELETE FROM audit_events WHERE entity_type = 'invitation' AND entity_id = ${row.id}`),
        db.delete(invitations).where(eq(invitations.id, row.id)),
      ]);
      throw error;
    }
  }
  return { invitation: row, details, replayed: false };
}

export async function getInvitation(db: CoreDeps['db'], id: string): Promise<Invitation> {
  const [row] = await db.select().from(invitations).where(eq(invitations.id, id));
  if (!row) throw new NotFoundError('invitation', id);
  return row;
}

/** Fields an invitation form sets as they are stored (no time or message reshaping). */
function plainFields(inv: PreparedInvitation | Invitation) {
  const { name, description, locale, scheduleMode, timeZone, responseLimit, sameLocaleOnly, liveAudience, cooldownDays, reminders, slackChannelId } = inv;
  return { name, description, locale, scheduleMode, timeZone, responseLimit, sameLocaleOnly, liveAudience, cooldownDays, reminders, slackChannelId };
}

/** The editable part of an invitation, as compared in the audit trail. */
function formOf(inv: PreparedInvitation | Invitation): Record<string, unknown> {
  const { opensAt, closesAt, opensLocal, closesLocal, target, channel, emailSubject, emailBody, smsBody } = inv;
  return { ...plainFields(inv), opensAt, closesAt, opensLocal, closesLocal, target, channel, emailSubject, emailBody, smsBody };
}

const EDITABLE_WHILE_OPEN = new Set(['version', 'closesAt', 'responseLimit', 'reminders']);
const AUDIENCE_FIELDS = ['locale', 'target', 'sameLocaleOnly', 'liveAudience', 'cooldownDays', 'channel'];

/** The stored invitation as a form, so an edit can be validated exactly like a create. */
function currentForm(inv: Invitation) {
  const iso = (instant: number) => new Date(instant).toISOString();
  return {
    ...plainFields(inv),
    opensAt: inv.opensLocal ?? iso(inv.opensAt),
    closesAt: inv.closesLocal ?? iso(inv.closesAt),
    message: { channel: inv.channel, emailSubject: inv.emailSubject ?? undefined, emailBody: inv.emailBody ?? undefined, smsBody: inv.smsBody ?? undefined },
  };
}

export async function updateInvitation(
  deps: CoreDeps,
  id: string,
  patch: InvitationPatchInput,
  actor: string,
): Promise<{ invitation: Invitation; details: ValidationDetails; changes: ReturnType<typeof diff> }> {
  const { db } = deps;
  const now = deps.clock.now();
  const current = await getInvitation(db, id);
  if (current.version !== patch.version) {
    throw new ConflictError(`invitation ${id} was changed by someone else (version ${current.version}); reload and retry`, current.version);
  }
  if (current.status === 'closed') throw new ConflictError(`invitation ${id} is closed and can no longer be edited`, current.version);
  if (current.status === 'open') {
    const locked = Object.keys(patch).filter((k) => !EDITABLE_WHILE_OPEN.has(k));
    if (locked.length > 0) {
      throw new ValidationError(locked.map((path) => ({ path, message: 'cannot be changed once the invitation is open (only closesAt, responseLimit and reminders can)' })));
    }
  }
  const chat = await loadChatFor(deps, current.chatId);
  const { version: _version, message, ...fields } = patch;
  const form = { ...currentForm(current), ...fields, message: { ...currentForm(current).message, ...message } };
  const { prepared, details } = prepareInvitation(form, chat, now, {
    checkOpensInFuture: patch.opensAt !== undefined,
    publicBaseUrl: deps.settings.publicBaseUrl,
    storedTarget: current.target as Target,
  });
  const changes = diff(formOf(current), formOf(prepared));
  if (Object.keys(changes).length === 0) return { invitation: current, details, changes };

  const updated: Invitation = { ...current, ...prepared, updatedAt: now, version: current.version + 1 };
  const [result] = await db.batch([
    db
      .update(invitations)
      .set({ ...prepared, updatedAt: now, version: updated.version })
      .where(and(eq(invitations.id, id), eq(invitations.version, current.version))),
    db.run(auditIfChanged({ entityType: 'invitation', entityId: id, action: 'edited', actor, at: now, changes })),
  ]);
  if (result.rowsAffected === 0) {
    const latest = await getInvitation(db, id);
    throw new ConflictError(`invitation ${id} was changed by someone else (version ${latest.version}); reload and retry`, latest.version);
  }
  const audienceChanged = AUDIENCE_FIELDS.some((f) => f in changes);
  if (updated.status === 'scheduled' && !updated.liveAudience && audienceChanged) {
    await freezeAudience(deps, updated, now);
  } else if (updated.liveAudience && 'liveAudience' in changes) {
    await db.run(sql`DELETE FROM participations WHERE invitation_seq = ${invitationSeq(id)} AND ${sql`(SELECT status FROM invitations WHERE id = ${id}) = 'scheduled'`}`);
  }
  return { invitation: await getInvitation(db, id), details, changes };
}

/** Closes a scheduled or open invitation: by hand at any time, or by the runner (close time, response limit). */
export async function closeInvitation(deps: CoreDeps, id: string, actor: string, reason: CloseReason = 'manual'): Promise<Invitation> {
  const { db } = deps;
  const now = deps.clock.now();
  const [result] = await db.batch([
    db
      .update(invitations)
      .set({
        status: 'closed',
        closeReason: reason,
        closedBy: reason === 'manual' ? actor : null,
        closedAt: now,
        updatedAt: now,
        version: sql`${invitations.version} + 1`,
      })
      .where(and(eq(invitations.id, id), or(eq(invitations.status, 'scheduled'), eq(invitations.status, 'open')))),
    db.run(auditIfChanged({ entityType: 'invitation', entityId: id, action: 'closed', actor, at: now, changes: { reason } })),
    // Nothing more goes out once it is closed: reminders and messages still waiting are cancelled.
    db.run(sql`UPDATE deliveries SET state = 'cancelled', cancel_reason = 'closed', final_at = ${now}, updated_at = ${now}
      WHERE invitation_seq = ${invitationSeq(id)} AND state = 'queued' AND (SELECT status FROM invitations WHERE id = ${id}) = 'closed'`),
  ]);
  const invitation = await getInvitation(db, id);
  if (result.rowsAffected === 0) throw new ConflictError(`invitation ${id} is already closed`, invitation.version);
  return invitation;
}

export interface InvitationPage {
  items: Invitation[];
  nextCursor: string | null;
}

function encodeCursor(inv: Invitation): string {
  return btoa(`${inv.createdAt}:${inv.id}`);
}

function decodeCursor(cursor: string): { createdAt: number; id: string } {
  const match = /^(\d+):(inv_[0-9a-z]+)$/.exec((() => {
    try {
      return atob(cursor);
    } catch {
      return '';
    }
  })());
  if (!match) throw new ValidationError([{ path: 'cursor', message: 'is not a cursor returned by this API' }]);
  return { createdAt: Number(match[1]), id: match[2]! };
}

/** Newest first, filtered by status / chat / locale, paginated by an opaque cursor. */
export async function listInvitations(db: CoreDeps['db'], query: InvitationListQuery): Promise<InvitationPage> {
  const conditions: SQL[] = [];
  if (query.status) conditions.push(eq(invitations.status, query.status));
  if (query.chatId) conditions.push(eq(invitations.chatId, query.chatId));
  if (query.locale) conditions.push(eq(invitations.locale, query.locale));
  if (query.cursor) {
    const c = decodeCursor(query.cursor);
    conditions.push(or(lt(invitations.createdAt, c.createdAt), and(eq(invitations.createdAt, c.createdAt), lt(invitations.id, c.id)))!);
  }
  const rows = await db
    .select()
    .from(invitations)
    .where(and(...conditions))
    .orderBy(desc(invitations.createdAt), desc(invitations.id))
    .limit(query.limit + 1);
  const items = rows.slice(0, query.limit);
  return { items, nextCursor: rows.length > query.limit ? encodeCursor(items[items.length - 1]!) : null };
}

export interface InvitationCounts {
  targeted: number;
  sent: number;
  delivered: number;
  failed: number;
  bounced: number;
  cancelled: number;
  clicked: number;
  completed: number;
  completedAfterClose: number;
}

export async function invitationCounts(db: CoreDeps['db'], id: string): Promise<InvitationCounts> {
  const [row] = await db.all<InvitationCounts>(sql`SELECT count(*) AS targeted, count(sent_at) AS sent,
      count(delivered_at) AS delivered, count(failed_at) AS failed, count(bounced_at) AS bounced,
      count(cancelled_at) AS cancelled, count(clicked_at) AS clicked, count(completed_at) AS completed,
      coalesce(sum(completed_after_close), 0) AS completedAfterClose
    FROM participations WHERE invitation_seq = ${invitationSeq(id)}`);
  return row!;
}

export async function invitationAudit(db: CoreDeps['db'], id: string) {
  await getInvitation(db, id);
  return db
    .select()
    .from(auditEvents)
    .where(and(eq(auditEvents.entityType, 'invitation'), eq(auditEvents.entityId, id)))
    .orderBy(asc(auditEvents.at), asc(auditEvents.id));
}
