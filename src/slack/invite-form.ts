// The modal's state (view.state.values, untrusted) → the core's invitation form, and the core's
// field problems → Slack's inline errors ({ block_id: message }). The core's zod schemas and rules
// do the validating; this file only translates shapes and names.
import { z } from 'zod';
import type { FieldProblem } from '../core/errors.js';
import { instantToZonedLocal } from '../core/time.js';
import { MAX_REMINDER_STEPS, type InvitationCreateInput } from '../core/invitations/input.js';
import type { TargetInput } from '../core/targeting/target.js';
import { rowsToFilter, type ConditionRow, type RowsResult } from './filter-rows.js';
import { filterMatchBlock, inviteBlocks, MAX_ROWS, reminderBlock, reminderFields, rowBlock, targetTypes, type InviteModalMeta, type ReminderField } from './views/invite-modal.js';

const selectedOption = z.object({ value: z.string() }).nullish();

/** One element's state, whatever its type: only the fields this form reads. */
const elementState = z.looseObject({
  type: z.string(),
  value: z.string().nullish(),
  selected_option: selectedOption,
  selected_options: z.array(z.object({ value: z.string() })).nullish(),
  selected_date_time: z.number().int().nullish(),
  selected_conversation: z.string().nullish(),
});

export const viewStateValues = z.record(z.string(), z.record(z.string(), elementState));
export type ViewStateValues = z.infer<typeof viewStateValues>;

export const inviteModalMeta = z.object({
  channel: z.string().max(64),
  chat: z.string().max(200).optional(),
  locale: z.string().max(35).optional(),
  target: z.enum(targetTypes).default('all'),
  confirmed: z.number().int().nonnegative().optional(),
  rows: z.array(z.number().int().min(0).max(10_000)).max(MAX_ROWS).optional(),
  reminders: z.array(z.number().int().min(0).max(10_000)).max(MAX_REMINDER_STEPS).optional(),
  editing: z.object({ id: z.string().max(64), version: z.number().int().positive() }).optional(),
});

/** A view's private_metadata read with `schema`; undefined when it is not what this app wrote. */
export function metadataOf<T>(schema: z.ZodType<T>, privateMetadata: string | undefined): T | undefined {
  try {
    const parsed = schema.safeParse(JSON.parse(privateMetadata ?? '{}'));
    return parsed.success ? parsed.data : undefined;
  } catch {
    return undefined;
  }
}

export function readMeta(privateMetadata: string | undefined): InviteModalMeta {
  return metadataOf(inviteModalMeta, privateMetadata) ?? { channel: '', target: 'all' };
}

/** The element of a block, found by exact block_id or by prefix (message blocks carry the locale). */
function element(values: ViewStateValues, block: string): z.infer<typeof elementState> | undefined {
  const entry = values[block] ?? Object.entries(values).find(([id]) => id.startsWith(`${block}.`))?.[1];
  return entry ? Object.values(entry)[0] : undefined;
}

export function textOf(values: ViewStateValues, block: string): string | undefined {
  const value = element(values, block)?.value?.trim();
  return value ? value : undefined;
}

export function selectedOf(values: ViewStateValues, block: string): string | undefined {
  return element(values, block)?.selected_option?.value ?? undefined;
}

function checked(values: ViewStateValues, block: string, option: string): boolean {
  return (element(values, block)?.selected_options ?? []).some((o) => o.value === option);
}

function dateTimeOf(values: ViewStateValues, block: string): number | undefined {
  return element(values, block)?.selected_date_time ?? undefined;
}

/**
 * A datetimepicker's value (epoch seconds, shown in the user's zone `timeZone`) as the core takes
 * it: an instant, or for a member-local schedule the wall-clock time the user picked.
 */
export function pickedTime(epochSeconds: number, memberLocal: boolean, timeZone: string): string {
  return memberLocal ? instantToZonedLocal(epochSeconds * 1000, timeZone) : new Date(epochSeconds * 1000).toISOString();
}

