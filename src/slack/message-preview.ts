// "Preview message" and "Send test": the form's message rendered for an example member of its
// audience, in the engagement locale, with the chat's branding for that locale.
import { getChat } from '../core/chats/service.js';
import type { CoreDeps } from '../core/deps.js';
import { previewUnsavedAudience } from '../core/invitations/preview.js';
import { measureSms, type SmsLength } from '../core/messages/sms-segments.js';
import { renderTemplate } from '../core/messages/render.js';
import { engagementLocale, messageTemplatesFor, sampleLink } from '../core/invitations/prepare.js';
import type { InvitationCreateInput } from '../core/invitations/input.js';
import { localDateTimePattern, zonedLocalToInstant } from '../core/time.js';
import { findMember } from '../core/members/find.js';

export interface RenderedPreview {
  /** The example member's external id, or null when the audience is empty (fallbacks are shown). */
  example: { id: string; locale: string | null; timeZone: string } | null;
  email?: { from: string; subject: string; body: string };
  sms?: { text: string; length: SmsLength };
  branding: { displayName: string; accentColor: string | null; logoUrl: string | null };
}

export async function renderPreview(deps: CoreDeps, input: InvitationCreateInput): Promise<RenderedPreview> {
  const chat = await getChat(deps.db, input.chatId);
  const locale = engagementLocale(chat, input.locale);
  const branding = chat.locales.find((l) => l.locale === locale);
  const templates = messageTemplatesFor(chat, locale);
  const audience = await previewUnsavedAudience(deps, {
    chatId: chat.id,
    locale,
    channel: input.message.channel,
    target: input.target,
    sameLocaleOnly: input.sameLocaleOnly,
    liveAudience: true,
    examples: 1,
  });
  const exampleId = audience.examples[0]?.id;
  const member = exampleId ? await findMember(deps.db, exampleId) : undefined;
  const displayName = branding?.displayName ?? chat.name;
  const memberZone = member?.timeZone ?? 'UTC';
  // A member-local close time is a wall-clock time in the member's own zone.
  const closesAt = !input.closesAt
    ? deps.clock.now()
    : input.scheduleMode === 'member_local' && localDateTimePattern.test(input.closesAt)
      ? zonedLocalToInstant(input.closesAt, memberZone)
      : Date.parse(input.closesAt);
  const render = (template: string) =>
    renderTemplate(template, {
      locale,
      chatName: displayName,
      link: sampleLink(deps.settings.publicBaseUrl),
      closesAt,
      member: { timeZone: memberZone, attributes: member?.attributes ?? {} },
    });
  const channel = input.message.channel;
  const preview: RenderedPreview = {
    example: member ? { id: member.externalId, locale: member.preferredLocale, timeZone: member.timeZone } : null,
    branding: { displayName, accentColor: branding?.accentColor ?? null, logoUrl: branding?.logoUrl ?? null },
  };
  if (channel !== 'sms') {
    preview.email = {
      from: branding?.emailSenderName ?? displayName,
      subject: render(input.message.emailSubject ?? templates.emailSubject),
      body: render(input.message.emailBody ?? templates.emailBody),
    };
  }
  if (channel !== 'email') {
    const text = render(input.message.smsBody ?? templates.smsBody);
    preview.sms = { text, length: measureSms(text) };
  }
  return preview;
}
