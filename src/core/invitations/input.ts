// The invitation form, as one zod schema set shared by the API, the Slack modal and the CLI.
import { z } from 'zod';
import { messageChannels } from '../../db/schema.js';
import { chatId } from '../chats/input.js';
import { targetInput } from '../targeting/target.js';
import { localDateTimePattern } from '../time.js';
import { localeTag, timeZone } from '../validators.js';

export const NAME_MAX = 80;

/** An ISO instant with zone (2026-12-01T14:00:00Z), or a wall-clock time (2026-12-01T09:00) read in a zone. */
export const when = z
  .string()
  .refine((v) => localDateTimePattern.test(v) || (/[zZ]|[+-]\d{2}:\d{2}$/.test(v) && !Number.isNaN(Date.parse(v))), {
    message: 'must be an ISO date-time with a zone (2026-12-01T14:00:00Z) or a local time (2026-12-01T09:00)',
  });

export const messageInput = z.strictObject({
  channel: z.enum(messageChannels).describe("email, sms, or each member's preference"),
  emailSubject: z.string().max(200).optional().describe("Defaults to the chat's template for the locale."),
  emailBody: z.string().max(20_000).optional(),
  smsBody: z.string().max(1600).optional(),
});

export const MAX_REMINDER_STEPS = 5;

export const reminderInput = z.strictObject({
  afterHours: z.number().min(1).max(24 * 90).describe("Hours after a member's first message."),
  maxCount: z.number().int().min(1).max(10).default(1).describe('How many times this step may go to one member.'),
  minGapHours: z.number().min(1).max(24 * 90).default(24).describe('At least this long after the last message the member got.'),
  emailSubject: z.string().max(200).nullish().describe('Defaults to the invitation\'s subject, marked as a reminder.'),
  emailBody: z.string().max(20_000).nullish().describe("Defaults to the invitation's body."),
  smsBody: z.string().max(1600).nullish(),
});

// Field schemas without defaults: a create fills the defaults in, an edit must not.
const fields = {
  name: z.string().trim().min(1, 'is required').max(NAME_MAX, `must be at most ${NAME_MAX} characters`),
  description: z.string().max(2000).nullish(),
  locale: localeTag.describe('Engagement locale; prefilled for a single-locale chat.'),
  scheduleMode: z
    .enum(['fixed', 'member_local'])
    .describe("fixed: opensAt/closesAt are instants (local times read in timeZone). member_local: local times applied in each member's own zone."),
  timeZone,
  opensAt: when.describe('Defaults to now.'),
  closesAt: when,
  responseLimit: z.number().int().positive('must be a positive integer').nullish(),
  target: targetInput,
  sameLocaleOnly: z.boolean().describe('Only members whose preferred locale is the engagement locale.'),
  liveAudience: z.boolean().describe('Resolve the audience again when the invitation opens (off: frozen now).'),
  cooldownDays: z.number().int().min(0).max(365).nullish().describe('Overrides the workspace cooldown; 0 turns it off.'),
  message: messageInput,
  reminders: z.array(reminderInput).max(MAX_REMINDER_STEPS, `at most ${MAX_REMINDER_STEPS} reminder steps`).describe('Reminder steps, to members who have not completed.'),
  slackChannelId: z.string().regex(/^[CGD][A-Z0-9]{2,}$/, 'must be a Slack channel ID').nullish(),
};

export const invitationCreateInput = z.strictObject({
  ...fields,
  chatId,
  locale: fields.locale.optional(),
  scheduleMode: fields.scheduleMode.default('fixed'),
  timeZone: fields.timeZone.default('UTC'),
  opensAt: fields.opensAt.optional(),
  sameLocaleOnly: fields.sameLocaleOnly.default(false),
  liveAudience: fields.liveAudience.default(true),
  reminders: fields.reminders.optional(),
});
export type InvitationCreateInput = z.infer<typeof invitationCreateInput>;

/** Edits: any subset of the form (not the chat), plus the version the editor saw (optimistic concurrency). */
export const invitationPatchInput = z
  .object({ version: z.number().int().positive().describe('The version you last read; a stale one gets 409.') })
  .extend(z.object(fields).partial().shape)
  .strict();
export type InvitationPatchInput = z.infer<typeof invitationPatchInput>;

export const invitationListQuery = z.strictObject({
  status: z.enum(['draft', 'scheduled', 'open', 'closed']).optional(),
  chatId: chatId.optional(),
  locale: localeTag.optional(),
  limit: z.coerce.number().int().min(1).max(200).default(50),
  cursor: z.string().max(200).optional(),
});
export type InvitationListQuery = z.infer<typeof invitationListQuery>;
