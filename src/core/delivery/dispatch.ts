// Step 2 of a tick: send what is due. Per open, unpaused invitation, workers claim batches, decide
// per member (opted out since? quiet hours? completed before a reminder?), send through the
// providers at their rates, and record the outcomes. Several batches are in flight at once so the
// database work of one overlaps the provider call of another.
import { and, eq, isNull } from 'drizzle-orm';
import { invitations, type Invitation } from '../../db/schema.js';
import { getChat } from '../chats/service.js';
import { randomId } from '../ids.js';
import { loadAttributeSlots, type AttributeSlots } from '../members/attribute-slots.js';
import { zonedLocalToInstant } from '../time.js';
import { claimBatch, unusableReason, type ClaimedRow } from './claim.js';
import { composer, type Composer, type Recipient } from './compose.js';
import type { DeliveryDeps } from './deps.js';
import { pauseIfFailing } from './failure-pause.js';
import type { OutgoingSms, SendOutcome } from './providers.js';
import { quietUntil } from './quiet-hours.js';
import { sharedRateLimiter, sleepUntil, type RateLimiter } from './rate.js';
import { recordBatch, type RecordedRow, type RowOutcome } from './record.js';
import { retryDelayMs } from './retry.js';
import { repeatedIfUnanswered } from './unanswered.js';

export interface DispatchReport {
  batches: number;
  sent: number;
  failed: number;
  retrying: number;
  unknown: number;
  cancelled: number;
  deferred: number;
}

export interface DispatchOptions {
  /** Stop claiming after this instant (a scheduled tick leaves room for the next steps). */
  deadline?: number;
  /** Batches in flight at once per invitation. */
  concurrency?: number;
  /** SMS requests in flight at once within a batch. */
  smsConcurrency?: number;
}

/** Per tick: the providers' rates (shared with other runners) and whether one asked us to back off (429) until some time. */
interface Channels {
  limit: { email: RateLimiter; sms: RateLimiter };
  backoffUntil: { email: number; sms: number };
}

interface Sendable {
  inv: Invitation;
  compose: Composer;
  /** Where members' attributes are, as the tick found it (a name added since waits for the next tick). */
  slots: AttributeSlots;
}

export async function sendDue(deps: DeliveryDeps, options: DispatchOptions = {}): Promise<DispatchReport> {
  const report: DispatchReport = { batches: 0, sent: 0, failed: 0, retrying: 0, unknown: 0, cancelled: 0, deferred: 0 };
  const open = await deps.db.select().from(invitations).where(and(eq(invitations.status, 'open'), isNull(invitations.pausedAt)));
  const channels: Channels = {
    limit: { email: sharedRateLimiter(deps.db, 'email', deps.delivery.emailRate), sms: sharedRateLimiter(deps.db, 'sms', deps.delivery.smsRate) },
    backoffUntil: { email: 0, sms: 0 },
  };
  const rotation: Sendable[] = [];
  const slots = open.length > 0 ? await loadAttributeSlots(deps.db) : new Map<string, number>();
  for (const inv of open) rotation.push({ inv, compose: composer(inv, await getChat(deps.db, inv.chatId), deps.settings.publicBaseUrl), slots });
  // Workers take the invitations in turn, batch by batch, so a large one does not hold back the others.
  let turn = 0;
  const next = (): Sendable | undefined => rotation[turn++ % Math.max(1, rotation.length)];
  const worker = async () => {
    for (let sendable = next(); sendable; sendable = next()) {
      if (options.deadline !== undefined && Date.now() >= options.deadline) return;
      if (await sendOneBatch(deps, sendable, channels, options, report)) continue;
      // Done for this tick (another worker may have found that out first).
      const at = rotation.indexOf(sendable);
      if (at >= 0) rotation.splice(at, 1);
    }
  };
  // Two batches in flight: the database work of one overlaps the provider call of the other. More
  // did not send faster (100,000 emails: 6.7 s with two, 7.0 s with four) and held more memory.
  await Promise.all(Array.from({ length: options.concurrency ?? 2 }, worker));
  return report;
}

