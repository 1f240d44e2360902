// The one source of truth for the data model: drizzle-kit generates migrations/ from this file,
// and every row type in the app is inferred from it.
// Times are integer milliseconds since the epoch (UTC); the API turns them into ISO strings.
import { sql } from 'drizzle-orm';
import {
  index,
  integer,
  primaryKey,
  sqliteTable,
  text,
  uniqueIndex,
} from 'drizzle-orm/sqlite-core';

export const chats = sqliteTable('chats', {
  id: text('id').primaryKey(),
  name: text('name').notNull(),
  defaultLocale: text('default_locale').notNull(),
  createdAt: integer('created_at').notNull(),
  updatedAt: integer('updated_at').notNull(),
});

/** One row per locale a chat runs in: where the chat lives, how it looks, and its message templates. */
export const chatLocales = sqliteTable(
  'chat_locales',
  {
    chatId: text('chat_id')
      .notNull()
      .references(() => chats.id, { onDelete: 'cascade' }),
    locale: text('locale').notNull(),
    url: text('url').notNull(),
    displayName: text('display_name'),
    logoUrl: text('logo_url'),
    accentColor: text('accent_color'),
    emailSenderName: text('email_sender_name'),
    emailSubject: text('email_subject'),
    emailBody: text('email_body'),
    smsBody: text('sms_body'),
  },
  (t) => [primaryKey({ columns: [t.chatId, t.locale] })],
);

export const members = sqliteTable(
  'members',
  {
    // Internal key: every join and index uses this integer, never the external id.
    id: integer('id').primaryKey({ autoIncrement: true }),
    externalId: text('external_id').notNull(),
    email: text('email'),
    phone: text('phone'),
    preferredLocale: text('preferred_locale'),
    timeZone: text('time_zone').notNull().default('UTC'),
    preferredChannel: text('preferred_channel', { enum: ['email', 'sms'] }),
    subscribed: integer('subscribed', { mode: 'boolean' }).notNull().default(true),
    unsubscribedAt: integer('unsubscribed_at'),
    emailOptOutAt: integer('email_opt_out_at'),
    emailSuppressedAt: integer('email_suppressed_at'),
    emailSuppressionReason: text('email_suppression_reason'),
    smsOptOutAt: integer('sms_opt_out_at'),
    smsSuppressedAt: integer('sms_suppressed_at'),
    smsSuppressionReason: text('sms_suppression_reason'),
    // Legacy, always '{}' since migrations/0006: profile attributes live in the slot columns (see
    // attributeSlots; attributesJson rebuilds the object). Kept for the one backfill that reads it.
    attributes: text('attributes', { mode: 'json' })
      .$type<Record<string, string | number | boolean>>()
      .notNull()
      .default(sql`'{}'`),
    createdAt: integer('created_at').notNull(),
    updatedAt: integer('updated_at').notNull(),
  },
  (t) => [
    uniqueIndex('members_external_id_unique').on(t.externalId),
    index('members_preferred_locale_idx').on(t.preferredLocale),
    // Inbound SMS (STOP, START, HELP) names the member only by phone number.
    index('members_phone_idx').on(t.phone),
  ],
);

/**
 * The profile attribute names in use, each with the slot that holds its typed copy on `members`:
 * columns `attr_N` (the value: text for strings and dates, the number for numbers, 1/0 for
 * booleans) and `attr_N_num` (1/0 for booleans, epoch ms for dates: what tells them apart from
 * numbers and strings). Filters scan those columns instead of parsing JSON. The columns are added
 * by `ALTER TABLE` when a name is first seen (src/core/members/attribute-slots.ts), so they are not
 * declared here; a migration that rebuilds `members` must carry them over.
 */
export const attributeSlots = sqliteTable('attribute_slots', {
  key: text('key').primaryKey(),
  slot: integer('slot').notNull().unique(),
});

export const chatResponses = sqliteTable(
  'chat_responses',
  {
    memberId: integer('member_id').notNull(),
    chatId: text('chat_id').notNull(),
    question: text('question').notNull(),
    value: text('value').notNull(),
    answeredAt: integer('answered_at').notNull(),
  },
  (t) => [
    primaryKey({ columns: [t.memberId, t.chatId, t.question] }),
    index('chat_responses_question_idx').on(t.chatId, t.question, t.value),
  ],
);

