import { beforeEach, expect, it } from 'vitest';
import { describeEachDatabase } from '../support/databases.js';
import { clearTables, testApp } from '../support/app.js';
import { feedbackChat, onboardingChat } from '../support/community.js';

describeEachDatabase('chats API', (get) => {
  beforeEach(async () => clearTables(get().db));

  it('creates, lists, gets and updates chats with per-locale branding', async () => {
    const { call } = testApp(get().db);
    const created = await call('POST', '/api/chats', feedbackChat);
    expect(created.status).toBe(201);
    expect(created.body).toMatchObject({ id: 'feedback', defaultLocale: 'en-US' });
    expect(created.body.locales.map((l: { locale: string }) => l.locale)).toEqual(['en-US', 'fr-CA']);
    expect(created.body.locales[0]).toMatchObject({ accentColor: '#0B5FFF', displayName: 'Feedback' });

    expect((await call('POST', '/api/chats', onboardingChat)).status).toBe(201);
    const list = await call('GET', '/api/chats');
    expect(list.body.items.map((c: { id: string }) => c.id)).toEqual(['onboarding', 'feedback']);

    const patched = await call('PATCH', '/api/chats/feedback', { name: 'Feedback Q4', defaultLocale: 'fr-CA' });
    expect(patched.status).toBe(200);
    expect(patched.body).toMatchObject({ name: 'Feedback Q4', defaultLocale: 'fr-CA' });
    expect((await call('GET', '/api/chats/feedback')).body.name).toBe('Feedback Q4');
  });

  it('refuses a duplicate id with 409 and an unknown chat with 404', async () => {
    const { call } = testApp(get().db);
    await call('POST', '/api/chats', onboardingChat);
    expect((await call('POST', '/api/chats', onboardingChat)).status).toBe(409);
    expect((await call('GET', '/api/chats/nope')).status).toBe(404);
  });

  it('names every invalid field', async () => {
    const { call } = testApp(get().db);
    const res = await call('POST', '/api/chats', {
      id: 'Bad Id',
      name: '',
      defaultLocale: 'de-DE',
      locales: [
        { locale: 'en-US', url: 'ftp://x', accentColor: 'blue' },
        { locale: 'en-US', url: 'https://ok.example.com' },
      ],
    });
    expect(res.status).toBe(422);
    expect(res.contentType).toContain('application/problem+json');
    const paths = res.body.errors.map((e: { path: string }) => e.path);
    expect(paths).toEqual(expect.arrayContaining(['id', 'name', 'locales.0.url', 'locales.0.accentColor', 'locales.1.locale']));
    expect((await call('GET', '/api/chats')).body.items).toEqual([]);
  });

  it('rejects a default locale the chat does not have', async () => {
    const { call } = testApp(get().db);
    const res = await call('POST', '/api/chats', { ...onboardingChat, defaultLocale: 'fr-CA' });
    expect(res.status).toBe(422);
    expect(res.body.errors).toEqual([{ path: 'defaultLocale', message: 'must be one of the chat locales' }]);
  });
});
