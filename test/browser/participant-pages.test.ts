// The participant pages in a real browser (Debian's chromium): the personal link from a message
// actually sent through the runner, the closed, unsubscribe and not-found pages in both locales,
// and a phone-sized screen. The app is served on a loopback port; the chat platform is a local fake.
import { sql } from 'drizzle-orm';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { saveChat } from '../../src/core/chats/service.js';
import { closeInvitation } from '../../src/core/invitations/service.js';
import { participantStrings } from '../../src/core/messages/strings.js';
import { silentLogger } from '../../src/core/logger.js';
import { clearTables, coreDeps, manualClock, testApp } from '../support/app.js';
import { serveApp, startFakeChatPlatform, useBrowser, type FakeChatPlatform, type ServedApp } from '../support/browser.js';
import { member, seedMembers } from '../support/community.js';
import { openTestDatabase, type TestDatabase } from '../support/databases.js';
import { startFakePostmark, type FakePostmark } from '../support/fake-postmark.js';
import { startFakeTwilio, type FakeTwilio } from '../support/fake-twilio.js';
import { sendInvitation } from '../support/invitations.js';
import { fakeProviders } from '../support/runner.js';

const EN = participantStrings('en-US');
const FR = participantStrings('fr-CA');
const ACCENT = '#0B5FFF';

