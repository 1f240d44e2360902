// The "New invitation" modal: a pure function of what the user chose so far. Every re-render
// (chat chosen, locale chosen, target type changed, audience previewed) calls it again; Slack keeps
// what the user typed in every input whose block_id and action_id are unchanged.
import type { KnownBlock, PlainTextOption, View } from '@slack/types';
import type { ChatWithLocales } from '../../core/chats/service.js';
import type { MessageTemplates } from '../../core/messages/templates.js';
import type { SmsLength } from '../../core/messages/sms-segments.js';
import { NAME_MAX } from '../../core/invitations/input.js';
import { rowOperators } from '../filter-rows.js';
import { plain, truncate } from './text.js';

export const INVITE_CALLBACK_ID = 'invite_modal';

export const targetTypes = ['all', 'filter', 'members', 'sample'] as const;
export type TargetType = (typeof targetTypes)[number];

/** block_id → its single element's action_id is `${block}` too, so state reads need one name. */
export const inviteBlocks = {
  chat: 'chat',
  name: 'name',
  description: 'description',
  locale: 'locale',
  opens: 'opens',
  closes: 'closes',
  limit: 'limit',
  memberLocal: 'member_local',
  targetType: 'target_type',
  filterExpression: 'filter_expression',
  memberIds: 'member_ids',
  sampleSize: 'sample_size',
  sampleFrom: 'sample_from',
  sameLocale: 'same_locale',
  channel: 'channel',
  emailSubject: 'email_subject',
  emailBody: 'email_body',
  smsBody: 'sms_body',
  statusChannel: 'status_channel',
} as const;

export const inviteActions = {
  previewAudience: 'invite.preview_audience',
  addRow: 'invite.add_row',
  previewMessage: 'invite.preview_message',
  sendTest: 'invite.send_test',
  removeRow: 'invite.remove_row',
  addReminder: 'invite.add_reminder',
  removeReminder: 'invite.remove_reminder',
} as const;

/** Condition rows of the filter builder: block ids `cond.<row>.field|op|value`. */
export const rowBlock = (row: number, part: 'field' | 'op' | 'value') => `cond.${row}.${part}`;
export const filterMatchBlock = 'filter_match';
export const MAX_ROWS = 8;

/**
 * Reminder steps: block ids `reminder.<step>.<field>`, the field named as the core names it, so a
 * problem at `reminders.N.field` finds its block.
 */
export const reminderFields = ['afterHours', 'maxCount', 'minGapHours', 'emailSubject', 'emailBody', 'smsBody'] as const;
export type ReminderField = (typeof reminderFields)[number];
export const reminderBlock = (step: number, field: ReminderField) => `reminder.${step}.${field}`;
/** The modal offers three steps (the API takes more; an edited invitation shows all of its own). */
export const MAX_MODAL_REMINDERS = 3;

/** Kept in private_metadata between renders (Slack's limit: 3,000 characters). */
export interface InviteModalMeta {
  /** Where /invite was typed: the default status channel and where the confirmation goes. */
  channel: string;
  chat?: string;
  locale?: string;
  target: TargetType;
  /** The audience size the user confirmed for the send guard (a new count asks again). */
  confirmed?: number;
  /** Ids of the filter builder's condition rows, in order. */
  rows?: number[];
  /** Ids of the reminder steps, in order. */
  reminders?: number[];
  /** Set when the modal edits a scheduled invitation (with the version it was read at). */
  editing?: { id: string; version: number };
}

export interface InviteModalModel {
  meta: InviteModalMeta;
  /** The chats to choose from (a type-ahead search replaces the list above 100). */
  chats: { id: string; name: string }[];
  chatCount: number;
  /** What a condition row can test: member fields, then profile attributes. */
  fields: string[];
  chat?: ChatWithLocales;
  templates?: MessageTemplates;
  sms?: SmsLength;
  /** Lines describing the last audience preview, or why it failed. */
  audience?: string[];
  /** For member-local times: when each time zone receives it (lines of the last audience preview). */
  audienceZones?: string[];
  /** The send guard's question, shown above the submit button. */
  confirmation?: string;
  /** Initial element values by block (message blocks without their locale suffix), when editing. */
  initial?: Record<string, Record<string, unknown>>;
  now: number;
}

