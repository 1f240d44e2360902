// The one source of truth for the data model: drizzle-kit generates migrations/ from this file,
// and every row type in the app is inferred from it.
// Times are integer milliseconds since the epoch (UTC); the API turns them into ISO strings.
import { sql } from 'drizzle-orm';
import {
  index,
  integer,
  primaryKey,
  real,
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
    // JSON object of profile attributes; triggers (migrations/0001) mirror it into member_attributes.
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
  ],
);

/**
 * Typed index of members.attributes, one row per member × attribute, maintained by triggers.
 * Filters read this table through its (key, value) indexes instead of json_extract over every member.
 */
export const memberAttributes = sqliteTable(
  'member_attributes',
  {
    memberId: integer('member_id').notNull(),
    key: text('key').notNull(),
    type: text('type', { enum: ['string', 'number', 'boolean', 'date'] }).notNull(),
    valueText: text('value_text').notNull(),
    // number → the number; boolean → 1/0; date → epoch ms; string → null
    valueNum: real('value_num'),
  },
  (t) => [
    primaryKey({ columns: [t.memberId, t.key] }),
    index('member_attributes_text_idx').on(t.key, t.valueText),
    index('member_attributes_num_idx').on(t.key, t.type, t.valueNum),
  ],
);

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
export const participations = sqliteTable(
  'participations',
  {
    invitationSeq: integer('invitation_seq').notNull(),
    memberId: integer('member_id').notNull(),
    // The personal link secret: 128 random bits, hex, never derived from the member. Minted when the
    // first message is sent, not when the audience is stored: a million random inserts into a
    // unique index would triple the cost of opening a large invitation.
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

export type Chat = typeof chats.$inferSelect;
export type ChatLocale = typeof chatLocales.$inferSelect;
export type Member = typeof members.$inferSelect;
export type NewMember = typeof members.$inferInsert;
export type Invitation = typeof invitations.$inferSelect;
export type NewInvitation = typeof invitations.$inferInsert;
export type Participation = typeof participations.$inferSelect;
export type AuditEvent = typeof auditEvents.$inferSelect;

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