describe('participant pages in a real browser', () => {
  const clock = manualClock('2026-12-01T12:00:00Z');
  const browser = useBrowser();
  let database: TestDatabase;
  let postmark: FakePostmark;
  let twilio: FakeTwilio;
  let chatPlatform: FakeChatPlatform;
  let site: ServedApp;
  const settings = () => ({ cooldownDays: 7, publicBaseUrl: site.url });
  const db = () => database.db;

  beforeAll(async () => {
    [database, postmark, twilio, chatPlatform] = await Promise.all([openTestDatabase('file'), startFakePostmark(), startFakeTwilio(), startFakeChatPlatform()]);
    site = await serveApp((baseUrl) => testApp(database.db, clock, silentLogger, { settings: { cooldownDays: 7, publicBaseUrl: baseUrl } }).app);
  });
  afterAll(async () => {
    await Promise.all([site?.close(), chatPlatform?.close(), postmark?.close(), twilio?.close()]);
    await database?.close();
  });

  beforeEach(async () => {
    clock.set('2026-12-01T12:00:00Z');
    postmark.reset();
    chatPlatform.reset();
    await clearTables(db());
    await saveChat(
      db(),
      {
        id: 'feedback',
        name: 'Product feedback',
        defaultLocale: 'en-US',
        locales: [
          { locale: 'en-US', url: `${chatPlatform.url}/chat/en`, displayName: 'Feedback', accentColor: ACCENT },
          { locale: 'fr-CA', url: `${chatPlatform.url}/chat/fr`, displayName: 'Rétroaction', accentColor: ACCENT },
        ],
      },
      clock.now(),
      { upsert: true },
    );
    await seedMembers(db(), [member('ana', { preferredLocale: 'fr-CA' }), member('ben')], clock.now());
  });

  /** Creates an invitation in `locale`, sends it by email through the runner, and returns it. */
  async function send(locale: 'en-US' | 'fr-CA') {
    const message = { channel: 'email' as const, emailBody: 'Your personal link: {{link}}' };
    const { invitation } = await sendInvitation(db(), clock, fakeProviders(postmark, twilio), { name: `Browser ${locale}`, locale, message }, settings());
    return invitation;
  }

  /** The personal and unsubscribe links in the email the fake Postmark accepted for `externalId`. */
  function linksIn(externalId: string, locale: string) {
    const email = postmark.sent.find((e) => e.message.To?.includes(`${externalId}@example.com`));
    if (!email) throw new Error(`no email was sent to ${externalId} (sent: ${postmark.sent.map((e) => e.message.To).join(', ')})`);
    const text = email.message.TextBody ?? '';
    const link = /Your personal link: (\S+)/.exec(text)?.[1];
    const unsubscribe = new RegExp(`${participantStrings(locale).unsubscribeLink}: (\\S+)`).exec(text)?.[1];
    if (!link || !unsubscribe) throw new Error(`links not found in the email text:\n${text}`);
    return { link, unsubscribe, token: new URL(link).pathname.split('/').pop()! };
  }

  async function subscribed(externalId: string): Promise<number> {
    const [row] = await db().all<{ subscribed: number }>(sql`SELECT subscribed FROM members WHERE external_id = ${externalId}`);
    return row!.subscribed;
  }

  async function clickedAt(token: string): Promise<number | null> {
    const [row] = await db().all<{ clicked_at: number | null }>(sql`SELECT clicked_at FROM participations WHERE token = ${token}`);
    return row!.clicked_at;
  }

  /** The page's accessibility basics: its language, exactly one h1 (with this text), a main landmark, the title. */
  async function expectPageBasics(page: Page, want: { lang: string; h1: string; title: string | RegExp }) {
    expect(await page.locator('html').getAttribute('lang')).toBe(want.lang);
    expect(await page.locator('h1').count()).toBe(1);
    expect((await page.locator('h1').innerText()).trim()).toBe(want.h1);
    expect(await page.getByRole('main').count()).toBe(1);
    if (typeof want.title === 'string') expect(await page.title()).toBe(want.title);
    else expect(await page.title()).toMatch(want.title);
  }

  it('the personal link from the email redirects to the chat of the invitation locale with pid and locale, and records the click', async () => {
    await send('fr-CA');
    const { link, token } = linksIn('ben', 'fr-CA');
    expect(link).toBe(`${site.url}/i/${token}`);
    expect(await clickedAt(token)).toBeNull();

    const page = await browser.page({ locale: 'en-US' });
    const response = await page.goto(link);
    expect(response?.status()).toBe(200);

    // The browser followed the 302 to the chat platform of the engagement locale (fr-CA, not ben's en-US).
    const landed = new URL(page.url());
    expect(`${landed.origin}${landed.pathname}`).toBe(`${chatPlatform.url}/chat/fr`);
    expect(landed.searchParams.get('pid')).toBe(token);
    expect(landed.searchParams.get('locale')).toBe('fr-CA');
    expect(await page.getByRole('heading', { level: 1 }).innerText()).toBe('Chat fr');
    // Through the app's 302, which no cache may keep.
    const redirect = await response!.request().redirectedFrom()?.response();
    expect(redirect?.url()).toBe(link);
    expect(redirect?.status()).toBe(302);
    expect(redirect?.headers()['cache-control']).toBe('no-store');

    const chatHits = chatPlatform.chatRequests();
    expect(chatHits).toHaveLength(1);
    expect(chatHits[0]!.url).toBe(`/chat/fr?pid=${token}&locale=fr-CA`);

    expect(await clickedAt(token)).toBe(clock.now());
    // Only ben clicked.
    expect(await clickedAt(linksIn('ana', 'fr-CA').token)).toBeNull();
  });

  it('after the invitation is closed the link shows the branded closed page in the invitation locale', async () => {
    const invitation = await send('fr-CA');
    const { link, token } = linksIn('ben', 'fr-CA');
    clock.advance(60_000);
    await closeInvitation(coreDeps(db(), clock, settings()), invitation.id, 'api:test');

    // The reader's browser asks for English: the page follows the invitation (fr-CA) instead.
    const page = await browser.page({ locale: 'en-US' });
    const response = await page.goto(link);
    expect(response?.status()).toBe(410);
    expect(page.url()).toBe(link);
    await expectPageBasics(page, { lang: 'fr-CA', h1: FR.closedTitle, title: `${FR.closedTitle} · Rétroaction` });
    expect(await page.getByRole('heading', { level: 1, name: FR.closedTitle }).isVisible()).toBe(true);
    await expect(page.getByRole('main').innerText()).resolves.toContain(FR.closedBody('Product feedback'));
    expect(await page.locator('footer').innerText()).toBe('Rétroaction');

    expect(chatPlatform.chatRequests()).toHaveLength(0);
    expect(await clickedAt(token)).toBeNull();
  });

  for (const c of [
    { locale: 'en-US', who: 'ben', other: 'ana', t: EN, community: 'Feedback' },
    { locale: 'fr-CA', who: 'ana', other: 'ben', t: FR, community: 'Rétroaction' },
  ] as const) {
    it(`unsubscribes from the email's link with the page's button (${c.locale})`, async () => {
      await send(c.locale);
      const { unsubscribe, token } = linksIn(c.who, c.locale);
      expect(unsubscribe).toBe(`${site.url}/u/${token}`);

      const page = await browser.page({ locale: c.locale === 'en-US' ? 'fr-CA' : 'en-US' });
      const response = await page.goto(unsubscribe);
      expect(response?.status()).toBe(200);
      await expectPageBasics(page, { lang: c.locale, h1: c.t.unsubscribeTitle, title: `${c.t.unsubscribeTitle} · ${c.community}` });
      expect(await page.getByRole('heading', { level: 1, name: c.t.unsubscribeTitle }).isVisible()).toBe(true);
      await expect(page.getByRole('main').innerText()).resolves.toContain(c.t.unsubscribeBody(c.community));
      // Still subscribed: opening the page (as a mail scanner would) changes nothing.
      expect(await subscribed(c.who)).toBe(1);

      const button = page.getByRole('button', { name: c.t.unsubscribeButton });
      // Branded with the locale's accent colour.
      expect(await button.evaluate((b) => getComputedStyle(b).backgroundColor)).toBe('rgb(11, 95, 255)');
      const posted = page.waitForResponse((r) => r.request().method() === 'POST');
      await button.click();
      expect((await posted).status()).toBe(200);

      // The confirmation replaces the form, is announced (a status region) and keeps its heading.
      const confirmation = page.getByRole('status');
      await confirmation.waitFor();
      expect(await confirmation.getByRole('heading', { level: 1 }).innerText()).toBe(c.t.unsubscribedTitle);
      expect(await confirmation.innerText()).toContain(c.t.unsubscribedBody(c.community));
      await expectPageBasics(page, { lang: c.locale, h1: c.t.unsubscribedTitle, title: `${c.t.unsubscribedTitle} · ${c.community}` });
      await expect(page.getByRole('main').innerText()).resolves.toContain(c.t.unsubscribedBody(c.community));
      expect(await page.getByRole('button').count()).toBe(0);

      expect(await subscribed(c.who)).toBe(0);
      expect(await subscribed(c.other)).toBe(1);
    });
  }

  it('an unknown token gets the not-found page in the language the browser asks for', async () => {
    await send('fr-CA');
    for (const c of [
      { locale: 'fr-CA', lang: 'fr-CA', t: FR },
      { locale: 'en-US', lang: 'en-US', t: EN },
    ]) {
      const page = await browser.page({ locale: c.locale });
      for (const path of [`/i/${'0'.repeat(32)}`, `/u/${'f'.repeat(32)}`, '/i/ben']) {
        const response = await page.goto(`${site.url}${path}`);
        expect(response?.status(), path).toBe(404);
        expect(response!.headers()['cache-control']).toBe('no-store');
        // No community to brand with (that would tell the token's chat): the title starts with the page's own.
        await expectPageBasics(page, { lang: c.lang, h1: c.t.notFoundTitle, title: new RegExp(`^${c.t.notFoundTitle}`) });
        expect(await page.getByRole('heading', { level: 1, name: c.t.notFoundTitle }).isVisible()).toBe(true);
        const text = await page.locator('body').innerText();
        expect(text).toContain(c.t.notFoundBody);
        expect(text).not.toMatch(/ben|ana|Rétroaction|Feedback/);
      }
    }
    expect(chatPlatform.requests).toHaveLength(0);
  });

  it('is readable on a phone: no horizontal scrolling and a button big enough to tap', async () => {
    const invitation = await send('fr-CA');
    const { unsubscribe, link } = linksIn('ana', 'fr-CA');
    const phone = { viewport: { width: 375, height: 667 }, isMobile: true, hasTouch: true, deviceScaleFactor: 2, locale: 'fr-CA' };
    const page = await browser.page(phone);

    async function expectFits() {
      const { scrollWidth, clientWidth } = await page.evaluate(() => ({
        scrollWidth: document.documentElement.scrollWidth,
        clientWidth: document.documentElement.clientWidth,
      }));
      // Without a working viewport meta the layout would be 980px wide here.
      expect(clientWidth).toBe(375);
      expect(scrollWidth).toBeLessThanOrEqual(375);
      const h1 = await page.locator('h1').boundingBox();
      expect(h1!.x).toBeGreaterThanOrEqual(0);
      expect(h1!.x + h1!.width).toBeLessThanOrEqual(375);
      // Body text at a readable size.
      expect(await page.locator('p').first().evaluate((p) => parseFloat(getComputedStyle(p).fontSize))).toBeGreaterThanOrEqual(16);
    }

    await page.goto(unsubscribe);
    await expectFits();
    const button = page.getByRole('button', { name: FR.unsubscribeButton });
    const box = await button.boundingBox();
    expect(box!.height).toBeGreaterThanOrEqual(44);
    expect(box!.x).toBeGreaterThanOrEqual(0);
    expect(box!.x + box!.width).toBeLessThanOrEqual(375);
    await button.tap();
    await page.getByRole('status').waitFor();
    await expectFits();
    expect(await subscribed('ana')).toBe(0);

    await closeInvitation(coreDeps(db(), clock, settings()), invitation.id, 'api:test');
    expect((await page.goto(link))?.status()).toBe(410);
    await expectFits();
    await page.goto(`${site.url}/i/${'0'.repeat(32)}`);
    await expectFits();
  });
});