// Block Kit limits (https://docs.slack.dev/reference/block-kit): inputs hold at most 3,000
// characters, a static select 100 options, option text 75 characters.
export const MAX_INPUT = 3000;
export const MAX_STATIC_OPTIONS = 100;

/** What each text input of the form holds (Slack's max_length), where that is below what the core accepts. */
export const inputMaxLength = {
  description: 2000,
  emailSubject: 200,
  emailBody: MAX_INPUT,
  smsBody: 1600,
  filterExpression: MAX_INPUT,
  memberIds: MAX_INPUT,
  sampleFrom: MAX_INPUT,
} as const;

export function option(text: string, value: string): PlainTextOption {
  return { text: plain(truncate(text, 75)), value };
}

const targetLabels: Record<TargetType, string> = {
  all: 'All subscribed members',
  filter: 'Members matching a filter',
  members: 'Specific member IDs',
  sample: 'A random sample',
};

const placeholders = '`{{first_name}}` `{{link}}` `{{chat_name}}` `{{closes_at}}`, and any profile attribute, e.g. `{{country}}`';

function input(block: string, label: string, element: Record<string, unknown>, opts: { optional?: boolean; hint?: string; dispatch?: boolean } = {}): KnownBlock {
  return {
    type: 'input',
    block_id: block,
    label: plain(label),
    optional: opts.optional ?? false,
    ...(opts.hint ? { hint: plain(opts.hint) } : {}),
    ...(opts.dispatch ? { dispatch_action: true } : {}),
    element: { action_id: block, ...element },
  } as KnownBlock;
}

function context(text: string): KnownBlock {
  return { type: 'context', elements: [{ type: 'mrkdwn', text: truncate(text, 3000) }] };
}

function header(text: string): KnownBlock {
  return { type: 'header', text: plain(text) };
}

function chatBlock(model: InviteModalModel): KnownBlock {
  if (model.meta.editing && model.chat) return context(`*Chat:* ${model.chat.name.replaceAll('<', '&lt;')} (an invitation keeps its chat)`);
  const selected = model.chat ? option(model.chat.name, model.chat.id) : undefined;
  if (model.chatCount > MAX_STATIC_OPTIONS) {
    return input(inviteBlocks.chat, 'Chat', { type: 'external_select', min_query_length: 0, placeholder: plain('Search chats'), ...(selected ? { initial_option: selected } : {}) }, { dispatch: true });
  }
  const options = model.chats.map((c) => option(c.name, c.id));
  return input(
    inviteBlocks.chat,
    'Chat',
    { type: 'static_select', placeholder: plain('Choose a chat'), options, ...(selected ? { initial_option: selected } : {}) },
    { dispatch: true },
  );
}

function localeBlocks(model: InviteModalModel): KnownBlock[] {
  const { chat } = model;
  if (!chat) return [context('*Engagement locale:* choose a chat first.')];
  const locales = chat.locales.map((l) => l.locale);
  if (locales.length === 1) return [context(`*Engagement locale:* ${locales[0]} (the chat's only locale)`)];
  const initial = model.meta.locale ? { initial_option: option(model.meta.locale, model.meta.locale) } : {};
  return [
    input(
      inviteBlocks.locale,
      'Engagement locale',
      { type: 'static_select', placeholder: plain('Choose the locale'), options: locales.slice(0, MAX_STATIC_OPTIONS).map((l) => option(l, l)), ...initial },
      { dispatch: true, hint: 'The language of the chat and of the message. The target appears once it is chosen.' },
    ),
  ];
}