export const invitationStatuses = ['draft', 'scheduled', 'open', 'closed'] as const;
export type InvitationStatus = (typeof invitationStatuses)[number];
export const closeReasons = ['close_time', 'response_limit', 'manual'] as const;
export type CloseReason = (typeof closeReasons)[number];
export const messageChannels = ['email', 'sms', 'preference'] as const;
export type MessageChannel = (typeof messageChannels)[number];

export const invitations = sqliteTable(
  'invitations',
  {
    // Internal key: participations refer to it. An integer keeps their member index entries about
    // 25 bytes instead of 45 (the public id is 24 characters), which made storing a 1M-member
    // audience 1.7 s faster (measured: 2.7 s against 4.4 s into 3M existing participations).
    // AUTOINCREMENT: a deleted invitation's key is never reused.
    seq: integer('seq').primaryKey({ autoIncrement: true }),
    // The public id (API, Slack, logs).
    id: text('id').notNull().unique(),
    chatId: text('chat_id')
      .notNull()
      .references(() => chats.id),
    name: text('name').notNull(),
    description: text('description'),
    locale: text('locale').notNull(),
    // 'fixed': opensAt/closesAt are instants (entered in timeZone).
    // 'member_local': opensLocal/closesLocal are wall-clock times applied in each member's zone;
    // opensAt/closesAt then hold the earliest open and the latest close over all zones.
    scheduleMode: text('schedule_mode', { enum: ['fixed', 'member_local'] }).notNull(),
    timeZone: text('time_zone').notNull(),
    opensLocal: text('opens_local'),
    closesLocal: text('closes_local'),
    opensAt: integer('opens_at').notNull(),
    closesAt: integer('closes_at').notNull(),
    responseLimit: integer('response_limit'),
    target: text('target', { mode: 'json' }).notNull(),
    sameLocaleOnly: integer('same_locale_only', { mode: 'boolean' }).notNull().default(false),
    liveAudience: integer('live_audience', { mode: 'boolean' }).notNull().default(true),
    cooldownDays: integer('cooldown_days'),
    channel: text('channel', { enum: messageChannels }).notNull(),
    emailSubject: text('email_subject'),
    emailBody: text('email_body'),
    smsBody: text('sms_body'),
    slackChannelId: text('slack_channel_id'),
    slackMessageTs: text('slack_message_ts'),
    createdBy: text('created_by').notNull(),
    status: text('status', { enum: invitationStatuses }).notNull(),
    closeReason: text('close_reason', { enum: closeReasons }),
    closedBy: text('closed_by'),
    approvalRequired: integer('approval_required', { mode: 'boolean' }).notNull().default(false),
    approvedBy: text('approved_by'),
    approvedAt: integer('approved_at'),
    scheduledAt: integer('scheduled_at'),
    openedAt: integer('opened_at'),
    closedAt: integer('closed_at'),
    createdAt: integer('created_at').notNull(),
    updatedAt: integer('updated_at').notNull(),
    version: integer('version').notNull().default(1),
    // Set by creators that may send the same create twice (a Slack view submitted twice, an API
    // client retrying with Idempotency-Key): the second create returns the first invitation.
    idempotencyKey: text('idempotency_key'),
    // Delivery steps after the first message (see ReminderStep).
    reminders: text('reminders', { mode: 'json' }).$type<ReminderStep[]>().notNull().default(sql`'[]'`),
    // Pause stops new sends at once; batches already handed to a provider finish and are recorded.
    pausedAt: integer('paused_at'),
    pausedBy: text('paused_by'),
    pauseReason: text('pause_reason', { enum: ['manual', 'failure_rate'] }),
    // Kept by the completion that counts, in the same write, so the response limit needs no count(*).
    completedCount: integer('completed_count').notNull().default(0),
    // The runner that is opening it, until when: two runners never open the same invitation twice.
    openClaim: text('open_claim'),
    openClaimUntil: integer('open_claim_until'),
    // Something the summary shows changed at activityAt; the summary was last refreshed at summaryAt.
    activityAt: integer('activity_at'),
    summaryAt: integer('summary_at'),
  },
  (t) => [
    uniqueIndex('invitations_idempotency_key_unique').on(t.idempotencyKey),
    index('invitations_status_opens_idx').on(t.status, t.opensAt),
    index('invitations_status_closes_idx').on(t.status, t.closesAt),
    index('invitations_chat_idx').on(t.chatId, t.status),
  ],
);

