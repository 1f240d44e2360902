import { beforeEach, expect, it } from 'vitest';
import { describeEachDatabase } from '../support/databases.js';
import { jsonLogger } from '../../src/core/logger.js';
import { clearTables, manualClock, testApp } from '../support/app.js';
import { onboardingChat } from '../support/community.js';

describeEachDatabase('HTTP basics', (get) => {
  beforeEach(async () => clearTables(get().db));

  it('serves /healthz without a token and checks the database', async () => {
    const { app } = testApp(get().db);
    const res = await app.request('/healthz');
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ ok: true });
  });

  it('refuses /api without the right bearer token, before reading the body', async () => {
    const { app } = testApp(get().db);
    for (const authorization of [undefined, 'Bearer wrong-token-0123456789', 'Basic abc']) {
      const res = await app.request('/api/chats', {
        method: 'POST',
        headers: { 'content-type': 'application/json', ...(authorization ? { authorization } : {}) },
        body: JSON.stringify(onboardingChat),
      });
      expect(res.status).toBe(401);
      expect(res.headers.get('content-type')).toContain('application/problem+json');
    }
    const { call } = testApp(get().db);
    expect((await call('GET', '/api/chats')).body.items).toEqual([]);
  });

  it('publishes an OpenAPI 3.1 document generated from the zod schemas', async () => {
    const { app } = testApp(get().db);
    const res = await app.request('/openapi.json');
    expect(res.status).toBe(200);
    const doc = (await res.json()) as { openapi: string; paths: Record<string, unknown>; components: { schemas: Record<string, unknown> } };
    expect(doc.openapi).toBe('3.1.0');
    for (const path of ['/api/chats', '/api/chats/{id}', '/api/members/{id}', '/api/members/bulk', '/api/responses/bulk', '/api/invitations', '/api/invitations/{id}', '/api/invitations/{id}/close', '/api/invitations/{id}/summary', '/api/audience/preview']) {
      expect(doc.paths, path).toHaveProperty([path]);
    }
    expect(doc.components.schemas).toHaveProperty('Invitation');
    expect(doc.components.schemas).toHaveProperty('Problem');
  });

  it('answers malformed JSON and unknown routes with problem+json, never 500', async () => {
    const { call } = testApp(get().db);
    const malformed = await call('POST', '/api/chats', '{"id": "x",');
    expect(malformed.status).toBe(400);
    expect(malformed.contentType).toContain('application/problem+json');
    const missing = await call('GET', '/api/nothing-here');
    expect(missing.status).toBe(404);
    expect(missing.contentType).toContain('application/problem+json');
    const wrongType = await call('POST', '/api/chats', [1, 2, 3]);
    expect(wrongType.status).toBe(422);
  });

  it('refuses keys it does not know, naming them, instead of dropping what was sent', async () => {
    const { call } = testApp(get().db);
    await call('POST', '/api/chats', onboardingChat);
    // A misspelt field would otherwise be dropped: here the chat's default email would go out instead.
    const typo = await call('POST', '/api/invitations', {
      chatId: 'onboarding',
      name: 'Typo',
      closesAt: '2030-01-01T00:00:00Z',
      target: { type: 'all' },
      message: { channel: 'email', email: { subject: 'Hi' } },
    });
    expect(typo.status).toBe(422);
    expect(typo.body.errors).toEqual([{ path: 'message', message: expect.stringContaining('"email"') }]);
    const member = await call('PUT', '/api/members/k-1', { emial: 'a@example.com' });
    expect(member.status).toBe(422);
    expect(member.body.errors).toEqual([{ path: '(body)', message: expect.stringContaining('"emial"') }]);
    expect((await call('GET', '/api/members/k-1')).status).toBe(404);
    // In every kind of target too: a dropped seed would draw another sample than the one asked for.
    const sample = await call('POST', '/api/audience/preview', { chatId: 'onboarding', target: { type: 'sample', percent: 10, seeed: 'x' } });
    expect(sample.status).toBe(422);
    expect(sample.body.errors).toEqual([{ path: 'target', message: 'Unrecognized key: "seeed"' }]);
    const ids = await call('POST', '/api/audience/preview', { chatId: 'onboarding', target: { type: 'members', ids: ['k-1'], id: 'k-2' } });
    expect(ids.status).toBe(422);
    expect(ids.body.errors).toEqual([{ path: 'target', message: 'Unrecognized key: "id"' }]);
  });

  it('logs one JSON line per request with the route, never emails, phones or tokens', async () => {
    const lines: string[] = [];
    const { call } = testApp(get().db, manualClock(), jsonLogger('debug', (l) => lines.push(l)));
    await call('PUT', '/api/members/log-1', { email: 'secret.person@example.com', phone: '+15145550177' });
    await call('GET', '/api/members/log-1');
    expect(lines).toHaveLength(2);
    const events = lines.map((l) => JSON.parse(l) as Record<string, unknown>);
    expect(events[0]).toMatchObject({ level: 'info', event: 'http.request', method: 'PUT', route: '/api/members/:id', status: 200 });
    const all = lines.join('\n');
    for (const secret of ['secret.person', '+15145550177', 'test-api-token', 'log-1']) expect(all).not.toContain(secret);
  });
});