/** "500" → size, "10%" / "10 %" → percent; anything else is passed on for the core to reject. */
function sampleSize(text: string | undefined): { size?: number; percent?: number } {
  const percent = /^(\d+(?:\.\d+)?)\s*%$/.exec(text ?? '');
  if (percent) return { percent: Number(percent[1]) };
  return text === undefined ? {} : { size: Number(text.replaceAll(/[\s,_]/g, '')) };
}

/** The filter builder's rows as the user left them. */
function conditionRows(values: ViewStateValues, meta: InviteModalMeta): ConditionRow[] {
  return (meta.rows?.length ? meta.rows : [0]).map((id) => ({
    id,
    field: selectedOf(values, rowBlock(id, 'field')),
    op: selectedOf(values, rowBlock(id, 'op')),
    value: element(values, rowBlock(id, 'value'))?.value ?? undefined,
  }));
}

function rowsFilter(values: ViewStateValues, meta: InviteModalMeta): RowsResult | undefined {
  const match = selectedOf(values, filterMatchBlock) === 'or' ? 'or' : 'and';
  return rowsToFilter(conditionRows(values, meta), match);
}

/** Problems of the condition rows, by block (none when the text filter is used instead). */
export function conditionRowErrors(values: ViewStateValues, meta: InviteModalMeta): Record<string, string> {
  if (meta.target !== 'filter' || textOf(values, inviteBlocks.filterExpression)) return {};
  const result = rowsFilter(values, meta);
  if (!result || result.ok) return {};
  const errors: Record<string, string> = {};
  for (const p of result.problems) {
    const block = rowBlock(p.row, p.part === 'field' ? 'op' : 'value');
    errors[block] = errors[block] ? `${errors[block]}; ${p.message}` : p.message;
  }
  return errors;
}

export function targetFromState(values: ViewStateValues, meta: InviteModalMeta): TargetInput {
  switch (meta.target) {
    case 'all':
      return { type: 'all' };
    case 'filter': {
      const expression = textOf(values, inviteBlocks.filterExpression);
      const rows = expression ? undefined : rowsFilter(values, meta);
      return rows?.ok ? { type: 'filter', filter: rows.filter } : { type: 'filter', expression: expression ?? '' };
    }
    case 'members':
      return { type: 'members', ids: textOf(values, inviteBlocks.memberIds) ?? '' };
    case 'sample': {
      const from = textOf(values, inviteBlocks.sampleFrom);
      return { type: 'sample', ...sampleSize(textOf(values, inviteBlocks.sampleSize)), from: from ? { type: 'filter', expression: from } : { type: 'all' } };
    }
  }
}

/**
 * The reminder steps as the user left them: numbers as typed (the core says what is wrong with
 * them), empty texts left out (the invitation's own message is used).
 */
function remindersFromState(values: ViewStateValues, meta: InviteModalMeta): Record<string, unknown>[] {
  return (meta.reminders ?? []).map((step) => {
    const text = (field: ReminderField) => textOf(values, reminderBlock(step, field));
    const number = (field: ReminderField) => {
      const typed = text(field);
      return typed === undefined ? undefined : Number(typed);
    };
    return {
      afterHours: number('afterHours'),
      maxCount: number('maxCount'),
      minGapHours: number('minGapHours'),
      emailSubject: text('emailSubject'),
      emailBody: text('emailBody'),
      smsBody: text('smsBody'),
    };
  });
}

/** Whether the times are wall-clock times in each member's zone (then the submitter's zone is needed). */
export function isMemberLocal(values: ViewStateValues): boolean {
  return checked(values, inviteBlocks.memberLocal, 'member_local');
}

/**
 * The form as the core's create schema takes it. `timeZone` is the submitter's Slack zone: the
 * pickers show times in it, and a member-local schedule reads its wall-clock times from it.
 */
