// Reminder steps in the /invite modal: added and removed by re-rendering like the condition rows,
// sent as the create input's `reminders`, their problems shown under their own fields.
import { sql } from 'drizzle-orm';
import { expect, it } from 'vitest';
import { getInvitation } from '../../src/core/invitations/service.js';
import { viewLimitProblems } from '../support/block-kit-limits.js';
import { member, seedMembers } from '../support/community.js';
import { describeEachDatabase } from '../support/databases.js';
import { blockAction, buttonPress, createSlackInvitation, currentView, dateTime, stateOf, TEAM, text, USER, useSlackHarness, viewSubmission } from '../support/slack.js';

const DAY = 86_400_000;

describeEachDatabase('reminder steps in the /invite modal', (get) => {
  const slack = useSlackHarness(get, {}, (slack, db) => seedMembers(db, [member('m1')], slack.clock.now()));

  const blockIds = () => (currentView(slack.fake).view.blocks as { block_id?: string }[]).flatMap((b) => (b.block_id ? [b.block_id] : []));
  const elementOf = (block: string) => currentView(slack.fake).view.blocks.find((b: any) => b.block_id === block)?.element;
  const click = async (action_id: string, block_id: string, value?: string) => {
    await slack.interact(blockAction(slack.fake, { action_id, block_id, value }));
    await slack.settle();
  };
  const required = () => ({ name: text('With reminders'), closes: dateTime(slack.clock.now() + 7 * DAY) });

  it('Add reminder adds a step (three at most), Remove takes one out; the invitation is created with the steps as entered', async () => {
    await slack.command('/invite', 'onboarding');
    await slack.settle();
    expect(blockIds()).toContain('reminder.add');
    expect(blockIds().filter((id) => id.startsWith('reminder.0'))).toEqual([]);

    await click('invite.add_reminder', 'reminder.add');
    expect(blockIds()).toEqual(expect.arrayContaining(['reminder.0.afterHours', 'reminder.0.maxCount', 'reminder.0.minGapHours', 'reminder.0.emailSubject', 'reminder.0.emailBody', 'reminder.0.smsBody', 'reminder.0.actions']));
    expect(elementOf('reminder.0.afterHours')).toMatchObject({ type: 'number_input', initial_value: '48' });
    expect(elementOf('reminder.0.minGapHours').initial_value).toBe('24');
    await click('invite.add_reminder', 'reminder.add');
    await click('invite.add_reminder', 'reminder.add');
    expect(blockIds()).toContain('reminder.2.afterHours');
    expect(blockIds()).not.toContain('reminder.add');
    expect(viewLimitProblems(currentView(slack.fake).view)).toEqual([]);

    await click('invite.remove_reminder', 'reminder.1.actions', '1');
    expect(JSON.parse(currentView(slack.fake).view.private_metadata).reminders).toEqual([0, 2]);
    expect(blockIds()).not.toContain('reminder.1.afterHours');
    expect(blockIds()).toContain('reminder.add');

    const res = await slack.interact(
      viewSubmission(slack.fake, {
        ...required(),
        'reminder.0.afterHours': text('72'),
        'reminder.0.maxCount': text('2'),
        'reminder.2.afterHours': text('120.5'),
        'reminder.2.minGapHours': text(null),
        'reminder.2.emailSubject': text('Last call'),
        'reminder.2.smsBody': text('Last call: {{link}}'),
      }),
    );
    expect(await res.text()).toBe('');
    await slack.settle();
    const [row] = await get().db.all<{ reminders: string }>(sql`SELECT reminders FROM invitations`);
    expect(JSON.parse(row!.reminders)).toEqual([
      { afterHours: 72, maxCount: 2, minGapHours: 24, emailSubject: null, emailBody: null, smsBody: null },
      { afterHours: 120.5, maxCount: 1, minGapHours: 24, emailSubject: 'Last call', emailBody: null, smsBody: 'Last call: {{link}}' },
    ]);
    // The summary lists the steps it will send.
    expect(JSON.stringify(slack.fake.callsTo('chat.postMessage')[0]!.args.blocks)).toContain('• Reminder 2: 120.5 h after the first message, up to 1×, ≥ 24 h apart');
  });

  it('a reminder’s problem shows under its own field, and nothing is created', async () => {
    await slack.command('/invite', 'onboarding');
    await slack.settle();
    await click('invite.add_reminder', 'reminder.add');
    await click('invite.add_reminder', 'reminder.add');
    await click('invite.remove_reminder', 'reminder.0.actions', '0');
    // The remaining step has id 1 but is the core's reminders.0: its problem lands on block reminder.1.*.
    const noLink = await slack.interact(viewSubmission(slack.fake, { ...required(), 'reminder.1.emailBody': text('Still time to join us') }));
    const body = await noLink.json();
    expect(body.response_action).toBe('errors');
    expect(body.errors).toEqual({ 'reminder.1.emailBody': 'must contain the {{link}} placeholder' });

    const tooSoon = await slack.interact(viewSubmission(slack.fake, { ...required(), 'reminder.1.afterHours': text('0.5') }));
    expect(Object.keys((await tooSoon.json()).errors)).toEqual(['reminder.1.afterHours']);
    expect(await get().db.all(sql`SELECT id FROM invitations`)).toEqual([]);
  });

  it('Edit shows the invitation’s steps; saving them unchanged changes nothing, and a removed step is removed', async () => {
    const invitation = await createSlackInvitation(get().db, slack, {
      name: 'Edited',
      reminders: [{ afterHours: 48, maxCount: 2, minGapHours: 12, emailBody: 'Reminder: {{link}}' }, { afterHours: 96, maxCount: 1, minGapHours: 24 }],
    });
    await buttonPress(slack, 'list.edit', invitation.id);
    await slack.settle();
    const { view, id, hash } = currentView(slack.fake);
    expect(JSON.parse(view.private_metadata).reminders).toEqual([0, 1]);
    expect(elementOf('reminder.0.afterHours').initial_value).toBe('48');
    expect(elementOf('reminder.0.minGapHours').initial_value).toBe('12');
    expect(elementOf('reminder.0.emailBody').initial_value).toBe('Reminder: {{link}}');
    expect(elementOf('reminder.1.maxCount').initial_value).toBe('1');

    const saved = await slack.interact({ type: 'view_submission', team: { id: TEAM }, user: { id: USER, team_id: TEAM }, view: { ...view, id, hash, state: { values: stateOf(view, { name: text('Renamed') }) } } });
    expect(await saved.text()).toBe('');
    await slack.settle();
    expect(slack.fake.callsTo('chat.postMessage').at(-1)!.args.text).toBe(`Edited by <@${USER}>: name: “Edited” → “Renamed”`);

    await buttonPress(slack, 'list.edit', invitation.id);
    await slack.settle();
    await click('invite.remove_reminder', 'reminder.1.actions', '1');
    // Slack keeps what the inputs held across the re-render; the harness is told.
    const kept = { name: text('Renamed'), closes: dateTime(invitation.closesAt), 'reminder.0.afterHours': text('48'), 'reminder.0.maxCount': text('2'), 'reminder.0.minGapHours': text('12'), 'reminder.0.emailBody': text('Reminder: {{link}}') };
    expect(await (await slack.interact(viewSubmission(slack.fake, kept))).text()).toBe('');
    await slack.settle();
    expect((await getInvitation(get().db, invitation.id)).reminders).toEqual([{ afterHours: 48, maxCount: 2, minGapHours: 12, emailSubject: null, emailBody: 'Reminder: {{link}}', smsBody: null }]);
  });
});