/** Batch size: a provider batch, or about ten seconds of SMS at the configured rate. */
function batchSize(deps: DeliveryDeps, inv: Invitation): number {
  const email = deps.providers.email.batchSize;
  if (inv.channel === 'email' || deps.delivery.smsRate <= 0) return email;
  return Math.max(1, Math.min(email, Math.round(deps.delivery.smsRate * 10)));
}

/** Claims, sends and records one batch of the invitation; false when it has nothing more to send now (or is paused or closed). */
async function sendOneBatch(deps: DeliveryDeps, { inv, compose, slots }: Sendable, channels: Channels, options: DispatchOptions, report: DispatchReport): Promise<boolean> {
  const claimOptions = { invitationSeq: inv.seq, runnerId: deps.runnerId, now: deps.clock.now(), leaseMs: deps.delivery.leaseMs, size: batchSize(deps, inv), slots };
  const batchId = randomId('bat');
  const ids = { invitation: inv.id, batch: batchId };
  const claimed = await repeatedIfUnanswered(deps, 'claim', ids, () => claimBatch(deps.db, claimOptions, batchId));
  if (!claimed) return false;
  report.batches += 1;
  const rows = await sendClaimed(deps, inv, compose, channels, batchId, claimed, options);
  const record = { batchId, invitationSeq: inv.seq, now: deps.clock.now(), rows };
  await repeatedIfUnanswered(deps, 'record', ids, () => recordBatch(deps.db, record));
  tally(report, rows);
  deps.logger.log('info', 'delivery.batch', { invitation: inv.id, batch: batchId, size: rows.length, runner: deps.runnerId });
  const finalFailure = rows.some((r) => r.outcome.kind === 'failed' && r.outcome.retryAt === undefined);
  return !(finalFailure && (await pauseIfFailing(deps, inv)));
}

function tally(report: DispatchReport, rows: RecordedRow[]): void {
  for (const { outcome } of rows) {
    if (outcome.kind === 'sent') report.sent += 1;
    else if (outcome.kind === 'failed') {
      if (outcome.retryAt === undefined) report.failed += 1;
      else report.retrying += 1;
    } else if (outcome.kind === 'unknown') report.unknown += 1;
    else if (outcome.kind === 'cancelled') report.cancelled += 1;
    else report.deferred += 1;
  }
}

/** What to do with a claimed row before any provider is asked, or null to send it. */
function preflight(deps: DeliveryDeps, inv: Invitation, row: ClaimedRow, now: number): RowOutcome | null {
  const unusable = unusableReason(row);
  if (unusable) return { kind: 'cancelled', reason: unusable };
  if (row.step > 0 && row.completed_at !== null) return { kind: 'cancelled', reason: 'completed' };
  if (inv.scheduleMode === 'member_local' && inv.closesLocal && row.step > 0 && zonedLocalToInstant(inv.closesLocal, row.time_zone) <= now) {
    return { kind: 'cancelled', reason: 'closed' };
  }
  const quiet = deps.delivery.smsQuietHours;
  if (row.channel === 'sms' && quiet) {
    const until = quietUntil(now, row.time_zone, quiet);
    if (until !== null) return { kind: 'deferred', until };
  }
  return null;
}

export function recipientOf(row: ClaimedRow): Recipient {
  return { deliveryId: row.id, step: row.step, token: row.token, email: row.email, phone: row.phone, timeZone: row.time_zone, attributes: row.attributes };
}

function outcomeOf(deps: DeliveryDeps, row: ClaimedRow, result: SendOutcome, channels: Channels, now: number): RowOutcome {
  if (result.status === 'sent') return { kind: 'sent', providerMessageId: result.providerMessageId };
  if (result.status === 'unknown') return { kind: 'unknown', reason: result.reason };
  if (result.permanent || row.attempts >= deps.delivery.maxAttempts) {
    return { kind: 'failed', code: result.code, reason: result.reason, transient: !result.permanent };
  }
  if (result.retryAfterMs !== undefined) {
    channels.backoffUntil[row.channel] = Math.max(channels.backoffUntil[row.channel], Date.now() + result.retryAfterMs);
  }
  return { kind: 'failed', code: result.code, reason: result.reason, transient: true, retryAt: now + retryDelayMs(row.attempts, result.retryAfterMs) };
}

