// What the API returns: rows turned into JSON with ISO times, and the zod schemas that document them.
import { z } from '@hono/zod-openapi';
import type { ChatWithLocales } from '../core/chats/service.js';
import type { InvitationCounts } from '../core/invitations/service.js';
import type { Invitation, Member } from '../db/schema.js';

const iso = (ms: number | null | undefined): string | null => (ms === null || ms === undefined ? null : new Date(ms).toISOString());

export const chatView = (chat: ChatWithLocales) => ({
  id: chat.id,
  name: chat.name,
  defaultLocale: chat.defaultLocale,
  locales: chat.locales.map(({ chatId: _chatId, ...l }) => l),
  createdAt: iso(chat.createdAt),
  updatedAt: iso(chat.updatedAt),
});

export const chatSchema = z
  .object({
    id: z.string(),
    name: z.string(),
    defaultLocale: z.string(),
    locales: z.array(
      z.object({
        locale: z.string(),
        url: z.string(),
        displayName: z.string().nullable(),
        logoUrl: z.string().nullable(),
        accentColor: z.string().nullable(),
        emailSenderName: z.string().nullable(),
        emailSubject: z.string().nullable(),
        emailBody: z.string().nullable(),
        smsBody: z.string().nullable(),
      }),
    ),
    createdAt: z.string().nullable(),
    updatedAt: z.string().nullable(),
  })
  .openapi('Chat');

export const memberView = (m: Member) => ({
  id: m.externalId,
  email: m.email,
  phone: m.phone,
  preferredLocale: m.preferredLocale,
  timezone: m.timeZone,
  preferredChannel: m.preferredChannel,
  subscribed: m.subscribed,
  unsubscribedAt: iso(m.unsubscribedAt),
  emailOptOutAt: iso(m.emailOptOutAt),
  emailSuppression: m.emailSuppressedAt ? { at: iso(m.emailSuppressedAt), reason: m.emailSuppressionReason } : null,
  smsOptOutAt: iso(m.smsOptOutAt),
  smsSuppression: m.smsSuppressedAt ? { at: iso(m.smsSuppressedAt), reason: m.smsSuppressionReason } : null,
  attributes: m.attributes,
  createdAt: iso(m.createdAt),
  updatedAt: iso(m.updatedAt),
});

const suppression = z.object({ at: z.string().nullable(), reason: z.string().nullable() }).nullable();
export const memberSchema = z
  .object({
    id: z.string(),
    email: z.string().nullable(),
    phone: z.string().nullable(),
    preferredLocale: z.string().nullable(),
    timezone: z.string(),
    preferredChannel: z.enum(['email', 'sms']).nullable(),
    subscribed: z.boolean(),
    unsubscribedAt: z.string().nullable(),
    emailOptOutAt: z.string().nullable(),
    emailSuppression: suppression,
    smsOptOutAt: z.string().nullable(),
    smsSuppression: suppression,
    attributes: z.record(z.string(), z.union([z.string(), z.number(), z.boolean()])),
    createdAt: z.string().nullable(),
    updatedAt: z.string().nullable(),
  })
  .openapi('Member');

export const countsSchema = z
  .object({
    targeted: z.number(),
    sent: z.number(),
    delivered: z.number(),
    failed: z.number(),
    bounced: z.number(),
    cancelled: z.number(),
    clicked: z.number(),
    completed: z.number(),
    completedAfterClose: z.number(),
  })
  .openapi('InvitationCounts');

export const invitationView = (inv: Invitation, counts?: InvitationCounts) => ({
  id: inv.id,
  chatId: inv.chatId,
  name: inv.name,
  description: inv.description,
  locale: inv.locale,
  status: inv.status,
  scheduleMode: inv.scheduleMode,
  timeZone: inv.timeZone,
  opensAt: iso(inv.opensAt)!,
  closesAt: iso(inv.closesAt)!,
  opensLocal: inv.opensLocal,
  closesLocal: inv.closesLocal,
  responseLimit: inv.responseLimit,
  target: inv.target,
  sameLocaleOnly: inv.sameLocaleOnly,
  liveAudience: inv.liveAudience,
  cooldownDays: inv.cooldownDays,
  message: { channel: inv.channel, emailSubject: inv.emailSubject, emailBody: inv.emailBody, smsBody: inv.smsBody },
  reminders: inv.reminders,
  paused: inv.pausedAt === null ? null : { at: iso(inv.pausedAt)!, by: inv.pausedBy, reason: inv.pauseReason },
  completedCount: inv.completedCount,
  slackChannelId: inv.slackChannelId,
  createdBy: inv.createdBy,
  closeReason: inv.closeReason,
  closedBy: inv.closedBy,
  scheduledAt: iso(inv.scheduledAt),
  openedAt: iso(inv.openedAt),
  closedAt: iso(inv.closedAt),
  createdAt: iso(inv.createdAt)!,
  updatedAt: iso(inv.updatedAt)!,
  version: inv.version,
  ...(counts ? { counts } : {}),
});

export const invitationSchema = z
  .object({
    id: z.string(),
    chatId: z.string(),
    name: z.string(),
    description: z.string().nullable(),
    locale: z.string(),
    status: z.enum(['draft', 'scheduled', 'open', 'closed']),
    scheduleMode: z.enum(['fixed', 'member_local']),
    timeZone: z.string(),
    opensAt: z.string(),
    closesAt: z.string(),
    opensLocal: z.string().nullable(),
    closesLocal: z.string().nullable(),
    responseLimit: z.number().nullable(),
    target: z.unknown(),
    sameLocaleOnly: z.boolean(),
    liveAudience: z.boolean(),
    cooldownDays: z.number().nullable(),
    message: z.object({
      channel: z.enum(['email', 'sms', 'preference']),
      emailSubject: z.string().nullable(),
      emailBody: z.string().nullable(),
      smsBody: z.string().nullable(),
    }),
    reminders: z.array(
      z.object({
        afterHours: z.number(),
        maxCount: z.number(),
        minGapHours: z.number(),
        emailSubject: z.string().nullable().optional(),
        emailBody: z.string().nullable().optional(),
        smsBody: z.string().nullable().optional(),
      }),
    ),
    paused: z.object({ at: z.string(), by: z.string().nullable(), reason: z.enum(['manual', 'failure_rate']).nullable() }).nullable(),
    completedCount: z.number().describe('Completions counted toward the response limit (those before close).'),
    slackChannelId: z.string().nullable(),
    createdBy: z.string(),
    closeReason: z.enum(['close_time', 'response_limit', 'manual']).nullable(),
    closedBy: z.string().nullable(),
    scheduledAt: z.string().nullable(),
    openedAt: z.string().nullable(),
    closedAt: z.string().nullable(),
    createdAt: z.string(),
    updatedAt: z.string(),
    version: z.number(),
    counts: countsSchema.optional(),
  })
  .openapi('Invitation');
