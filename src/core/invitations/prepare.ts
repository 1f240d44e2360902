// The invitation rules: from a validated form and its chat to the values we store, or every
// problem at once, each naming its field (the API answers them together, Slack shows them inline).
import type { ChatWithLocales } from '../chats/service.js';
import { ValidationError, type FieldProblem } from '../errors.js';
import { measureSms, type SmsLength } from '../messages/sms-segments.js';
import { defaultTemplates, hasLinkPlaceholder, type MessageTemplates } from '../messages/templates.js';
import { normalizeTarget, type Target, type TargetInput } from '../targeting/target.js';
import type { MessageChannel, ReminderStep } from '../../db/schema.js';
import { resolveSchedule, type ResolvedSchedule } from './schedule.js';

export interface InvitationForm {
  name: string;
  description?: string | null | undefined;
  locale?: string | undefined;
  scheduleMode: 'fixed' | 'member_local';
  timeZone: string;
  opensAt?: string | undefined;
  closesAt: string;
  responseLimit?: number | null | undefined;
  /** Absent in an edit that keeps the stored target (passed as opts.storedTarget). */
  target?: TargetInput | undefined;
  sameLocaleOnly: boolean;
  liveAudience: boolean;
  cooldownDays?: number | null | undefined;
  message: { channel: MessageChannel; emailSubject?: string | undefined; emailBody?: string | undefined; smsBody?: string | undefined };
  reminders?: ReminderStep[] | undefined;
  slackChannelId?: string | null | undefined;
}

export interface PreparedInvitation extends ResolvedSchedule {
  name: string;
  description: string | null;
  locale: string;
  responseLimit: number | null;
  target: Target;
  sameLocaleOnly: boolean;
  liveAudience: boolean;
  cooldownDays: number | null;
  channel: MessageChannel;
  emailSubject: string | null;
  emailBody: string | null;
  smsBody: string | null;
  reminders: ReminderStep[];
  slackChannelId: string | null;
}

export interface ValidationDetails {
  /** Segment count of the SMS body with a personal link in place of {{link}}. */
  sms?: SmsLength;
}

/** A personal link as long as a real one, to measure SMS length before members are known. */
export function sampleLink(publicBaseUrl: string): string {
  return `${publicBaseUrl.replace(/\/$/, '')}/i/${'0'.repeat(32)}`;
}

/** SMS length of a body as members will get it: {{link}} replaced by a link of the real length. */
export function measureSmsWithLink(body: string, publicBaseUrl: string): SmsLength {
  return measureSms(body.replaceAll(/\{\{\s*link\s*\}\}/g, sampleLink(publicBaseUrl)));
}

function collect<T>(problems: FieldProblem[], run: () => T): T | undefined {
  try {
    return run();
  } catch (error) {
    if (error instanceof ValidationError) {
      problems.push(...error.problems);
      return undefined;
    }
    throw error;
  }
}

/** The engagement locale: one of the chat's, prefilled when the chat has only one. */
export function engagementLocale(chat: ChatWithLocales, requested: string | undefined): string {
  const locales = chat.locales.map((l) => l.locale);
  const locale = requested ?? (locales.length === 1 ? locales[0] : undefined);
  if (locale === undefined) {
    throw new ValidationError([{ path: 'locale', message: `choose the engagement locale before the target: one of ${locales.join(', ')}` }]);
  }
  if (!locales.includes(locale)) throw new ValidationError([{ path: 'locale', message: `must be one of the chat's locales: ${locales.join(', ')}` }]);
  return locale;
}

/** The message a form starts from in `locale`: the chat's own templates, else the built-in ones. */
export function messageTemplatesFor(chat: ChatWithLocales, locale: string | undefined): MessageTemplates {
  const chatLocale = chat.locales.find((l) => l.locale === locale);
  const builtIn = defaultTemplates(locale ?? chat.defaultLocale);
  return {
    emailSubject: chatLocale?.emailSubject ?? builtIn.emailSubject,
    emailBody: chatLocale?.emailBody ?? builtIn.emailBody,
    smsBody: chatLocale?.smsBody ?? builtIn.smsBody,
  };
}

export function prepareInvitation(
  form: InvitationForm,
  chat: ChatWithLocales,
  now: number,
  opts: { checkOpensInFuture: boolean; publicBaseUrl: string; storedTarget?: Target },
): { prepared: PreparedInvitation; details: ValidationDetails } {
  const problems: FieldProblem[] = [];
  const locale = collect(problems, () => engagementLocale(chat, form.locale));

  const { schedule, problems: scheduleProblems } = resolveSchedule(form, now, opts);
  problems.push(...scheduleProblems);

  const target = form.target ? collect(problems, () => normalizeTarget(form.target!)) : opts.storedTarget;
  if (!target) problems.push({ path: 'target', message: 'is required' });

  const templates = messageTemplatesFor(chat, locale);
  const channel = form.message.channel;
  const usesEmail = channel !== 'sms';
  const usesSms = channel !== 'email';
  const emailSubject = usesEmail ? (form.message.emailSubject ?? templates.emailSubject) : null;
  const emailBody = usesEmail ? (form.message.emailBody ?? templates.emailBody) : null;
  const smsBody = usesSms ? (form.message.smsBody ?? templates.smsBody) : null;
  if (usesEmail && !emailSubject?.trim()) problems.push({ path: 'message.emailSubject', message: 'an email needs a subject' });
  if (usesEmail && !hasLinkPlaceholder(emailBody)) problems.push({ path: 'message.emailBody', message: 'must contain the {{link}} placeholder' });
  if (usesSms && !hasLinkPlaceholder(smsBody)) problems.push({ path: 'message.smsBody', message: 'must contain the {{link}} placeholder' });

  // Fields in one fixed order, whatever the input's: the audit diff compares steps as JSON.
  const reminders = (form.reminders ?? []).map((step) => ({
    afterHours: step.afterHours,
    maxCount: step.maxCount,
    minGapHours: step.minGapHours,
    emailSubject: step.emailSubject ?? null,
    emailBody: step.emailBody ?? null,
    smsBody: step.smsBody ?? null,
  }));
  reminders.forEach((step, i) => {
    if (step.emailBody && !hasLinkPlaceholder(step.emailBody)) problems.push({ path: `reminders.${i}.emailBody`, message: 'must contain the {{link}} placeholder' });
    if (step.smsBody && !hasLinkPlaceholder(step.smsBody)) problems.push({ path: `reminders.${i}.smsBody`, message: 'must contain the {{link}} placeholder' });
  });

  const details: ValidationDetails = {};
  if (smsBody) details.sms = measureSmsWithLink(smsBody, opts.publicBaseUrl);
  if (problems.length > 0 || !target || !locale) throw new ValidationError(problems, { ...details });

  return {
    prepared: {
      ...schedule,
      name: form.name.trim(),
      description: form.description ?? null,
      locale,
      responseLimit: form.responseLimit ?? null,
      target,
      sameLocaleOnly: form.sameLocaleOnly,
      liveAudience: form.liveAudience,
      cooldownDays: form.cooldownDays ?? null,
      channel,
      emailSubject,
      emailBody,
      smsBody,
      reminders,
      slackChannelId: form.slackChannelId ?? null,
    },
    details,
  };
}
