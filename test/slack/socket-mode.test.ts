import { afterAll, beforeAll, expect, it } from 'vitest';
import { createBoltApp } from '../../src/slack/bolt.js';
import type { App } from '@slack/bolt';
import { coreDeps, manualClock } from '../support/app.js';
import { seedChats } from '../support/community.js';
import { describeEachDatabase } from '../support/databases.js';
import { startFakeSlack, type FakeSlack } from '../support/fake-slack.js';
import { CHANNEL, TEAM, USER } from '../support/slack.js';

// SLACK_APP_TOKEN: the same listeners over Socket Mode (Bolt's receiver), against a local Socket
// Mode endpoint: apps.connections.open, then the WebSocket with hello, envelopes and acks.
describeEachDatabase('Socket Mode', (get) => {
  let fake: FakeSlack;
  let app: App;
  beforeAll(async () => {
    fake = await startFakeSlack();
    const clock = manualClock(Date.now());
    await seedChats(get().db, clock.now());
    const deps = { ...coreDeps(get().db, clock), slack: { signingSecret: '', botToken: 'xoxb-socket', apiUrl: fake.url, managers: [], largeAudience: 5000 } };
    app = createBoltApp(deps, { socketMode: true, appToken: 'xapp-test-token' });
    await app.start();
    await fake.socketConnected();
  });
  afterAll(async () => {
    await app.stop();
    await fake.close();
  });

  it('connects with the app token and serves /invite: acked over the socket, then views.open', async () => {
    expect(fake.callsTo('apps.connections.open')[0]!.token).toBe('xapp-test-token');
    const ack = await fake.socketSend('slash_commands', {
      team_id: TEAM,
      channel_id: CHANNEL,
      user_id: USER,
      command: '/invite',
      text: 'onboarding',
      trigger_id: '1.2.socket',
      response_url: fake.responseUrl,
    });
    expect(ack.envelope_id).toMatch(/^env-/);
    for (let i = 0; i < 50 && fake.callsTo('views.open').length === 0; i++) await new Promise((r) => setTimeout(r, 20));
    const open = fake.callsTo('views.open')[0]!;
    expect(open.token).toBe('xoxb-socket');
    expect(open.args.trigger_id).toBe('1.2.socket');
    expect(JSON.stringify(open.args.view)).toContain('"initial_option":{"text":{"type":"plain_text","text":"Onboarding","emoji":true},"value":"onboarding"}');
  });
});
