// "Send test" in the /invite modal: the previewed message, marked [Test], goes through the real
// Postmark and Twilio adapters (pointed at local fakes) to the clicking user's Slack email and
// phone; nothing is recorded or counted, refusals are told in plain words, and without an address
// the message comes as a DM.
import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, beforeEach, expect, it } from 'vitest';
import type { Logger } from '../../src/core/logger.js';
import { member, seedMembers } from '../support/community.js';
import { describeEachDatabase } from '../support/databases.js';
import { startFakePostmark, type FakePostmark } from '../support/fake-postmark.js';
import { startFakeTwilio, type FakeTwilio } from '../support/fake-twilio.js';
import { fakeProviders } from '../support/runner.js';
import { blockAction, checkedOptions, selected, text, USER, useSlackHarness } from '../support/slack.js';

const EMAIL = 'ana.manager@example.com';
const SAMPLE_LINK = `http://localhost:3000/i/${'0'.repeat(32)}`;

let postmark: FakePostmark;
let twilio: FakeTwilio;
beforeAll(async () => {
  [postmark, twilio] = await Promise.all([startFakePostmark(), startFakeTwilio()]);
});
afterAll(async () => Promise.all([postmark.close(), twilio.close()]));

const logs: string[] = [];
const logger: Logger = { log: (level, event, fields) => void logs.push(JSON.stringify({ level, event, ...fields })) };

describeEachDatabase('/invite Send test', (get) => {
  const slack = useSlackHarness(get, { logger, providers: () => fakeProviders(postmark, twilio) }, (slack, db) =>
    seedMembers(db, [member('m2', { preferredLocale: 'fr-CA', attributes: { first_name: 'Zoé' } })], slack.clock.now()),
  );
  beforeEach(() => {
    postmark.reset();
    twilio.reset();
    logs.length = 0;
  });

  /** The French feedback form with `channel`, then Preview message and Send test; returns the preview pushed. */
  async function previewThenSendTest(channel: string): Promise<string> {
    await slack.command('/invite', 'Product feedback');
    await slack.settle();
    await slack.interact(blockAction(slack.fake, { action_id: 'locale', block_id: 'locale', selected: 'fr-CA' }, { locale: selected('fr-CA') }));
    await slack.settle();
    const entered = { same_locale: checkedOptions('same_locale'), channel: selected(channel), email_body: text('Bonjour {{first_name}}, {{link}}') };
    await slack.interact(blockAction(slack.fake, { action_id: 'invite.preview_message', block_id: 'message_actions' }, entered));
    await slack.settle();
    await slack.interact(blockAction(slack.fake, { action_id: 'invite.send_test', block_id: 'message_actions' }, entered));
    await slack.settle();
    return JSON.stringify(slack.fake.callsTo('views.push').at(-1)!.args.view);
  }

  const lastDm = () => slack.fake.callsTo('chat.postMessage').at(-1)!.args as { channel: string; text: string; blocks?: unknown };

  it('emails the previewed message, marked [Test], to the user’s Slack email; nothing is recorded or counted', async () => {
    slack.fake.users.set(USER, { email: EMAIL });
    const preview = await previewThenSendTest('email');
    expect(postmark.sent).toHaveLength(1);
    const { message } = postmark.sent[0]!;
    expect(message.To).toBe(EMAIL);
    expect(message.Subject).toBe('[Test] Rétroaction : votre avis compte');
    expect(preview).toContain('*Subject:* Rétroaction : votre avis compte');
    expect(message.From).toContain('Rétroaction');
    expect(message.TextBody).toContain(`Bonjour Zoé, ${SAMPLE_LINK}`);
    expect(preview).toContain(`>Bonjour Zoé, ${SAMPLE_LINK}`);
    expect(message.HtmlBody).toContain(`<a href="${SAMPLE_LINK}">`);
    expect(message.Metadata).toEqual({ delivery_id: '0', batch_id: expect.stringMatching(/^test_V/) });
    expect(twilio.sent).toEqual([]);
    for (const table of ['invitations', 'deliveries', 'participations', 'send_batches']) {
      expect(await get().db.all(sql.raw(`SELECT 1 FROM ${table}`))).toEqual([]);
    }
    const dm = lastDm();
    expect(dm.channel).toBe(`D${USER.slice(1)}`);
    expect(dm.text).toContain('The email “[Test] Rétroaction : votre avis compte” went to a***@example.com (through postmark).');
    expect(dm.text).not.toContain(EMAIL);
    expect(logs.join('\n')).not.toContain('ana.manager');
  });

  it('preference: the email, and the SMS when the Slack phone is an international number', async () => {
    slack.fake.users.set(USER, { email: EMAIL, phone: '+1 (514) 555-0123' });
    await previewThenSendTest('preference');
    expect(postmark.sent).toHaveLength(1);
    expect(twilio.sent).toHaveLength(1);
    expect(twilio.sent[0]!.resource.to).toBe('+15145550123');
    expect(twilio.sent[0]!.resource.body).toBe(`[Test] Donnez votre avis ${SAMPLE_LINK}`);
    expect(lastDm().text).toContain('The SMS went to +1******0123 (through twilio).');
    expect(logs.join('\n')).not.toContain('5550123');
  });

  it('a phone without its country code gets no SMS, and the user is told why', async () => {
    slack.fake.users.set(USER, { email: EMAIL, phone: '514-555-0123' });
    await previewThenSendTest('preference');
    expect(postmark.sent).toHaveLength(1);
    expect(twilio.sent).toEqual([]);
    expect(lastDm().text).toContain('not in international form (such as +15145550123), so no SMS was sent');
  });

  it('a user without an email in Slack gets the rendered message as a DM', async () => {
    slack.fake.users.set(USER, {});
    await previewThenSendTest('email');
    expect(postmark.sent).toEqual([]);
    const blocks = JSON.stringify(lastDm().blocks);
    expect(blocks).toContain('Test message: sent only to you, never counted');
    expect(blocks).toContain('Your Slack profile shows no email address');
    expect(blocks).toContain(`>Bonjour Zoé, ${SAMPLE_LINK}`);
  });

  it('a provider’s refusal is told in plain words with its code, never thrown', async () => {
    slack.fake.users.set(USER, { email: EMAIL });
    postmark.rejectRecipient(EMAIL, 406);
    await previewThenSendTest('email');
    expect(postmark.sent).toEqual([]);
    const dm = lastDm().text;
    expect(dm).toContain('postmark refused the email “[Test] Rétroaction : votre avis compte” to a***@example.com (code postmark:406)');
    expect(dm).toContain('inactive');
    expect(dm).not.toContain(EMAIL);
    expect(logs.filter((l) => l.includes('"level":"error"'))).toEqual([]);
    expect(logs.join('\n')).not.toContain('ana.manager');
  });
});