function deliveryBlocks(model: InviteModalModel): KnownBlock[] {
  const nowSeconds = Math.floor(model.now / 1000);
  return [
    header('Delivery'),
    input(inviteBlocks.opens, 'Opens', { type: 'datetimepicker', initial_date_time: nowSeconds }, { optional: true, hint: 'Shown in your Slack time zone. Leave as is to open now.' }),
    input(inviteBlocks.closes, 'Closes', { type: 'datetimepicker', initial_date_time: nowSeconds + 7 * 86_400 }),
    input(inviteBlocks.limit, 'Response limit', { type: 'number_input', is_decimal_allowed: false, min_value: '1', placeholder: plain('No limit') }, { optional: true, hint: 'Closes the invitation once this many members have completed the chat.' }),
    input(
      inviteBlocks.memberLocal,
      'Time zones',
      { type: 'checkboxes', options: [option("Use these times in each member's own time zone", 'member_local')] },
      { optional: true, hint: 'So nobody is invited at 3 a.m.: 9:00 opens at 9:00 for each member.' },
    ),
  ];
}

function targetInputs(model: InviteModalModel): KnownBlock[] {
  switch (model.meta.target) {
    case 'all':
      return [];
    case 'filter':
      return [
        ...conditionRows(model),
        input(inviteBlocks.filterExpression, 'Or the filter as text', { type: 'plain_text_input', multiline: true, max_length: inputMaxLength.filterExpression, placeholder: plain('country = "CA" and age >= 18 and not completed("onboarding")') }, {
          optional: true,
          hint: 'Used instead of the rows when filled. Profile attributes, member fields, answered("chat", "question", "value"), clicked/completed("chat"), days_since_last_invited; and, or, not, parentheses.',
        }),
      ];
    case 'members':
      return [input(inviteBlocks.memberIds, 'Member IDs', { type: 'plain_text_input', multiline: true, max_length: inputMaxLength.memberIds, placeholder: plain('m-0001, m-0002, …') }, { hint: 'Separated by commas, spaces or new lines. Unknown IDs are listed by the preview.' })];
    case 'sample':
      return [
        input(inviteBlocks.sampleSize, 'Sample size', { type: 'plain_text_input', max_length: 20, placeholder: plain('500 or 10%') }, { hint: 'A number of members, or a percentage of those eligible.' }),
        input(inviteBlocks.sampleFrom, 'Drawn from members matching', { type: 'plain_text_input', multiline: true, max_length: inputMaxLength.sampleFrom, placeholder: plain('Leave empty for all subscribed members') }, { optional: true }),
      ];
  }
}

function conditionRows(model: InviteModalModel): KnownBlock[] {
  const rows = model.meta.rows?.length ? model.meta.rows : [0];
  const fieldOptions = model.fields.slice(0, MAX_STATIC_OPTIONS).map((f) => option(f, f));
  const blocks: KnownBlock[] = [
    input(filterMatchBlock, 'Members matching', { type: 'radio_buttons', options: [option('all of these conditions', 'and'), option('any of them', 'or')], initial_option: option('all of these conditions', 'and') }),
  ];
  rows.forEach((row, i) => {
    blocks.push(
      input(rowBlock(row, 'field'), `Condition ${i + 1}: field`, { type: 'static_select', placeholder: plain('Field or attribute'), options: fieldOptions }, { optional: true }),
      input(rowBlock(row, 'op'), 'Operator', { type: 'static_select', placeholder: plain('Operator'), options: rowOperators.map(([value, label]) => option(label, value)) }, { optional: true }),
      input(rowBlock(row, 'value'), 'Value', { type: 'plain_text_input', max_length: 500, placeholder: plain('CA, 18, 2024-01-31, "quoted text"…') }, { optional: true }),
    );
    if (rows.length > 1) blocks.push({ type: 'actions', block_id: `cond.${row}.actions`, elements: [{ type: 'button', action_id: inviteActions.removeRow, value: String(row), text: plain(`Remove condition ${i + 1}`) }] });
  });
  if (rows.length < MAX_ROWS) blocks.push({ type: 'actions', block_id: 'cond.add', elements: [{ type: 'button', action_id: inviteActions.addRow, text: plain('Add condition') }] });
  return blocks;
}