/**
 * Member × invitation: the audience snapshot and the funnel of that member in that invitation.
 * Conditions on a chat select its invitations' keys (`invitation_seq IN (…)`, a handful of values)
 * instead of storing the chat here: participations_member_idx then holds only integers (storing a
 * 1M-member audience next to 3M participations: 2.8 s against 3.3 s with the chat in the index, and
 * 4.4 s with the text invitation id as well).
 */
/**
 * A reminder: `afterHours` after a member's first message, if they have not completed, they get
 * this message, up to `maxCount` times, at least `minGapHours` after the last message they got.
 * Absent texts fall back to the invitation's own message.
 */
export interface ReminderStep {
  afterHours: number;
  maxCount: number;
  minGapHours: number;
  emailSubject?: string | null;
  emailBody?: string | null;
  smsBody?: string | null;
}

export const participations = sqliteTable(
  'participations',
  {
    invitationSeq: integer('invitation_seq').notNull(),
    memberId: integer('member_id').notNull(),
    // The personal link secret: 128 random bits, hex, never derived from the member. Minted when the
    // invitation opens (mintTokens), not when an audience is stored or previewed: a million random
    // inserts into a unique index would triple the cost of storing a large audience.
    token: text('token'),
    channel: text('channel', { enum: ['email', 'sms'] }).notNull(),
    targetedAt: integer('targeted_at').notNull(),
    sentAt: integer('sent_at'),
    deliveredAt: integer('delivered_at'),
    failedAt: integer('failed_at'),
    bouncedAt: integer('bounced_at'),
    failureCode: text('failure_code'),
    failureReason: text('failure_reason'),
    clickedAt: integer('clicked_at'),
    completedAt: integer('completed_at'),
    completedAfterClose: integer('completed_after_close', { mode: 'boolean' }),
    cancelledAt: integer('cancelled_at'),
    cancelReason: text('cancel_reason'),
  },
  (t) => [
    primaryKey({ columns: [t.invitationSeq, t.memberId] }),
    uniqueIndex('participations_token_unique').on(t.token).where(sql`${t.token} IS NOT NULL`),
    // Every exclusion and participation filter reads a member's participations through this index;
    // as a WITHOUT ROWID table's index it also carries invitation_seq.
    index('participations_member_idx').on(t.memberId, t.targetedAt, t.completedAt),
  ],
);

export const auditEvents = sqliteTable(
  'audit_events',
  {
    id: integer('id').primaryKey({ autoIncrement: true }),
    entityType: text('entity_type', { enum: ['invitation', 'chat'] }).notNull(),
    entityId: text('entity_id').notNull(),
    action: text('action').notNull(),
    actor: text('actor').notNull(),
    at: integer('at').notNull(),
    // { field: { from, to } } for edits; free details for transitions
    changes: text('changes', { mode: 'json' }),
  },
  (t) => [index('audit_events_entity_idx').on(t.entityType, t.entityId, t.at)],
);

// 'unknown': handed to a provider whose answer never came (timeout, a runner killed mid-batch); the
// runner asks the provider before anything is resent. 'unconfirmed' is not stored: it is how a
// 'sent' delivery without a final status 72 hours later is reported (see deliveryStateShown).
export const deliveryStates = ['queued', 'sending', 'sent', 'delivered', 'failed', 'bounced', 'unknown', 'cancelled'] as const;
export type DeliveryState = (typeof deliveryStates)[number];

/**
 * One message to one member: step 0 is the invitation, step k its k-th reminder step (round r is
 * the r-th time that step went to the member). The runner claims queued rows in batches
 * (send_batches), so two runners never send the same row.
 */
