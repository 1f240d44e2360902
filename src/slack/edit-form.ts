// Editing from Slack: a scheduled invitation → the modal's metadata and initial values; the
// submitted form → the core's patch (only what the form can express; the version it was read at).
import { z } from 'zod';
import { reminderInput } from '../core/invitations/input.js';
import { printFilter } from '../core/targeting/filter/print.js';
import type { FilterTarget, Target } from '../core/targeting/target.js';
import type { Invitation, ReminderStep } from '../db/schema.js';
import { inputMaxLength, inviteBlocks, option, reminderBlock, type InviteModalMeta, type TargetType } from './views/invite-modal.js';

// Texts too long for their input are left to the modal, which leaves the input empty and says why.
const text = (value: string | null | undefined) => (value ? { initial_value: value } : {});
const seconds = (epochMs: number) => ({ initial_date_time: Math.floor(epochMs / 1000) });

/** A stored filter as the modal shows it: its text as given, or the AST printed in the text language. */
const filterText = (t: FilterTarget) => t.expression ?? printFilter(t.filter);

function targetInitial(target: Target): Record<string, Record<string, unknown>> {
  switch (target.type) {
    case 'all':
      return {};
    case 'filter':
      return { [inviteBlocks.filterExpression]: text(filterText(target)) };
    case 'members':
      return { [inviteBlocks.memberIds]: text(target.ids.join('\n')) };
    case 'sample':
      return {
        [inviteBlocks.sampleSize]: text(target.size !== undefined ? String(target.size) : `${target.percent}%`),
        ...(target.from.type === 'filter' ? { [inviteBlocks.sampleFrom]: text(filterText(target.from)) } : {}),
      };
  }
}

/** Step i of the stored reminders becomes the modal's step i. */
function remindersInitial(steps: ReminderStep[]): Record<string, Record<string, unknown>> {
  return Object.fromEntries(
    steps.flatMap((step, i) => [
      [reminderBlock(i, 'afterHours'), { initial_value: String(step.afterHours) }],
      [reminderBlock(i, 'maxCount'), { initial_value: String(step.maxCount) }],
      [reminderBlock(i, 'minGapHours'), { initial_value: String(step.minGapHours) }],
      [reminderBlock(i, 'emailSubject'), text(step.emailSubject)],
      [reminderBlock(i, 'emailBody'), text(step.emailBody)],
      [reminderBlock(i, 'smsBody'), text(step.smsBody)],
    ]),
  );
}

const channelLabels = { email: 'Email', sms: 'SMS', preference: "Each member's preference" } as const;

export function editModalState(inv: Invitation, channel: string): { meta: InviteModalMeta; initial: Record<string, Record<string, unknown>> } {
  const target = inv.target as Target;
  const meta: InviteModalMeta = {
    channel,
    chat: inv.chatId,
    locale: inv.locale,
    target: target.type as TargetType,
    ...(inv.reminders.length > 0 ? { reminders: inv.reminders.map((_, i) => i) } : {}),
    editing: { id: inv.id, version: inv.version },
  };
  const initial: Record<string, Record<string, unknown>> = {
    [inviteBlocks.name]: text(inv.name),
    [inviteBlocks.description]: text(inv.description),
    [inviteBlocks.opens]: seconds(inv.opensAt),
    [inviteBlocks.closes]: seconds(inv.closesAt),
    [inviteBlocks.limit]: inv.responseLimit ? { initial_value: String(inv.responseLimit) } : {},
    [inviteBlocks.memberLocal]: inv.scheduleMode === 'member_local' ? { initial_options: [option("Use these times in each member's own time zone", 'member_local')] } : {},
    [inviteBlocks.sameLocale]: inv.sameLocaleOnly ? { initial_options: [option(`Only target members with the same preferred locale as the chat locale (${inv.locale})`, 'same_locale')] } : {},
    [inviteBlocks.channel]: { initial_option: option(channelLabels[inv.channel], inv.channel) },
    [inviteBlocks.emailSubject]: text(inv.emailSubject),
    [inviteBlocks.emailBody]: text(inv.emailBody),
    [inviteBlocks.smsBody]: text(inv.smsBody),
    [inviteBlocks.statusChannel]: inv.slackChannelId ? { initial_conversation: inv.slackChannelId } : {},
    ...targetInitial(target),
    ...remindersInitial(inv.reminders),
  };
  return { meta, initial };
}

/** A time from the picker (whole seconds) that is the stored one. */
function sameTime(value: unknown, local: string | null, instant: number): boolean {
  return typeof value === 'string' && (value === local || Date.parse(value) === Math.floor(instant / 1000) * 1000);
}

