// One member's message for one delivery step: the step's texts (a reminder's own, else the
// invitation's), rendered in the engagement locale with that locale's branding and the member's
// personal links.
import type { ChatWithLocales } from '../chats/service.js';
import { renderTemplate, type RenderContext } from '../messages/render.js';
import { participantStrings } from '../messages/strings.js';
import type { Invitation } from '../../db/schema.js';
import type { OutgoingEmail, OutgoingSms } from './providers.js';

export interface Recipient {
  deliveryId: number;
  step: number;
  token: string;
  email: string | null;
  phone: string | null;
  timeZone: string;
  attributes: Record<string, unknown>;
}

export interface Composer {
  email(r: Recipient, batchId: string): OutgoingEmail;
  sms(r: Recipient, batchId: string): OutgoingSms;
  /** The personal link in a message (what reconciliation looks for in an SMS). */
  link(token: string): string;
}

const HTML_SPECIAL = /[&<>"']/;

function escapeHtml(text: string): string {
  return HTML_SPECIAL.test(text) ? text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`) : text;
}

const CSS_COLOR = /^#[0-9a-fA-F]{3,8}$/;

/** The body's paragraphs as HTML, its placeholders left to fill: escaping does not touch {{name}}. */
function htmlParagraphs(body: string): string {
  let html = '';
  for (const p of body.split(/\n{2,}/)) html += `<p style="margin:0 0 16px">${escapeHtml(p).replaceAll('\n', '<br>')}</p>`;
  return html;
}

function stepTexts(inv: Invitation, step: number) {
  const reminder = step > 0 ? inv.reminders[step - 1] : undefined;
  const emailBody = reminder?.emailBody ?? inv.emailBody ?? '';
  return {
    emailSubject: reminder?.emailSubject ?? inv.emailSubject ?? '',
    emailBody,
    emailHtml: htmlParagraphs(emailBody),
    smsBody: reminder?.smsBody ?? inv.smsBody ?? '',
    // A reminder reusing the invitation's subject says it is one.
    subjectPrefix: step > 0 && !reminder?.emailSubject ? participantStrings(inv.locale).reminderPrefix : '',
  };
}

export function personalLink(publicBaseUrl: string, token: string): string {
  return `${publicBaseUrl.replace(/\/$/, '')}/i/${token}`;
}

export function composer(inv: Invitation, chat: ChatWithLocales, publicBaseUrl: string): Composer {
  const base = publicBaseUrl.replace(/\/$/, '');
  const branding = chat.locales.find((l) => l.locale === inv.locale);
  const community = branding?.displayName ?? chat.name;
  const fromName = branding?.emailSenderName ?? branding?.displayName ?? null;
  const accent = branding?.accentColor && CSS_COLOR.test(branding.accentColor) ? branding.accentColor : '#1d4ed8';
  const strings = participantStrings(inv.locale);
  const link = (token: string) => personalLink(base, token);
  // A step's texts are the same for every member: prepared once, on first use.
  const steps = new Map<number, ReturnType<typeof stepTexts>>();
  const textsOf = (step: number) => {
    let texts = steps.get(step);
    if (!texts) steps.set(step, (texts = stepTexts(inv, step)));
    return texts;
  };
  const context = (r: Recipient): RenderContext => ({
    locale: inv.locale,
    // The chat's name in the engagement locale (its display name there), as Preview message shows it.
    chatName: community,
    link: link(r.token),
    closesAt: inv.closesAt,
    member: { timeZone: r.timeZone, attributes: r.attributes },
  });

  // Everything around the body is the same for every member: built once.
  const logo = branding?.logoUrl ? `<img src="${escapeHtml(branding.logoUrl)}" alt="${escapeHtml(community)}" height="40" style="display:block;margin:0 0 24px">` : '';
  const htmlHead = `<!doctype html><html lang="${escapeHtml(inv.locale)}"><body style="margin:0;padding:24px;font-family:system-ui,-apple-system,Segoe UI,Roboto,sans-serif;font-size:16px;line-height:1.5;color:#111">
<div style="max-width:560px;margin:0 auto">${logo}`;
  const button = `" style="display:inline-block;padding:12px 20px;border-radius:6px;background:${accent};color:#fff;text-decoration:none;font-weight:600">${escapeHtml(strings.startButton)}</a></p>
<p style="margin:32px 0 0;font-size:13px;color:#555">${escapeHtml(strings.footer)} <a href="`;
  const htmlTail = `" style="color:#555">${escapeHtml(strings.unsubscribeLink)}</a></p>
</div></body></html>`;

  const htmlValue = (name: string, value: string) =>
    name === 'link' ? `<a href="${value}" style="color:${accent}">${value}</a>` : escapeHtml(value).replaceAll('\n', '<br>');

  function html(template: string, ctx: RenderContext, unsubscribeUrl: string): string {
    const paragraphs = renderTemplate(template, ctx, htmlValue);
    return `${htmlHead}${paragraphs}
<p style="margin:24px 0"><a href="${ctx.link}${button}${unsubscribeUrl}${htmlTail}`;
  }

  return {
    link,
    email(r, batchId) {
      const texts = textsOf(r.step);
      const ctx = context(r);
      const unsubscribeUrl = `${base}/u/${r.token}`;
      const body = renderTemplate(texts.emailBody, ctx);
      return {
        deliveryId: r.deliveryId,
        batchId,
        to: r.email!,
        fromName,
        subject: texts.subjectPrefix + renderTemplate(texts.emailSubject, ctx),
        textBody: `${body}\n\n--\n${strings.footer}\n${strings.unsubscribeLink}: ${unsubscribeUrl}\n`,
        htmlBody: html(texts.emailHtml, ctx, unsubscribeUrl),
        unsubscribeUrl,
      };
    },
    sms(r, batchId) {
      const texts = textsOf(r.step);
      let body = renderTemplate(texts.smsBody, context(r));
      // North American carriers expect the opt-out instructions in the first message of a program.
      if (r.step === 0 && !/\b(STOP|ARR[EÊ]T)\b/i.test(body)) body = `${body}\n${strings.smsOptOut}`;
      return { deliveryId: r.deliveryId, batchId, to: r.phone!, body, statusCallbackUrl: `${base}/webhooks/twilio/status?delivery=${r.deliveryId}` };
    },
  };
}
