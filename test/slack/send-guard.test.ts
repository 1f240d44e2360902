import { expect, it } from 'vitest';
import { getInvitation } from '../../src/core/invitations/service.js';
import { member, seedMembers } from '../support/community.js';
import { describeEachDatabase } from '../support/databases.js';
import { buttonPress, CHANNEL, currentView, dateTime, text, USER, useSlackHarness, viewSubmission } from '../support/slack.js';

describeEachDatabase('the send guard (LARGE_AUDIENCE)', (get) => {
  const slack = useSlackHarness(get, { settings: { largeAudience: 2, managers: [USER, 'U0SECOND'] } });

  async function submit() {
    await slack.command('/invite', 'onboarding');
    await slack.settle();
    const entered = { name: text('Big wave'), closes: dateTime(slack.clock.now() + 86_400_000) };
    return { first: await slack.interact(viewSubmission(slack.fake, entered)), entered };
  }

  const press = (actionId: string, value: string, user: string) => buttonPress(slack, actionId, value, user);

  it('at or under the threshold, nothing more is asked', async () => {
    await seedMembers(get().db, [member('m1'), member('m2')], slack.clock.now());
    const { first } = await submit();
    expect(await first.text()).toBe('');
  });

  it('above it: states the exact count, then needs a second manager (not the creator) to approve', async () => {
    await seedMembers(get().db, [member('m1'), member('m2'), member('m3'), member('m4', { subscribed: false })], slack.clock.now());
    const { first, entered } = await submit();
    const update = await first.json();
    expect(update.response_action).toBe('update');
    const question = JSON.stringify(update.view);
    expect(question).toContain('exactly *3* members');
    expect(update.view.submit.text).toBe('Confirm and schedule');
    expect(JSON.parse(update.view.private_metadata).confirmed).toBe(3);

    // Slack now shows the updated view; submitting it again confirms.
    slack.fake.calls.push({ method: 'views.update', token: 'x', args: { view: update.view }, at: Date.now(), response: { ok: true, view: { ...update.view, id: currentView(slack.fake).id, hash: 'h2' } } });
    const second = await slack.interact(viewSubmission(slack.fake, entered));
    expect(await second.text()).toBe('');
    await slack.settle();
    const id = String(JSON.stringify(slack.fake.callsTo('chat.postMessage')[0]!.args.blocks).match(/inv_[0-9a-z]+/)![0]);
    let inv = await getInvitation(get().db, id);
    expect(inv).toMatchObject({ status: 'scheduled', approvalRequired: true, approvedBy: null });
    expect(JSON.stringify(slack.fake.callsTo('chat.postMessage')[0]!.args.blocks)).toContain('summary.approve');
    expect(String(slack.fake.callsTo('chat.postEphemeral')[0]!.args.text)).toContain('A second manager must approve it');

    await press('summary.approve', id, USER);
    await slack.settle();
    expect(String(slack.fake.callsTo('response_url').at(-1)!.args.text)).toContain('not the one who created it');
    await press('summary.approve', id, 'U0OUTSIDER');
    await slack.settle();
    expect(String(slack.fake.callsTo('response_url').at(-1)!.args.text)).toContain('Only the invitation managers');
    expect((await getInvitation(get().db, id)).approvedBy).toBeNull();

    await press('summary.approve', id, 'U0SECOND');
    await slack.settle();
    inv = await getInvitation(get().db, id);
    expect(inv).toMatchObject({ approvedBy: 'slack:U0SECOND', version: 2 });
    const updated = slack.fake.callsTo('chat.update').at(-1)!;
    expect(updated.args).toMatchObject({ channel: CHANNEL, ts: inv.slackMessageTs });
    expect(JSON.stringify(updated.args.blocks)).toContain('approved by <@U0SECOND>');
    expect(JSON.stringify(updated.args.blocks)).not.toContain('summary.approve');
    expect(slack.fake.callsTo('chat.postMessage').at(-1)!.args).toMatchObject({ thread_ts: inv.slackMessageTs, text: 'Approved by <@U0SECOND>: it opens on time.' });
  });
});