export const deliveries = sqliteTable(
  'deliveries',
  {
    id: integer('id').primaryKey({ autoIncrement: true }),
    invitationSeq: integer('invitation_seq').notNull(),
    memberId: integer('member_id').notNull(),
    step: integer('step').notNull().default(0),
    round: integer('round').notNull().default(1),
    channel: text('channel', { enum: ['email', 'sms'] }).notNull(),
    state: text('state', { enum: deliveryStates }).notNull().default('queued'),
    // Not before: the open time in the member's zone, the end of SMS quiet hours, a retry's backoff.
    dueAt: integer('due_at').notNull(),
    attempts: integer('attempts').notNull().default(0),
    batchId: text('batch_id'),
    providerMessageId: text('provider_message_id'),
    errorCode: text('error_code'),
    errorReason: text('error_reason'),
    // A failure worth retrying (rate limit, provider outage), as opposed to a bad address.
    transient: integer('transient', { mode: 'boolean' }),
    sentAt: integer('sent_at'),
    finalAt: integer('final_at'),
    cancelReason: text('cancel_reason'),
    updatedAt: integer('updated_at').notNull(),
  },
  (t) => [
    uniqueIndex('deliveries_member_step_unique').on(t.invitationSeq, t.memberId, t.step, t.round),
    index('deliveries_queue_idx').on(t.invitationSeq, t.dueAt).where(sql`${t.state} = 'queued'`),
    index('deliveries_batch_idx').on(t.batchId).where(sql`${t.state} IN ('sending', 'unknown')`),
  ],
);

/** A claim of up to a provider batch of one invitation's deliveries by one runner, with its lease and outcome. */
export const sendBatches = sqliteTable(
  'send_batches',
  {
    id: text('id').primaryKey(),
    invitationSeq: integer('invitation_seq').notNull(),
    runner: text('runner').notNull(),
    claimedAt: integer('claimed_at').notNull(),
    // Past this, a batch still 'claimed' belongs to a runner that died: its deliveries are reconciled.
    leaseUntil: integer('lease_until').notNull(),
    state: text('state', { enum: ['claimed', 'recorded', 'reconciled'] }).notNull(),
    attempted: integer('attempted').notNull().default(0),
    failed: integer('failed').notNull().default(0),
  },
  (t) => [
    index('send_batches_claimed_idx').on(t.leaseUntil).where(sql`${t.state} = 'claimed'`),
    index('send_batches_invitation_idx').on(t.invitationSeq, t.claimedAt),
  ],
);

/**
 * A provider's send rate, shared by every runner on the database: the time from which the next
 * message may go. Each runner reserves its batch's span here in one write, so two runners together
 * keep to EMAIL_RATE / SMS_RATE instead of doubling it.
 */
export const sendRates = sqliteTable('send_rates', {
  channel: text('channel', { enum: ['email', 'sms'] }).primaryKey(),
  nextFreeAt: integer('next_free_at').notNull(),
});

/** Where messages go when no provider is configured: a newcomer can read what would have been sent. */
export const outbox = sqliteTable('outbox', {
  id: integer('id').primaryKey({ autoIncrement: true }),
  deliveryId: integer('delivery_id').notNull(),
  batchId: text('batch_id').notNull(),
  channel: text('channel', { enum: ['email', 'sms'] }).notNull(),
  recipient: text('recipient').notNull(),
  subject: text('subject'),
  textBody: text('text_body').notNull(),
  htmlBody: text('html_body'),
  headers: text('headers', { mode: 'json' }).$type<Record<string, string>>(),
  createdAt: integer('created_at').notNull(),
});

export type Chat = typeof chats.$inferSelect;
export type ChatLocale = typeof chatLocales.$inferSelect;
export type Member = typeof members.$inferSelect;
export type NewMember = typeof members.$inferInsert;
export type Invitation = typeof invitations.$inferSelect;
export type NewInvitation = typeof invitations.$inferInsert;
export type Participation = typeof participations.$inferSelect;
export type AuditEvent = typeof auditEvents.$inferSelect;
export type Delivery = typeof deliveries.$inferSelect;
export type SendBatch = typeof sendBatches.$inferSelect;
export type OutboxMessage = typeof outbox.$inferSelect;

/**
 * Rows of a large import waiting to be merged: files are staged in chunks, then merged into
 * members / chat_responses by one statement, so a file lands whole or not at all.
 */
export const importRows = sqliteTable(
  'import_rows',
  {
    importId: text('import_id').notNull(),
    seq: integer('seq').notNull(),
    line: integer('line').notNull(),
    data: text('data').notNull(),
  },
  (t) => [primaryKey({ columns: [t.importId, t.seq] })],
);

/**
 * Slack Events API deliveries already handled: Slack retries an event it thinks was not received
 * (X-Slack-Retry-Num), and a retry may reach another process, so the dedupe lives here.
 */
export const slackEvents = sqliteTable('slack_events', {
  eventId: text('event_id').primaryKey(),
  receivedAt: integer('received_at').notNull(),
});