function targetBlocks(model: InviteModalModel): KnownBlock[] {
  const locale = model.meta.locale;
  if (!model.chat || !locale) {
    return [header('Target'), context('The target appears once the chat and its engagement locale are chosen: exclusions and the locale toggle depend on them.')];
  }
  const blocks: KnownBlock[] = [
    header('Target'),
    input(
      inviteBlocks.targetType,
      'Who receives it',
      { type: 'radio_buttons', options: targetTypes.map((t) => option(targetLabels[t], t)), initial_option: option(targetLabels[model.meta.target], model.meta.target) },
      { dispatch: true },
    ),
    ...targetInputs(model),
    input(inviteBlocks.sameLocale, 'Locale', { type: 'checkboxes', options: [option(`Only target members with the same preferred locale as the chat locale (${locale})`, 'same_locale')] }, { optional: true }),
    { type: 'actions', block_id: 'audience_actions', elements: [{ type: 'button', action_id: inviteActions.previewAudience, text: plain('Preview audience') }] },
  ];
  if (model.audience) blocks.push(context(model.audience.join('\n')));
  if (model.audienceZones?.length) blocks.push({ type: 'section', block_id: 'audience_zones', text: { type: 'mrkdwn', text: truncate(model.audienceZones.join('\n'), 3000) } });
  return blocks;
}

function messageBlocks(model: InviteModalModel): KnownBlock[] {
  const locale = model.meta.locale;
  if (!model.chat || !locale || !model.templates) return [];
  const t = model.templates;
  // Templates are refilled when the locale changes: the locale is part of the block_id.
  const id = (block: string) => `${block}.${locale}`;
  const initial = (text: string) => (text.length <= MAX_INPUT ? { initial_value: text } : {});
  const tooLong = [t.emailBody, t.smsBody].some((text) => text.length > MAX_INPUT);
  const sms = model.sms ? ` SMS: ${model.sms.segments} segment${model.sms.segments === 1 ? '' : 's'} (${model.sms.encoding}, ${model.sms.characters} characters with a real link).` : '';
  return [
    header('Message'),
    input(inviteBlocks.channel, 'Send by', {
      type: 'radio_buttons',
      options: [option('Email', 'email'), option('SMS', 'sms'), option("Each member's preference", 'preference')],
      initial_option: option('Email', 'email'),
    }),
    input(id(inviteBlocks.emailSubject), 'Email subject', { type: 'plain_text_input', max_length: inputMaxLength.emailSubject, ...initial(t.emailSubject) }, { optional: true }),
    input(id(inviteBlocks.emailBody), 'Email body', { type: 'plain_text_input', multiline: true, max_length: inputMaxLength.emailBody, ...initial(t.emailBody) }, { optional: true }),
    input(id(inviteBlocks.smsBody), 'SMS body', { type: 'plain_text_input', multiline: true, max_length: inputMaxLength.smsBody, ...initial(t.smsBody) }, { optional: true }),
    context(`Placeholders: ${placeholders}. Every message needs \`{{link}}\`.${sms}${tooLong ? ' The chat’s template is longer than Slack allows here: leave the field empty to send it as it is.' : ''}`),
    {
      type: 'actions',
      block_id: 'message_actions',
      elements: [
        { type: 'button', action_id: inviteActions.previewMessage, text: plain('Preview message') },
        { type: 'button', action_id: inviteActions.sendTest, text: plain('Send test') },
      ],
    },
  ];
}