/** Waits out a provider's 429; if that outlasts the tick, the rows go back to the queue. */
async function waitForChannel(channels: Channels, channel: 'email' | 'sms', options: DispatchOptions): Promise<boolean> {
  const until = channels.backoffUntil[channel];
  if (options.deadline !== undefined && until > Date.now() && until >= options.deadline) return false;
  await sleepUntil(until);
  return true;
}

/**
 * An adapter that throws (a bug, an unexpected network error) leaves the message's fate unknown:
 * it is reconciled with the provider, not resent blindly and not lost.
 */
async function guarded(count: number, send: () => Promise<SendOutcome[]>): Promise<SendOutcome[]> {
  try {
    return await send();
  } catch (error) {
    const reason = error instanceof Error ? error.message.slice(0, 200) : 'adapter error';
    return Array.from({ length: count }, () => ({ status: 'unknown', reason }) as const);
  }
}

async function sendClaimed(
  deps: DeliveryDeps,
  inv: Invitation,
  compose: Composer,
  channels: Channels,
  batchId: string,
  rows: ClaimedRow[],
  options: DispatchOptions,
): Promise<RecordedRow[]> {
  const now = deps.clock.now();
  const ids = { invitation: inv.id, batch: batchId };
  const recorded: RecordedRow[] = [];
  const emails: ClaimedRow[] = [];
  const texts: ClaimedRow[] = [];
  for (const row of rows) {
    const early = preflight(deps, inv, row, now);
    if (early) recorded.push({ id: row.id, memberId: row.member_id, step: row.step, outcome: early });
    else (row.channel === 'email' ? emails : texts).push(row);
  }
  const notNow = (row: ClaimedRow): RecordedRow => ({
    id: row.id,
    memberId: row.member_id,
    step: row.step,
    outcome: { kind: 'deferred', until: now + Math.max(0, channels.backoffUntil[row.channel] - Date.now()) },
  });

  const { email, sms } = deps.providers;
  for (let i = 0; i < emails.length; i += email.batchSize) {
    const chunk = emails.slice(i, i + email.batchSize);
    if (!(await waitForChannel(channels, 'email', options))) {
      recorded.push(...chunk.map(notNow));
      continue;
    }
    const window = await repeatedIfUnanswered(deps, 'rate', ids, () => channels.limit.email.reserve(chunk.length));
    await sleepUntil(window.at(0));
    const results = await guarded(chunk.length, () => email.sendBatch(chunk.map((row) => compose.email(recipientOf(row), batchId))));
    chunk.forEach((row, k) => recorded.push({ id: row.id, memberId: row.member_id, step: row.step, outcome: outcomeOf(deps, row, results[k]!, channels, now) }));
  }

  // One reservation for the batch's texts; each then waits for its own place in that span.
  const window = texts.length === 0 ? null : await repeatedIfUnanswered(deps, 'rate', ids, () => channels.limit.sms.reserve(texts.length));
  let next = 0;
  const smsWorker = async () => {
    while (next < texts.length) {
      const k = next++;
      const row = texts[k]!;
      if (!(await waitForChannel(channels, 'sms', options))) {
        recorded.push(notNow(row));
        continue;
      }
      await sleepUntil(window!.at(k));
      const message: OutgoingSms = compose.sms(recipientOf(row), batchId);
      const [result] = await guarded(1, async () => [await sms.send(message)]);
      recorded.push({ id: row.id, memberId: row.member_id, step: row.step, outcome: outcomeOf(deps, row, result!, channels, now) });
    }
  };
  await Promise.all(Array.from({ length: Math.min(texts.length, options.smsConcurrency ?? 16) }, smsWorker));
  return recorded;
}
