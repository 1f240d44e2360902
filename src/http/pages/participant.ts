// The participant pages, in the invitation's locale: chat closed, link not found, unsubscribe.
import { html } from 'hono/html';
import { participantStrings } from '../../core/messages/strings.js';
import { page, type PageBranding } from './layout.js';

export function closedPage(branding: PageBranding, chatName: string) {
  const t = participantStrings(branding.locale);
  return page(branding, t.closedTitle, html`<h1>${t.closedTitle}</h1><p>${t.closedBody(chatName)}</p>`);
}

/** Says nothing about whether a member or an invitation exists. */
export function notFoundPage(locale: string) {
  const t = participantStrings(locale);
  return page({ locale, community: '', logoUrl: null, accentColor: null }, t.notFoundTitle, html`<h1>${t.notFoundTitle}</h1><p>${t.notFoundBody}</p>`);
}

export function unsubscribePage(branding: PageBranding, action: string) {
  const t = participantStrings(branding.locale);
  return page(
    branding,
    t.unsubscribeTitle,
    html`<h1>${t.unsubscribeTitle}</h1>
<p>${t.unsubscribeBody(branding.community)}</p>
<form method="post" action="${action}"><button type="submit">${t.unsubscribeButton}</button></form>`,
  );
}

export function unsubscribedPage(branding: PageBranding) {
  const t = participantStrings(branding.locale);
  // The region announces the outcome to screen readers; the h1 stays a heading.
  return page(branding, t.unsubscribedTitle, html`<div role="status"><h1>${t.unsubscribedTitle}</h1><p>${t.unsubscribedBody(branding.community)}</p></div>`);
}
