// The whole story in one test, on the real demo community: a manager creates an invitation through
// Slack (/invite → modal → submission), the runner opens it and emails a sample of members through
// Postmark, a participant follows their link, completions reach the response limit and close it,
// Postmark reports a delivery, and the status summary in Slack ends with the final figures.
import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { generateCommunity } from '../../src/core/seed/community.js';
import { loadCommunity } from '../../src/core/seed/load.js';
import { getInvitation, invitationCounts } from '../../src/core/invitations/service.js';
import { silentLogger } from '../../src/core/logger.js';
import { hmacSha256Hex } from '../../src/http/hmac.js';
import { runTick } from '../../src/jobs/tick.js';
import { manualClock, TEST_API_TOKEN, testApp } from '../support/app.js';
import { describeEachDatabase } from '../support/databases.js';
import { startFakePostmark, type FakePostmark } from '../support/fake-postmark.js';
import { startFakeTwilio, type FakeTwilio } from '../support/fake-twilio.js';
import { fakeProviders, POSTMARK_FROM, runnerDeps } from '../support/runner.js';
import { blockAction, CHANNEL, currentView, dateTime, selected, slackHarness, text, USER, viewSubmission, type SlackHarness } from '../support/slack.js';
import { fixture } from '../support/fixtures.js';

const MINUTE = 60_000;
const DAY = 86_400_000;
// The seed's times follow the UTC day it runs on: the whole story happens on that day.
const NOW = Date.parse('2026-12-01T15:30:00Z');
const PUBLIC = 'http://localhost:3000';
const WEBHOOK_AUTH = { user: 'postmark', password: 'correct horse battery staple' };
const SAMPLE = 10;
const LIMIT = 3;

const deliveryFixture = () =>
  fixture('postmark-delivery-webhook.json') as Record<string, unknown>;

let postmark: FakePostmark;
let twilio: FakeTwilio;
beforeAll(async () => {
  [postmark, twilio] = await Promise.all([startFakePostmark(), startFakeTwilio()]);
});
afterAll(async () => {
  await Promise.all([postmark?.close(), twilio?.close()]);
});

