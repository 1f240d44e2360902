import { sql } from 'drizzle-orm';
import { expect, it } from 'vitest';
import { jsonLogger } from '../../src/core/logger.js';
import { testApp } from '../support/app.js';
import { describeEachDatabase } from '../support/databases.js';
import { dateTime, signedHeaders, text, useSlackHarness, viewSubmission } from '../support/slack.js';

describeEachDatabase('POST /slack/events', (get) => {
  const lines: string[] = [];
  const slack = useSlackHarness(get, { logger: jsonLogger('debug', (l) => lines.push(l)) }, () => {
    lines.length = 0;
  });

  const commandBody = 'team_id=T0001&channel_id=C0STATUS1&user_id=U0MANAGER1&command=%2Finvite&text=secret-looking-text&trigger_id=1.2.3&response_url=http%3A%2F%2F127.0.0.1%3A1%2Fx';

  it('rejects a bad signature with 401 before anything else, and logs the reason without the body', async () => {
    const headers = await signedHeaders(commandBody, Math.floor(slack.clock.now() / 1000), 'another-secret');
    const res = await slack.post(commandBody, 'application/x-www-form-urlencoded', headers);
    expect(res.status).toBe(401);
    await slack.settle();
    expect(slack.fake.calls).toEqual([]);
    const rejected = lines.map((l) => JSON.parse(l)).find((l) => l.event === 'slack.signature_rejected');
    expect(rejected).toMatchObject({ level: 'warn', reason: 'bad_signature', bytes: commandBody.length });
    expect(lines.join('\n')).not.toContain('secret-looking-text');
  });

  it('rejects a replayed request older than five minutes, and one without headers', async () => {
    const old = await signedHeaders(commandBody, Math.floor(slack.clock.now() / 1000) - 301);
    expect((await slack.post(commandBody, 'application/x-www-form-urlencoded', old)).status).toBe(401);
    const res = await slack.post(commandBody, 'application/x-www-form-urlencoded', { 'x-slack-signature': '', 'x-slack-request-timestamp': '' });
    expect(res.status).toBe(401);
    expect(slack.fake.calls).toEqual([]);
  });

  it("answers Slack's URL verification and its unsigned certificate check", async () => {
    const res = await slack.post(JSON.stringify({ token: 't', challenge: 'chal-123', type: 'url_verification' }), 'application/json');
    expect(await res.json()).toEqual({ challenge: 'chal-123' });
    const ssl = await slack.post('ssl_check=1&token=t', 'application/x-www-form-urlencoded', { 'x-slack-signature': 'v0=bad' });
    expect(ssl.status).toBe(200);
  });

  it('refuses requests from another workspace', async () => {
    const res = await slack.command('/invite', '', { team: 'T0OTHER' });
    expect(res.status).toBe(403);
    await slack.settle();
    expect(slack.fake.calls).toEqual([]);
  });

  it('acknowledges a verified command at once, before any listener runs; an unreadable payload gets 400', async () => {
    // Commands are acked before Bolt routes them: one nobody listens to is acked and does nothing.
    expect((await slack.command('/unknown', '')).status).toBe(200);
    await slack.settle();
    expect(slack.fake.calls).toEqual([]);
    expect((await slack.post('payload=%7Bnot-json', 'application/x-www-form-urlencoded')).status).toBe(400);
  });

  it('a modal submission waits for its listener: the answer carries the errors', async () => {
    const res = await slack.interact({ type: 'view_submission', team: { id: 'T0001' }, user: { id: 'U0MANAGER1', team_id: 'T0001' }, view: { id: 'V1', callback_id: 'no_such_modal', private_metadata: '', state: { values: {} } } });
    // No listener for that callback: nothing acknowledged it.
    expect(res.status).toBe(404);
  });

  it('waits out a short 429 on views.open, and says so when the wait would outlive the trigger', async () => {
    slack.fake.fail('views.open', { rateLimitedFor: 1 });
    await slack.command('/invite', '');
    await slack.settle();
    expect(slack.fake.callsTo('views.open')).toHaveLength(2);
    expect(slack.fake.callsTo('views.open')[1]!.response?.ok).toBe(true);

    slack.fake.reset();
    slack.fake.fail('views.open', { rateLimitedFor: 30 });
    const started = Date.now();
    await slack.command('/invite', '');
    await slack.settle();
    expect(Date.now() - started).toBeLessThan(2000);
    expect(slack.fake.callsTo('views.open')).toHaveLength(1);
    expect(String(slack.fake.callsTo('response_url')[0]!.args.text)).toContain('slow down');
  });

  it("a retried or repeated submission (X-Slack-Retry-Num) never creates a second invitation", async () => {
    await slack.command('/invite', 'onboarding');
    await slack.settle();
    const payload = viewSubmission(slack.fake, { name: text('Once'), closes: dateTime(slack.clock.now() + 86_400_000) });
    const body = `payload=${encodeURIComponent(JSON.stringify(payload))}`;
    await Promise.all([
      slack.post(body, 'application/x-www-form-urlencoded'),
      slack.post(body, 'application/x-www-form-urlencoded', { 'x-slack-retry-num': '1', 'x-slack-retry-reason': 'http_timeout' }),
    ]);
    await slack.settle();
    expect(await get().db.all(sql`SELECT id FROM invitations`)).toHaveLength(1);
    expect(await get().db.all(sql`SELECT id FROM audit_events WHERE action = 'created'`)).toHaveLength(1);
    expect(slack.fake.callsTo('chat.postMessage')).toHaveLength(1);
  });

  it('says Slack is not configured (503) when the server has no Slack credentials', async () => {
    const { app } = testApp(get().db);
    const res = await app.request('/slack/events', { method: 'POST', body: 'x' });
    expect(res.status).toBe(503);
    expect(res.headers.get('content-type')).toContain('application/problem+json');
  });
});