export function invitationFormFromState(values: ViewStateValues, meta: InviteModalMeta, timeZone: string): Record<string, unknown> {
  const memberLocal = isMemberLocal(values);
  const when = (block: string) => {
    const at = dateTimeOf(values, block);
    return at === undefined ? undefined : pickedTime(at, memberLocal, timeZone);
  };
  const limit = textOf(values, inviteBlocks.limit);
  const channel = selectedOf(values, inviteBlocks.channel) ?? 'email';
  const form: Partial<Record<keyof InvitationCreateInput, unknown>> = {
    chatId: selectedOf(values, inviteBlocks.chat) ?? meta.chat,
    name: textOf(values, inviteBlocks.name) ?? '',
    description: textOf(values, inviteBlocks.description) ?? null,
    locale: selectedOf(values, inviteBlocks.locale) ?? meta.locale,
    scheduleMode: memberLocal ? 'member_local' : 'fixed',
    timeZone,
    opensAt: when(inviteBlocks.opens),
    closesAt: when(inviteBlocks.closes),
    responseLimit: limit === undefined ? null : Number(limit),
    target: targetFromState(values, meta),
    sameLocaleOnly: checked(values, inviteBlocks.sameLocale, 'same_locale'),
    message: {
      channel,
      emailSubject: textOf(values, inviteBlocks.emailSubject),
      emailBody: textOf(values, inviteBlocks.emailBody),
      smsBody: textOf(values, inviteBlocks.smsBody),
    },
    reminders: remindersFromState(values, meta),
    slackChannelId: element(values, inviteBlocks.statusChannel)?.selected_conversation ?? meta.channel,
  };
  return form;
}

/** Where each core field path is shown in the modal. */
function blockFor(path: string, meta: InviteModalMeta, values: ViewStateValues): string {
  const [head, second] = path.split('.');
  const locale = (block: string) => Object.keys(values).find((id) => id.startsWith(`${block}.`)) ?? block;
  switch (head) {
    case 'chatId':
      return inviteBlocks.chat;
    case 'name':
    case 'description':
      return head;
    case 'locale':
      return values[inviteBlocks.locale] ? inviteBlocks.locale : inviteBlocks.chat;
    case 'opensAt':
      return inviteBlocks.opens;
    case 'closesAt':
    case 'scheduleMode':
    case 'timeZone':
      return inviteBlocks.closes;
    case 'responseLimit':
      return inviteBlocks.limit;
    case 'slackChannelId':
      return inviteBlocks.statusChannel;
    case 'message':
      if (second === 'emailSubject') return locale(inviteBlocks.emailSubject);
      if (second === 'emailBody') return locale(inviteBlocks.emailBody);
      if (second === 'smsBody') return locale(inviteBlocks.smsBody);
      return inviteBlocks.channel;
    case 'reminders': {
      const step = meta.reminders?.[Number(second)];
      const field = reminderFields.find((f) => f === path.split('.')[2]);
      // A problem with the list itself (too many steps) has no block of its own.
      return step !== undefined && field ? reminderBlock(step, field) : inviteBlocks.name;
    }
    case 'target':
      if (meta.target === 'filter') return inviteBlocks.filterExpression;
      if (meta.target === 'members') return inviteBlocks.memberIds;
      if (meta.target === 'sample') return path.includes('from') ? inviteBlocks.sampleFrom : inviteBlocks.sampleSize;
      return values[inviteBlocks.targetType] ? inviteBlocks.targetType : inviteBlocks.chat;
    default:
      return inviteBlocks.name;
  }
}

/** Slack shows one message per block: problems for the same block are joined. */
export function blockErrors(problems: FieldProblem[], meta: InviteModalMeta, values: ViewStateValues): Record<string, string> {
  const errors: Record<string, string> = {};
  for (const problem of problems) {
    const block = blockFor(problem.path, meta, values);
    // Only blocks present in the view can carry an error; Slack rejects the rest.
    const target = values[block] || block === inviteBlocks.name ? block : inviteBlocks.name;
    const message = target === block ? problem.message : `${problem.path}: ${problem.message}`;
    errors[target] = errors[target] ? `${errors[target]}; ${message}` : message;
  }
  for (const block of Object.keys(errors)) errors[block] = errors[block]!.slice(0, 2000);
  return errors;
}