describeEachDatabase('the whole story', (get) => {
  const clock = manualClock(NOW);
  let slack: SlackHarness;

  beforeAll(async () => {
    // The fake providers serve both databases' runs: each run starts with them empty.
    postmark.reset();
    twilio.reset();
    // 1. The demo community, loaded by the real seed.
    await loadCommunity(get().db, generateCommunity(NOW));
    slack = await slackHarness(get().db, { clock });
  });
  afterAll(async () => {
    await slack?.settle();
    await slack?.close();
  });

  async function tick() {
    const runner = runnerDeps(get().db, clock, fakeProviders(postmark, twilio), { changes: slack.changes });
    const report = await runTick(runner);
    await runner.settle();
    await slack.settle();
    return report;
  }

  const threadReplies = () => slack.fake.callsTo('chat.postMessage').filter((c) => c.args.thread_ts);
  /** The summary as Slack last received it (posted once, then updated in place). */
  const summary = () =>
    slack.fake.calls.filter((c) => c.method === 'chat.update' || (c.method === 'chat.postMessage' && c.args.channel === CHANNEL && !c.args.thread_ts)).at(-1)!.args as {
      channel: string;
      ts?: string;
      text: string;
      blocks: any[];
    };
  /** Every text of the summary's blocks, as Slack would show them. */
  const summaryTexts = (): string[] =>
    summary().blocks.flatMap((b: any) => [b.text?.text, ...(b.fields ?? []).map((f: any) => f.text), ...(b.elements ?? []).map((e: any) => e.text?.text ?? e.text)]).filter((t: unknown): t is string => typeof t === 'string');

  async function complete(token: string) {
    const raw = JSON.stringify({ token });
    const res = await slack.api('POST', '/api/completions', { token }, { 'x-signature': `sha256=${await hmacSha256Hex(TEST_API_TOKEN, raw)}`, authorization: '' });
    expect(res.status).toBe(200);
    return (await res.json()) as { invitationId: string; outcome: string; closedInvitation: boolean };
  }

  it('from /invite in Slack to a closed invitation with its final figures in the summary', async () => {
    const { db } = get();
    const [{ members }] = (await db.all<{ members: number }>(sql`SELECT count(*) AS members FROM members`)) as [{ members: number }];
    expect(members).toBe(5000);

    // 2. /invite in Slack, filled in step by step as a manager would.
    const command = await slack.command('/invite', 'Product feedback');
    expect(command.status).toBe(200);
    await slack.settle();
    let view = currentView(slack.fake).view;
    expect(view.blocks.find((b: any) => b.block_id === 'chat').element.initial_option.value).toBe('product-feedback');

    await slack.interact(blockAction(slack.fake, { action_id: 'locale', block_id: 'locale', selected: 'en-US' }, { locale: selected('en-US') }));
    await slack.settle();
    await slack.interact(blockAction(slack.fake, { action_id: 'target_type', block_id: 'target_type', selected: 'sample' }, { target_type: selected('sample') }));
    await slack.settle();
    view = currentView(slack.fake).view;
    expect(view.blocks.map((b: any) => b.block_id)).toEqual(expect.arrayContaining(['sample_size', 'sample_from', 'email_subject.en-US', 'status_channel']));

    const entered = {
      name: text('December feedback wave'),
      closes: dateTime(clock.now() + 3 * DAY),
      limit: text(String(LIMIT)),
      sample_size: text(String(SAMPLE)),
      sample_from: text('country = "CA" and plan = "pro"'),
      channel: selected('email'),
    };
    await slack.interact(blockAction(slack.fake, { action_id: 'invite.preview_audience', block_id: 'audience_actions' }, entered));
    await slack.settle();
    const preview = JSON.stringify(currentView(slack.fake).view);
    expect(preview).toContain(`*Audience: ${SAMPLE}* of `);
    expect(preview).toMatch(new RegExp(`Sample of ${SAMPLE} from an eligible pool of [\\d,]+`));

    const submitted = await slack.interact(viewSubmission(slack.fake, entered));
    expect(submitted.status).toBe(200);
    expect(await submitted.text()).toBe('');
    await slack.settle();

    const created = await db.all<{ id: string }>(sql`SELECT id FROM invitations WHERE created_by = ${`slack:${USER}`}`);
    expect(created).toHaveLength(1);
    const id = created[0]!.id;
    const scheduled = await getInvitation(db, id);
    expect(scheduled).toMatchObject({
      name: 'December feedback wave',
      chatId: 'product-feedback',
      locale: 'en-US',
      status: 'scheduled',
      responseLimit: LIMIT,
      channel: 'email',
      slackChannelId: CHANNEL,
      closesAt: Math.floor((NOW + 3 * DAY) / 1000) * 1000,
    });
    expect(scheduled.opensAt).toBeLessThanOrEqual(clock.now());
    expect(scheduled.target).toMatchObject({ type: 'sample', size: SAMPLE, from: { type: 'filter' } });
    expect(summary().channel).toBe(CHANNEL);
    expect(scheduled.slackMessageTs).toBe(slack.fake.callsTo('chat.postMessage')[0]!.response!.ts);
    expect(summaryTexts()).toContain('*Status*\nScheduled');
    expect(slack.fake.callsTo('chat.postEphemeral')[0]!.args).toMatchObject({ channel: CHANNEL, user: USER });

    // 3. The runner opens it and emails each member of the sample their personal link.
    clock.advance(MINUTE);
    const opened = await tick();
    expect(opened.opened).toEqual([id]);
    expect(opened.dispatch.sent).toBe(SAMPLE);
    const audience = await db.all<{ email: string; token: string; deliveryId: number }>(sql`
      SELECT m.email, p.token, d.id AS deliveryId FROM participations p JOIN members m ON m.id = p.member_id
        JOIN deliveries d ON d.invitation_seq = p.invitation_seq AND d.member_id = p.member_id AND d.step = 0
      WHERE p.invitation_seq = (SELECT seq FROM invitations WHERE id = ${id}) ORDER BY m.email`);
    expect(audience).toHaveLength(SAMPLE);
    expect(twilio.sent).toEqual([]);
    // One message per member of the audience, to each one's own address.
    expect(postmark.sent.map((e) => e.message.To).sort()).toEqual(audience.map((a) => a.email));
    for (const member of audience) {
      const [email] = postmark.sent.filter((e) => e.message.To === member.email);
      expect(email!.message.From).toContain(POSTMARK_FROM);
      expect(email!.message.TextBody).toContain(`${PUBLIC}/i/${member.token}`);
      expect(email!.message.HtmlBody).toContain(`${PUBLIC}/i/${member.token}`);
      expect(email!.message.Metadata?.delivery_id).toBe(String(member.deliveryId));
      // Nobody else's link is in it.
      for (const other of audience) if (other !== member) expect(email!.message.TextBody).not.toContain(other.token);
    }
    expect(threadReplies().map((r) => r.args.text)).toEqual([`Opened: sending to ${SAMPLE} members.`]);
    expect(summaryTexts()).toContain('*Status*\nOpen');

    // 4. A participant follows their link to the chat.
    clock.advance(MINUTE);
    const [first, second, third, late] = audience;
    const click = await slack.api('GET', `/i/${first!.token}`);
    expect(click.status).toBe(302);
    const location = new URL(click.headers.get('location')!);
    expect(`${location.origin}${location.pathname}`).toBe('https://chats.example.com/en/product-feedback');
    expect(location.searchParams.get('pid')).toBe(first!.token);
    expect((await invitationCounts(db, id)).clicked).toBe(1);

    // 5. Completions, signed by the chat platform, up to the response limit: the third closes it.
    clock.advance(MINUTE);
    expect(await complete(first!.token)).toMatchObject({ invitationId: id, outcome: 'counted', closedInvitation: false });
    expect(await complete(second!.token)).toMatchObject({ outcome: 'counted', closedInvitation: false });
    expect((await getInvitation(db, id)).status).toBe('open');
    clock.advance(MINUTE);
    expect(await complete(third!.token)).toMatchObject({ outcome: 'counted', closedInvitation: true });
    await slack.settle();
    expect(await getInvitation(db, id)).toMatchObject({ status: 'closed', closeReason: 'response_limit', completedCount: LIMIT });
    const closedPage = await slack.api('GET', `/i/${late!.token}`);
    expect(closedPage.status).toBe(410);
    expect(await closedPage.text()).toContain('Product feedback');

    // 6. Postmark reports one message delivered (basic auth, its own payload, our metadata echoed).
    clock.advance(MINUTE);
    const webhooks = testApp(db, clock, silentLogger, { webhooks: { postmark: WEBHOOK_AUTH } }).app;
    const delivered = await webhooks.request('/webhooks/postmark', {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Basic ${btoa(`${WEBHOOK_AUTH.user}:${WEBHOOK_AUTH.password}`)}` },
      body: JSON.stringify({
        ...deliveryFixture(),
        MessageStream: 'broadcast',
        Recipient: second!.email,
        DeliveredAt: new Date(clock.now()).toISOString(),
        Metadata: postmark.sent.find((e) => e.message.To === second!.email)!.message.Metadata,
      }),
    });
    expect(delivered.status).toBe(200);
    expect((await delivered.json()).outcome).toBe('applied');
    const [row] = await db.all<{ delivered_at: number | null }>(sql`SELECT delivered_at FROM participations WHERE token = ${second!.token}`);
    expect(row!.delivered_at).toBe(clock.now());

    // 7. The next tick refreshes the summary: its final figures, and the thread tells the story.
    clock.advance(MINUTE);
    const last = await tick();
    expect(last.opened).toEqual([]);
    expect(last.dispatch.sent).toBe(0);
    expect(last.summaries).toBe(1);
    expect(postmark.sent).toHaveLength(SAMPLE);

    const final = summary();
    expect(final.ts).toBe(scheduled.slackMessageTs);
    expect(final.text).toBe('December feedback wave: Closed (response limit reached)');
    const shown = summaryTexts();
    expect(shown).toContain('*Status*\nClosed (response limit reached)');
    expect(shown).toContain(
      `Targeted *${SAMPLE}* → sent *${SAMPLE}* → delivered *1* · failed *0* · bounced *0* · cancelled *0* → clicked *${LIMIT}* → completed *${LIMIT}*`,
    );
    expect(shown).toContain(`*Sending*\n• Invitation message — ${SAMPLE} messages: sent *${SAMPLE - 1}* · delivered *1* · failed *0* · bounced *0* · unconfirmed *0* · queued *0*`);
    expect(shown).toContain(`▓▓▓▓▓▓▓▓▓▓ 100% of the response limit (${LIMIT}/${LIMIT} completions)`);
    // Closed: no buttons left.
    expect(final.blocks.filter((b: any) => b.type === 'actions')).toEqual([]);
    expect(threadReplies().map((r) => r.args)).toEqual([
      expect.objectContaining({ channel: CHANNEL, thread_ts: scheduled.slackMessageTs, text: `Opened: sending to ${SAMPLE} members.` }),
      expect.objectContaining({ channel: CHANNEL, thread_ts: scheduled.slackMessageTs, text: 'Closed: the response limit was reached.' }),
    ]);
  });
});