function reminderBlocks(model: InviteModalModel): KnownBlock[] {
  const steps = model.meta.reminders ?? [];
  const blocks: KnownBlock[] = [
    header('Reminders'),
    context("To members who have not completed, counted from their first message. Empty texts reuse the invitation's message; texts you write need `{{link}}`."),
  ];
  const hours = { type: 'number_input', is_decimal_allowed: true };
  const optionalText = (step: number, field: ReminderField, label: string, maxLength: number, multiline: boolean) =>
    input(reminderBlock(step, field), label, { type: 'plain_text_input', multiline, max_length: maxLength, placeholder: plain("The invitation's own") }, { optional: true });
  steps.forEach((step, i) => {
    const n = i + 1;
    blocks.push(
      input(reminderBlock(step, 'afterHours'), `Reminder ${n}: hours after the first message`, { ...hours, initial_value: String(48 * n) }),
      input(reminderBlock(step, 'maxCount'), 'At most, per member', { type: 'number_input', is_decimal_allowed: false, initial_value: '1' }, { optional: true, hint: 'How many times this reminder may go to one member.' }),
      input(reminderBlock(step, 'minGapHours'), 'Hours since their last message, at least', { ...hours, initial_value: '24' }, { optional: true }),
      optionalText(step, 'emailSubject', 'Email subject', 200, false),
      optionalText(step, 'emailBody', 'Email body', MAX_INPUT, true),
      optionalText(step, 'smsBody', 'SMS text', 1600, true),
      { type: 'actions', block_id: `reminder.${step}.actions`, elements: [{ type: 'button', action_id: inviteActions.removeReminder, value: String(step), text: plain(`Remove reminder ${n}`) }] },
    );
  });
  if (steps.length < MAX_MODAL_REMINDERS) blocks.push({ type: 'actions', block_id: 'reminder.add', elements: [{ type: 'button', action_id: inviteActions.addReminder, text: plain('Add reminder') }] });
  return blocks;
}

/** Puts an edited invitation's values into the inputs (Slack keeps them until the user changes them). */
function applyInitial(blocks: KnownBlock[], initial: Record<string, Record<string, unknown>>): void {
  for (const block of blocks) {
    if (block.type !== 'input' || !block.block_id) continue;
    // Reminder blocks by their own id; message blocks without their locale suffix.
    const values = initial[block.block_id] ?? initial[block.block_id.split('.')[0]!];
    if (!values) continue;
    const fit = fitted(block.element as { max_length?: number }, values);
    // Not the chat template's text either: left empty, the stored text is kept.
    if (fit !== values) delete (block.element as { initial_value?: string }).initial_value;
    Object.assign(block.element, fit);
  }
}

/**
 * A stored text longer than its input holds (set through the API) cannot be put in it: the input
 * stays empty and says so, and an edit that leaves it empty keeps the stored text (patchFromForm).
 */
function fitted(element: { max_length?: number }, values: Record<string, unknown>): Record<string, unknown> {
  const { initial_value: value, ...rest } = values;
  if (typeof value !== 'string' || element.max_length === undefined || value.length <= element.max_length) return values;
  return { ...rest, placeholder: plain(`Kept as it is: ${value.length.toLocaleString('en-US')} characters, more than this field holds. Type here only to replace it.`) };
}

export function inviteModal(model: InviteModalModel): View {
  const blocks: KnownBlock[] = [
    chatBlock(model),
    input(inviteBlocks.name, 'Name', { type: 'plain_text_input', max_length: NAME_MAX, placeholder: plain('December onboarding wave') }, { hint: 'Internal label, not shown to participants.' }),
    input(inviteBlocks.description, 'Description', { type: 'plain_text_input', multiline: true, max_length: inputMaxLength.description }, { optional: true }),
    ...localeBlocks(model),
    ...deliveryBlocks(model),
    ...targetBlocks(model),
    ...messageBlocks(model),
    ...reminderBlocks(model),
    header('Status'),
    input(inviteBlocks.statusChannel, 'Post the status summary in', { type: 'conversations_select', initial_conversation: model.meta.channel, filter: { include: ['public', 'private'], exclude_bot_users: true } }),
  ];
  if (model.confirmation) blocks.push({ type: 'section', block_id: 'confirmation', text: { type: 'mrkdwn', text: `:warning: ${model.confirmation}` } });
  if (model.initial) applyInitial(blocks, model.initial);
  return {
    type: 'modal',
    callback_id: INVITE_CALLBACK_ID,
    title: plain(model.meta.editing ? 'Edit invitation' : 'New invitation'),
    submit: plain(model.meta.editing ? 'Save changes' : model.confirmation ? 'Confirm and schedule' : 'Schedule'),
    close: plain('Cancel'),
    private_metadata: JSON.stringify(model.meta),
    blocks,
  };
}
