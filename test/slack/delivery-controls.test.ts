// Sending as Slack shows and steers it: the runner's changes replied in the summary's thread (the
// failure guard's pause as a broadcast alert with buttons), the summary's figures per delivery step,
// and Pause / Resume / Remind now / Retry failed pressed by managers.
import { sql } from 'drizzle-orm';
import { expect, it } from 'vitest';
import type { DeliverySettings } from '../../src/core/delivery/deps.js';
import type { Providers } from '../../src/core/delivery/providers.js';
import { getInvitation } from '../../src/core/invitations/service.js';
import type { InvitationCreateInput } from '../../src/core/invitations/input.js';
import { runTick } from '../../src/jobs/tick.js';
import { outboxProviders } from '../../src/providers/outbox.js';
import { messageLimitProblems, viewLimitProblems } from '../support/block-kit-limits.js';
import { member, seedMembers } from '../support/community.js';
import { describeEachDatabase } from '../support/databases.js';
import { runnerDeps } from '../support/runner.js';
import { buttonPress, CHANNEL, createSlackInvitation, USER, useSlackHarness } from '../support/slack.js';

const HOUR = 3_600_000;
const DAY = 24 * HOUR;

describeEachDatabase('sending, as the status summary shows and steers it', (get) => {
  const slack = useSlackHarness(get, { settings: { managers: [USER] } }, (slack, db) =>
    seedMembers(db, ['m1', 'm2', 'm3', 'm4'].map((id) => member(id)), slack.clock.now()),
  );

  const invite = (extra: Partial<InvitationCreateInput> = {}) =>
    createSlackInvitation(get().db, slack, { name: 'December wave', reminders: [{ afterHours: 48, maxCount: 2, minGapHours: 24 }], ...extra });

  /** One runner tick, its Slack follow-ups included. Messages go to the local outbox unless `providers` says otherwise. */
  async function tick(opts: { providers?: Providers; delivery?: Partial<DeliverySettings> } = {}) {
    const runner = runnerDeps(get().db, slack.clock, opts.providers ?? outboxProviders(get().db, slack.clock), { changes: slack.changes, delivery: opts.delivery });
    const report = await runTick(runner);
    await runner.settle();
    await slack.settle();
    return report;
  }

  const press = async (action: string, id: string, user = USER) => {
    await buttonPress(slack, action, id, user);
    await slack.settle();
  };
  // Form-encoded by the Web API client, so booleans arrive as text.
  const broadcast = (reply: Record<string, unknown>) => String(reply.reply_broadcast) === 'true';
  const threadReplies = () => slack.fake.callsTo('chat.postMessage').filter((c) => c.args.thread_ts).map((c) => c.args);
  const told = () => slack.fake.callsTo('response_url').at(-1)!.args as { response_type: string; text: string };
  /** The summary as Slack last received it (posted once, then updated in place). */
  const summary = () => slack.fake.calls.filter((c) => c.method === 'chat.update' || (c.method === 'chat.postMessage' && !c.args.thread_ts)).at(-1)!.args as { ts?: string; blocks: any[] };
  const summaryText = () => JSON.stringify(summary().blocks);
  const buttonsOf = (blocks: any[]) => blocks.filter((b) => b.type === 'actions').flatMap((b) => b.elements.map((e: any) => e.action_id));
  const deliveries = (step: number, state: string) =>
    get().db.all<{ n: number }>(sql`SELECT count(*) AS n FROM deliveries WHERE step = ${step} AND state = ${state}`).then(([row]) => row!.n);

  it('the runner’s open is replied in the thread; the summary shows each step’s figures, the completions against the limit, Pause and Remind now', async () => {
    const inv = await invite({ responseLimit: 10 });
    expect((await tick()).opened).toEqual([inv.id]);
    expect(threadReplies().map((r) => r.text)).toEqual(['Opened: sending to 4 members.']);
    const shown = summaryText();
    expect(shown).toContain('• Invitation message — 4 messages: sent *4* · delivered *0* · failed *0* · bounced *0* · unconfirmed *0* · queued *0*');
    expect(shown).toContain('• Reminder 1: 48 h after the first message, up to 2×, ≥ 24 h apart — none sent yet');
    expect(shown).toContain('of the response limit (0/10 completions)');
    expect(buttonsOf(summary().blocks)).toEqual(['summary.pause', 'summary.remind', 'summary.extend', 'summary.close']);
    const remind = summary().blocks.flatMap((b: any) => b.elements ?? []).find((e: any) => e.action_id === 'summary.remind');
    expect(remind.confirm.title.text).toBe('Send a reminder now?');
    expect(messageLimitProblems(summary())).toEqual([]);

    // Three days on, a message never confirmed by the provider counts as unconfirmed.
    slack.clock.advance(3 * DAY);
    await press('summary.pause', inv.id);
    expect(summaryText()).toContain('4 messages: sent *0* · delivered *0* · failed *0* · bounced *0* · unconfirmed *4*');
  });

  it('Pause and Resume: the core changes the invitation, the summary shows who paused it and the other button, the thread says so', async () => {
    const inv = await invite();
    await tick();
    const ts = (await getInvitation(get().db, inv.id)).slackMessageTs;

    await press('summary.pause', inv.id);
    expect(await getInvitation(get().db, inv.id)).toMatchObject({ pausedBy: `slack:${USER}`, pauseReason: 'manual', pausedAt: slack.clock.now() });
    const update = slack.fake.callsTo('chat.update').at(-1)!.args as { ts: string; blocks: any[] };
    expect(update.ts).toBe(ts);
    expect(JSON.stringify(update.blocks)).toContain(`*Paused* by <@${USER}> on <!date^`);
    expect(JSON.stringify(update.blocks)).toContain('*Status*\\nOpen, paused');
    expect(buttonsOf(update.blocks)).toEqual(['summary.resume', 'summary.extend', 'summary.close']);
    expect(threadReplies().at(-1)).toMatchObject({ thread_ts: ts, text: `Paused by <@${USER}>: nothing more is sent until it is resumed.` });
    expect(broadcast(threadReplies().at(-1)!)).toBe(false);
    expect(told()).toMatchObject({ response_type: 'ephemeral', text: 'Paused *December wave*: nothing more is sent until it is resumed.' });

    // A tick while paused sends nothing (the reminder is not due anyway): nothing to say.
    await tick();

    await press('summary.resume', inv.id);
    expect((await getInvitation(get().db, inv.id)).pausedAt).toBeNull();
    expect(buttonsOf(summary().blocks)).toEqual(['summary.pause', 'summary.remind', 'summary.extend', 'summary.close']);
    expect(threadReplies().at(-1)!.text).toBe(`Resumed by <@${USER}>: sending continues.`);
  });

  it('what the core refuses (pausing twice, reminding while paused, resuming what runs) is told to the user alone; the summary is left as it is', async () => {
    const inv = await invite();
    await tick();
    await press('summary.resume', inv.id);
    expect(told()).toMatchObject({ response_type: 'ephemeral', text: `invitation ${inv.id} is not paused` });
    await press('summary.pause', inv.id);
    const updates = slack.fake.callsTo('chat.update').length;
    const replies = threadReplies().length;
    await press('summary.pause', inv.id);
    expect(told()).toMatchObject({ response_type: 'ephemeral', text: `invitation ${inv.id} is already paused` });
    await press('summary.remind', inv.id);
    expect(told().text).toBe(`invitation ${inv.id} is paused: resume it first`);
    expect(slack.fake.callsTo('chat.update')).toHaveLength(updates);
    expect(threadReplies()).toHaveLength(replies);
  });

  it('only managers may press them', async () => {
    const inv = await invite();
    await tick();
    const updates = slack.fake.callsTo('chat.update').length;
    await press('summary.pause', inv.id, 'U0STRANGER');
    expect(told()).toMatchObject({ response_type: 'ephemeral', text: 'Only the invitation managers of this workspace can pause invitations.' });
    await press('summary.remind', inv.id, 'U0STRANGER');
    expect(told().text).toBe('Only the invitation managers of this workspace can send reminders.');
    expect((await getInvitation(get().db, inv.id)).pausedAt).toBeNull();
    expect(slack.fake.callsTo('chat.update')).toHaveLength(updates);
  });

  it('Remind now queues the first reminder for whoever has not completed; the thread and the reminder’s line say how many', async () => {
    const inv = await invite();
    await tick();
    await get().db.run(sql`UPDATE participations SET completed_at = ${slack.clock.now()} WHERE member_id = (SELECT id FROM members WHERE external_id = 'm1')`);
    // Right after their message nobody is reminded (never two messages within the step's gap).
    await press('summary.remind', inv.id);
    expect(threadReplies().at(-1)!.text).toBe(`Remind now by <@${USER}>: nobody to remind (everyone completed or got a message recently).`);

    slack.clock.advance(25 * HOUR);
    await press('summary.remind', inv.id);
    expect(await deliveries(1, 'queued')).toBe(3);
    expect(threadReplies().at(-1)!.text).toBe(`Reminder queued by <@${USER}> for 3 members who have not completed.`);
    expect(told().text).toBe('Reminder queued for 3 members of *December wave*.');
    expect(summaryText()).toContain('• Reminder 1: 48 h after the first message, up to 2×, ≥ 24 h apart — 3 messages: sent *0* · delivered *0* · failed *0* · bounced *0* · unconfirmed *0* · queued *3*');
  });

  it('the failure guard’s pause is broadcast with Resume and Retry failed; Retry failed queues the passing failures again', async () => {
    const inv = await invite();
    const outage = outboxProviders(get().db, slack.clock);
    outage.email = { ...outage.email, sendBatch: async (messages) => messages.map(() => ({ status: 'failed', permanent: false, code: '503', reason: 'provider outage' }) as const) };
    await tick({ providers: outage, delivery: { maxAttempts: 1, failurePause: { ratio: 0.5, window: 10, minAttempts: 2 } } });
    const stored = await getInvitation(get().db, inv.id);
    expect(stored).toMatchObject({ pauseReason: 'failure_rate', pausedBy: 'runner' });

    const alert = threadReplies().find(broadcast)!;
    expect(alert).toMatchObject({ channel: CHANNEL, thread_ts: stored.slackMessageTs, text: ':warning: Sending paused automatically: 4 of the last 4 attempts failed. Resume once the cause is fixed, or retry the failed messages.' });
    expect(buttonsOf(alert.blocks as any[])).toEqual(['summary.resume', 'summary.retry']);
    expect(threadReplies().filter(broadcast)).toHaveLength(1);

    expect(summaryText()).toContain(':warning: *Paused automatically*: 4 failed of the last 4 attempts. Nothing more is sent until a manager resumes it.');
    expect(summaryText()).toContain('failed *4* (4 retryable)');
    expect(buttonsOf(summary().blocks)).toEqual(['summary.resume', 'summary.retry', 'summary.extend', 'summary.close']);

    // Pressed on the alert: the same action, the same listener.
    await press('summary.retry', inv.id);
    expect(await deliveries(0, 'queued')).toBe(4);
    expect(threadReplies().at(-1)!.text).toBe(`Failed messages retried by <@${USER}>: 4 queued again.`);
    expect(summaryText()).toContain('4 messages: sent *0* · delivered *0* · failed *0* · bounced *0* · unconfirmed *0* · queued *4*');
    // Still paused, and nothing left to retry.
    expect(buttonsOf(summary().blocks)).toEqual(['summary.resume', 'summary.extend', 'summary.close']);
  });

  it('the runner’s closes say why', async () => {
    const onTime = await invite({ name: 'On time' });
    // Another chat, no cooldown: the same members are invited to both.
    const atLimit = await invite({ name: 'At the limit', chatId: 'feedback', locale: 'en-US', cooldownDays: 0, responseLimit: 1 });
    await tick();
    await get().db.run(sql`UPDATE invitations SET completed_count = 1 WHERE id = ${atLimit.id}`);
    await tick();
    const repliesTo = async (id: string) => {
      const ts = (await getInvitation(get().db, id)).slackMessageTs;
      return threadReplies().filter((r) => r.thread_ts === ts).map((r) => r.text);
    };
    expect(await repliesTo(atLimit.id)).toEqual(['Opened: sending to 4 members.', 'Closed: the response limit was reached.']);
    slack.clock.advance(8 * DAY);
    await tick();
    expect(await repliesTo(onTime.id)).toEqual(['Opened: sending to 4 members.', 'Closed: the close time passed.']);
  });

  it('a live audience that grew past the large-audience limit waits for a second manager: the thread says so, with Approve', async () => {
    const inv = await invite();
    expect((await tick({ delivery: { largeAudience: 3 } })).opened).toEqual([]);
    const stored = await getInvitation(get().db, inv.id);
    expect(stored).toMatchObject({ status: 'scheduled', approvalRequired: true });
    const [held] = threadReplies();
    expect(held).toMatchObject({ thread_ts: stored.slackMessageTs, text: 'Not opened: its audience grew to 4 members, more than this workspace allows one manager to send to. A second manager must approve it before it opens.' });
    expect(buttonsOf(held!.blocks as any[])).toEqual(['summary.approve']);
    expect(broadcast(held!)).toBe(false);
    expect(buttonsOf(summary().blocks)).toEqual(['summary.approve', 'summary.extend', 'summary.close']);
  });

  it('the same controls used through the API follow in Slack: the summary is updated and the thread told', async () => {
    const inv = await invite();
    await tick();
    expect((await slack.api('POST', `/api/invitations/${inv.id}/pause`, undefined, { 'x-actor': 'ops' })).status).toBe(200);
    await slack.settle();
    expect(threadReplies().at(-1)!.text).toBe('Paused by api:ops: nothing more is sent until it is resumed.');
    expect(buttonsOf(summary().blocks)).toEqual(['summary.resume', 'summary.extend', 'summary.close']);
    expect((await slack.api('POST', `/api/invitations/${inv.id}/resume`, undefined, { 'x-actor': 'ops' })).status).toBe(200);
    await slack.settle();
    // The API tells no count (yet): the reply does without.
    expect((await slack.api('POST', `/api/invitations/${inv.id}/remind`, undefined, { 'x-actor': 'ops' })).status).toBe(200);
    await slack.settle();
    expect(threadReplies().slice(-2).map((r) => r.text)).toEqual(['Resumed by api:ops: sending continues.', expect.stringMatching(/^(Reminder queued|Remind now) by api:ops/)]);
  });

  it('the list and the View modal show the reminder steps, each step’s figures and the pause', async () => {
    const inv = await invite({ reminders: [{ afterHours: 48, maxCount: 2, minGapHours: 24 }, { afterHours: 96.5, maxCount: 1, minGapHours: 24, smsBody: 'Last call {{link}}' }] });
    await tick();
    await press('summary.pause', inv.id);

    await slack.command('/invitations', '');
    await slack.settle();
    const row = (slack.fake.callsTo('response_url').at(-1)!.args.blocks as any[])[1].text.text as string;
    expect(row.split('\n').slice(3)).toEqual([
      `:double_vertical_bar: *Paused* by <@${USER}> on ${row.match(/<!date\^\d+\^[^>]+>/g)!.at(-1)}. Nothing more is sent until a manager resumes it.`,
      '• Invitation message — 4 messages: sent *4* · delivered *0* · failed *0* · bounced *0* · unconfirmed *0* · queued *0*',
      '• Reminder 1: 48 h after the first message, up to 2×, ≥ 24 h apart — none sent yet',
      '• Reminder 2: 96.5 h after the first message, up to 1×, ≥ 24 h apart — none sent yet',
    ]);
    expect(row).toContain('Open, paused');

    await press('list.view', inv.id);
    const view = slack.fake.callsTo('views.open').at(-1)!.args.view as any;
    const shown = JSON.stringify(view);
    expect(shown).toContain(`*Paused* by <@${USER}>`);
    expect(shown).toContain('*Sending*\\n• Invitation message — 4 messages: sent *4*');
    expect(shown).toContain('• Reminder 2: 96.5 h after the first message, up to 1×, ≥ 24 h apart');
    expect(viewLimitProblems(view)).toEqual([]);
  });
});