/**
 * The form's steps are the stored ones, read with the core's defaults. Compared field by field:
 * stored steps keep their fields in the order they were first given, so their JSON may differ.
 */
function sameReminders(form: unknown, stored: ReminderStep[]): boolean {
  const parsed = z.array(reminderInput).safeParse(form);
  if (!parsed.success || parsed.data.length !== stored.length) return false;
  const fields = (s: ReminderStep) => JSON.stringify([s.afterHours, s.maxCount, s.minGapHours, s.emailSubject ?? null, s.emailBody ?? null, s.smsBody ?? null]);
  return parsed.data.every((step, i) => fields(step) === fields(stored[i]!));
}

/**
 * The patch an edit submits: the form minus the chat (an invitation keeps it), minus times left
 * as they were (the picker drops milliseconds; an unchanged open time would otherwise be checked
 * against now), and minus reminder steps left as they were (they would read as changed).
 */
export function patchFromForm(form: Record<string, unknown>, current: Invitation, version: number): Record<string, unknown> {
  const { chatId: _chat, ...fields } = form;
  if (fields.opensAt === undefined || sameTime(fields.opensAt, current.opensLocal, current.opensAt)) delete fields.opensAt;
  if (sameTime(fields.closesAt, current.closesLocal, current.closesAt)) delete fields.closesAt;
  // Times left as they were keep the zone they were given in (the editor's Slack zone may differ).
  if (fields.opensAt === undefined && fields.closesAt === undefined && fields.scheduleMode === current.scheduleMode) delete fields.timeZone;
  if (sameReminders(fields.reminders, current.reminders)) delete fields.reminders;
  keepTextsTooLongForSlack(fields, current);
  // A sample keeps its seed: the draw stays the one that was previewed and audited.
  const target = fields.target as { type?: string } | undefined;
  const stored = current.target as Target;
  if (target?.type === 'sample' && stored.type === 'sample') fields.target = { ...fields.target as object, seed: stored.seed };
  return { ...fields, version };
}

const blank = (value: unknown) => value === undefined || value === null || value === '';
const tooLong = (value: string | null | undefined, max: number) => (value?.length ?? 0) > max;

/** The target's text in the form (filter, IDs, or the filter a sample is drawn from). */
function targetText(target: Record<string, unknown>): { text: unknown; max: number } {
  if (target.type === 'members') return { text: target.ids, max: inputMaxLength.memberIds };
  if (target.type === 'filter') return { text: target.filter === undefined ? target.expression : '-', max: inputMaxLength.filterExpression };
  const from = target.from as Record<string, unknown> | undefined;
  return { text: from?.type === 'filter' ? from.expression : '', max: inputMaxLength.sampleFrom };
}

function storedTargetText(target: Target): string {
  if (target.type === 'members') return target.ids.join('\n');
  const filter = target.type === 'filter' ? target : target.type === 'sample' && target.from.type === 'filter' ? target.from : undefined;
  return filter ? filterText(filter) : '';
}

/**
 * Texts longer than their Slack input (set through the API) were shown as an empty input saying
 * so: left empty, they stay as stored instead of being cleared or replaced by the chat's template.
 */
function keepTextsTooLongForSlack(fields: Record<string, unknown>, current: Invitation): void {
  if (tooLong(current.description, inputMaxLength.description) && blank(fields.description)) delete fields.description;
  const message = fields.message as Record<string, unknown> | undefined;
  if (message) {
    for (const key of ['emailSubject', 'emailBody', 'smsBody'] as const) {
      if (tooLong(current[key], inputMaxLength[key]) && blank(message[key])) message[key] = current[key];
    }
  }
  const target = fields.target as Record<string, unknown> | undefined;
  const stored = current.target as Target;
  if (!target || target.type !== stored.type) return;
  const { text, max } = targetText(target);
  if (!blank(text) || !tooLong(storedTargetText(stored), max)) return;
  if (stored.type === 'members') fields.target = stored;
  else if (stored.type === 'filter') fields.target = filterInput(stored);
  else if (stored.type === 'sample') fields.target = { ...target, from: stored.from.type === 'filter' ? filterInput(stored.from) : stored.from };
}

/** A stored filter as the core takes it back: its text when it was given as text, else its AST. */
function filterInput(stored: FilterTarget): Record<string, unknown> {
  return stored.expression !== undefined ? { type: 'filter', expression: stored.expression } : { type: 'filter', filter: stored.filter };
}
