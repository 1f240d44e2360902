// The pages a participant reaches from a message: the personal link (/i/TOKEN) and unsubscribe
// (/u/TOKEN, with RFC 8058 one-click POST). Nothing here tells whether a member exists.
import { Hono, type Context } from 'hono';
import type { CoreDeps } from '../../core/deps.js';
import { brandingOf, chatUrl, findLink, isAccepting, recordClick, unsubscribe } from '../../core/participants/links.js';
import { closedPage, notFoundPage, unsubscribedPage, unsubscribePage } from '../pages/participant.js';

/** The reader's language for a page that has no invitation to take it from. */
function requestedLocale(c: Context): string {
  return /^\s*fr\b/i.test(c.req.header('accept-language') ?? '') ? 'fr-CA' : 'en-US';
}

function privateHeaders(c: Context): void {
  // Personal pages: not cached by anyone, and the token never leaks through a Referer.
  c.header('Cache-Control', 'no-store');
  c.header('Referrer-Policy', 'no-referrer');
  c.header('X-Robots-Tag', 'noindex');
}

export function participantRoutes(deps: CoreDeps) {
  const app = new Hono();

  app.get('/i/:token', async (c) => {
    privateHeaders(c);
    const link = await findLink(deps.db, c.req.param('token'));
    if (!link) return c.html(notFoundPage(requestedLocale(c)), 404);
    if (!isAccepting(link, deps.clock.now())) return c.html(closedPage(brandingOf(link), link.chat.name), 410);
    await recordClick(deps, link);
    return c.redirect(chatUrl(link), 302);
  });

  app.get('/u/:token', async (c) => {
    privateHeaders(c);
    const link = await findLink(deps.db, c.req.param('token'));
    if (!link) return c.html(notFoundPage(requestedLocale(c)), 404);
    return c.html(unsubscribePage(brandingOf(link), `/u/${link.token}`));
  });

  // The page's button and mail clients' one-click (body List-Unsubscribe=One-Click) both land here.
  app.post('/u/:token', async (c) => {
    privateHeaders(c);
    const link = await findLink(deps.db, c.req.param('token'));
    if (!link) return c.html(notFoundPage(requestedLocale(c)), 404);
    await unsubscribe(deps, link);
    deps.logger.log('info', 'member.unsubscribed', { invitation: link.invitation.id, via: 'link' });
    return c.html(unsubscribedPage(brandingOf(link)));
  });

  return app;
}
