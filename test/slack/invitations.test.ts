import { expect, it } from 'vitest';
import type { InvitationCreateInput } from '../../src/core/invitations/input.js';
import { getInvitation } from '../../src/core/invitations/service.js';
import { member, seedMembers } from '../support/community.js';
import { describeEachDatabase } from '../support/databases.js';
import { buttonPress, CHANNEL, createSlackInvitation, currentView, stateOf, text, TEAM, USER, useSlackHarness } from '../support/slack.js';

const DAY = 86_400_000;

describeEachDatabase('/invitations and closing from Slack', (get) => {
  const slack = useSlackHarness(get, { settings: { managers: [USER, 'S0LEADS'] } }, async (slack, db) => {
    slack.fake.userGroups.set('S0LEADS', ['U0LEAD2']);
    await seedMembers(db, [member('m1')], slack.clock.now());
  });

  async function invite(name: string, chatId: string, locale: string, extra: Partial<InvitationCreateInput> = {}) {
    slack.clock.advance(1000);
    return createSlackInvitation(get().db, slack, { chatId, name, locale, ...extra });
  }

  const listed = () => slack.fake.callsTo('response_url').at(-1)!.args as { blocks: any[]; text: string; response_type: string };
  const sectionTexts = (blocks: any[]) => blocks.filter((b) => b.type === 'section').map((b) => b.text.text as string);

  it('lists invitations newest first with their Locale, window and counts, privately', async () => {
    await invite('First wave', 'onboarding', 'en-US');
    await invite('Vague de rétroaction', 'feedback', 'fr-CA', { responseLimit: 20 });
    const res = await slack.command('/invitations', '');
    expect(res.status).toBe(200);
    await slack.settle();
    const list = listed();
    expect(list.response_type).toBe('ephemeral');
    const rows = sectionTexts(list.blocks);
    expect(rows).toHaveLength(2);
    expect(rows[0]).toContain('*Vague de rétroaction* · Product feedback · Locale *fr-CA* · Scheduled');
    expect(rows[0]).toContain('limit 20');
    expect(rows[0]).toContain('<!date^');
    expect(rows[1]).toContain('*First wave* · Onboarding · Locale *en-US*');
  });

  it('filters by status, locale and chat in any order, and says when a chat is unknown', async () => {
    await invite('A', 'onboarding', 'en-US');
    await invite('B', 'feedback', 'fr-CA');
    await invite('C', 'feedback', 'en-US');
    await slack.command('/invitations', 'fr-CA scheduled');
    await slack.settle();
    expect(sectionTexts(listed().blocks).map((t) => t.split(' · ')[0])).toEqual(['*B*']);
    await slack.command('/invitations', 'product feedback');
    await slack.settle();
    expect(sectionTexts(listed().blocks).map((t) => t.split(' · ')[0])).toEqual(['*C*', '*B*']);
    await slack.command('/invitations', 'closed');
    await slack.settle();
    expect(listed().text).toContain('none');
    await slack.command('/invitations', 'nosuchchat');
    await slack.settle();
    expect(listed().text).toContain('No chat is called “nosuchchat”');
  });

  it('pages with a Next page button that keeps the filters', async () => {
    for (let i = 1; i <= 12; i++) await invite(`Wave ${i}`, 'onboarding', 'en-US');
    await slack.command('/invitations', 'onboarding');
    await slack.settle();
    const first = listed();
    expect(sectionTexts(first.blocks)).toHaveLength(10);
    const next = first.blocks.find((b) => b.block_id === 'list.pages').elements[0];
    await slack.interact({
      type: 'block_actions',
      team: { id: TEAM },
      user: { id: USER, team_id: TEAM },
      response_url: slack.fake.responseUrl,
      trigger_id: '1.2.3',
      actions: [{ action_id: next.action_id, block_id: 'list.pages', type: 'button', value: next.value }],
    });
    await slack.settle();
    const second = listed() as any;
    expect(second.replace_original).toBe(true);
    expect(sectionTexts(second.blocks).map((t: string) => t.split(' · ')[0])).toEqual(['*Wave 2*', '*Wave 1*']);
  });

  const press = (actionId: string, value: string, user = USER) => buttonPress(slack, actionId, value, user);

  it('a button naming an invitation that is gone says so', async () => {
    await press('list.view', 'inv_doesnotexist00000');
    await slack.settle();
    expect(slack.fake.callsTo('views.open')).toEqual([]);
    expect(slack.fake.callsTo('response_url').at(-1)!.args.text).toBe('That invitation no longer exists.');
  });

  it('View opens a modal with the status, steps and figures', async () => {
    const inv = await invite('Viewed', 'onboarding', 'en-US', { description: 'For the <team>' });
    await press('list.view', inv.id);
    await slack.settle();
    const view = slack.fake.callsTo('views.open')[0]!.args.view as any;
    const shown = JSON.stringify(view);
    expect(view.title.text).toBe('Invitation');
    expect(shown).toContain('Scheduled');
    expect(shown).toContain('Completion rate');
    expect(shown).toContain('For the &lt;team&gt;');
  });

  it('Close (from the list or the summary) closes, updates the summary in place and notes it in its thread', async () => {
    const inv = await invite('To close', 'onboarding', 'en-US');
    await press('summary.close', inv.id);
    await slack.settle();
    // No summary yet: closing posts it, with the reply in its thread.
    let closed = await getInvitation(get().db, inv.id);
    expect(closed).toMatchObject({ status: 'closed', closeReason: 'manual', closedBy: `slack:${USER}` });
    const post = slack.fake.callsTo('chat.postMessage');
    expect(post[0]!.args.channel).toBe(CHANNEL);
    expect(JSON.stringify(post[0]!.args.blocks)).toContain(`Closed (closed by <@${USER}>)`);
    expect(post[1]!.args).toMatchObject({ thread_ts: closed.slackMessageTs, text: `Closed by <@${USER}>.` });
    expect(String(slack.fake.callsTo('response_url').at(-1)!.args.text)).toContain('Closed *To close*');

    // Closing again is refused politely; the summary is not touched.
    await press('list.close', inv.id);
    await slack.settle();
    expect(String(slack.fake.callsTo('response_url').at(-1)!.args.text)).toContain('already closed');
    closed = await getInvitation(get().db, inv.id);
    expect(closed.version).toBe(2);
  });

  it('Extend moves the close time from a small modal, updates the summary and says before → after in its thread', async () => {
    const inv = await invite('To extend', 'onboarding', 'en-US');
    await press('summary.extend', inv.id);
    await slack.settle();
    const opened = slack.fake.callsTo('views.open').at(-1)!;
    const view = opened.args.view as any;
    expect(view.callback_id).toBe('extend_modal');
    expect(view.blocks[1].element.initial_date_time).toBe(Math.floor(inv.closesAt / 1000));
    const submit = (closesMs: number, metadata = view.private_metadata) =>
      slack.interact({
        type: 'view_submission',
        team: { id: TEAM },
        user: { id: USER, team_id: TEAM },
        view: { ...view, id: (opened.response!.view as any).id, private_metadata: metadata, state: { values: { closes: { closes: { type: 'datetimepicker', selected_date_time: Math.floor(closesMs / 1000) } } } } },
      });
    const tooEarly = await submit(slack.clock.now() - DAY);
    expect((await tooEarly.json()).errors.closes).toMatch(/after/);
    const later = Math.floor(inv.closesAt / 1000) * 1000 + 3 * DAY; // the picker has whole seconds
    expect(await (await submit(later)).text()).toBe('');
    await slack.settle();
    const extended = await getInvitation(get().db, inv.id);
    expect(extended).toMatchObject({ closesAt: later, version: 2 });
    expect(slack.fake.callsTo('chat.postMessage').at(-1)!.args.text).toMatch(/^Close time moved by <@U0MANAGER1>: <!date\^\d+.* → <!date\^\d+/);
    // The modal's version is now stale: a second save is refused, nothing is overwritten.
    const stale = await submit(later + DAY);
    expect((await stale.json()).errors.closes).toContain('changed by someone else');
    expect((await getInvitation(get().db, inv.id)).closesAt).toBe(later);
  });

  it('Edit opens the form with the invitation’s values; saving applies the changes with the version it read and notes them in the thread', async () => {
    const inv = await invite('Before', 'feedback', 'fr-CA', { responseLimit: 20, target: { type: 'filter', expression: 'country = "CA"' } });
    await press('list.edit', inv.id);
    await slack.settle();
    const { view, id, hash } = currentView(slack.fake);
    expect(view.title.text).toBe('Edit invitation');
    expect(view.submit.text).toBe('Save changes');
    const initialOf = (block: string) => view.blocks.find((b: any) => b.block_id === block)?.element;
    expect(initialOf('name').initial_value).toBe('Before');
    expect(initialOf('limit').initial_value).toBe('20');
    expect(initialOf('filter_expression').initial_value).toBe('country = "CA"');
    expect(initialOf('sms_body.fr-CA').initial_value).toBe('Donnez votre avis {{link}}');
    expect(JSON.parse(view.private_metadata)).toMatchObject({ chat: 'feedback', locale: 'fr-CA', target: 'filter', editing: { id: inv.id, version: 1 } });

    const save = (entered: Record<string, Record<string, unknown>>) =>
      slack.interact({ type: 'view_submission', team: { id: TEAM }, user: { id: USER, team_id: TEAM }, view: { ...view, id, hash, state: { values: stateOf(view, entered) } } });
    expect(await (await save({ name: text('After'), limit: text('30') })).text()).toBe('');
    await slack.settle();
    const edited = await getInvitation(get().db, inv.id);
    expect(edited).toMatchObject({ name: 'After', responseLimit: 30, version: 2, opensAt: inv.opensAt });
    const thread = slack.fake.callsTo('chat.postMessage').at(-1)!.args;
    expect(thread.text).toBe(`Edited by <@${USER}>: name: “Before” → “After”; responseLimit: “20” → “30”`);

    // The same modal again: its version is stale now, and nothing is overwritten.
    const stale = await (await save({ name: text('Lost update') })).json();
    expect(stale.errors.name).toContain('changed by someone else');
    expect((await getInvitation(get().db, inv.id)).name).toBe('After');
  });

  it('Edit keeps what its inputs cannot hold (a filter and an email body over 3,000 characters, set through the API) and the zone the times were given in', async () => {
    const expression = `country in (${Array.from({ length: 400 }, (_, i) => `"C${String(i).padStart(4, '0')}"`).join(', ')})`;
    const emailBody = `Hello {{first_name}}, ${'we would love to hear from you. '.repeat(100)}{{link}}`;
    expect(expression.length).toBeGreaterThan(3000);
    expect(emailBody.length).toBeGreaterThan(3000);
    const inv = await invite('Long texts', 'onboarding', 'en-US', { timeZone: 'Europe/Paris', target: { type: 'filter', expression }, message: { channel: 'email', emailSubject: 'Your view', emailBody } });
    await press('list.edit', inv.id);
    await slack.settle();
    const { view, id, hash } = currentView(slack.fake);
    const elementOf = (block: string) => view.blocks.find((b: any) => b.block_id === block)?.element;
    for (const [block, length] of [['filter_expression', expression.length], ['email_body.en-US', emailBody.length]] as const) {
      expect(elementOf(block).initial_value).toBeUndefined();
      expect(elementOf(block).placeholder.text).toContain(`Kept as it is: ${length.toLocaleString('en-US')} characters`);
    }
    expect(elementOf('email_subject.en-US').initial_value).toBe('Your view');

    const save = (entered: Record<string, Record<string, unknown>>) =>
      slack.interact({ type: 'view_submission', team: { id: TEAM }, user: { id: USER, team_id: TEAM }, view: { ...view, id, hash, state: { values: stateOf(view, entered) } } });
    expect(await (await save({ name: text('Long texts, renamed') })).text()).toBe('');
    await slack.settle();
    const renamed = await getInvitation(get().db, inv.id);
    expect(renamed).toMatchObject({ name: 'Long texts, renamed', version: 2, timeZone: 'Europe/Paris', emailBody, target: { type: 'filter', expression } });
    expect(slack.fake.callsTo('chat.postMessage').at(-1)!.args.text).toBe(`Edited by <@${USER}>: name: “Long texts” → “Long texts, renamed”`);

    // Typing into the field replaces the long text.
    await press('list.edit', inv.id);
    await slack.settle();
    const again = currentView(slack.fake);
    const replace = await slack.interact({ type: 'view_submission', team: { id: TEAM }, user: { id: USER, team_id: TEAM }, view: { ...again.view, id: again.id, hash: again.hash, state: { values: stateOf(again.view, { filter_expression: text('country = "CA"') }) } } });
    expect(await replace.text()).toBe('');
    await slack.settle();
    expect((await getInvitation(get().db, inv.id)).target).toMatchObject({ type: 'filter', expression: 'country = "CA"' });
  });

  it('changes made through the API follow in Slack: the summary is posted, updated, and each change replied in its thread', async () => {
    const created = await slack.api('POST', '/api/invitations', { chatId: 'onboarding', name: 'From the API', closesAt: new Date(slack.clock.now() + 7 * DAY).toISOString(), target: { type: 'all' }, message: { channel: 'email' }, slackChannelId: CHANNEL }, { 'x-actor': 'ops' });
    expect(created.status).toBe(201);
    const { invitation } = (await created.json()) as { invitation: { id: string; version: number } };
    await slack.settle();
    const posted = slack.fake.callsTo('chat.postMessage')[0]!;
    expect(posted.args.channel).toBe(CHANNEL);
    const ts = posted.response!.ts;

    expect((await slack.api('PATCH', `/api/invitations/${invitation.id}`, { version: 1, name: 'Renamed', responseLimit: 10 }, { 'x-actor': 'ops' })).status).toBe(200);
    await slack.settle();
    expect(slack.fake.callsTo('chat.update').at(-1)!.args).toMatchObject({ channel: CHANNEL, ts });
    expect(slack.fake.callsTo('chat.postMessage').at(-1)!.args).toMatchObject({ thread_ts: ts, text: 'Edited by api:ops: name: “From the API” → “Renamed”; responseLimit: — → “10”' });

    expect((await slack.api('POST', `/api/invitations/${invitation.id}/close`, undefined, { 'x-actor': 'ops' })).status).toBe(200);
    await slack.settle();
    expect(slack.fake.callsTo('chat.postMessage').at(-1)!.args).toMatchObject({ thread_ts: ts, text: 'Closed by api:ops.' });
    expect(JSON.stringify(slack.fake.callsTo('chat.update').at(-1)!.args.blocks)).toContain('Closed (closed by api:ops)');
  });

  it('a burst of API changes costs two summary updates, not one per change; the thread still gets each change', async () => {
    const inv = await invite('Burst', 'onboarding', 'en-US');
    expect((await slack.api('PATCH', `/api/invitations/${inv.id}`, { version: 1, name: 'Burst 1' })).status).toBe(200);
    await slack.settle(); // the summary is posted
    slack.fake.reset();
    slack.fake.delay('chat.update', 1000); // a slow Slack: the burst lands while the first update is in flight
    for (let version = 2; version <= 6; version++) {
      expect((await slack.api('PATCH', `/api/invitations/${inv.id}`, { version, name: `Burst ${version}` })).status).toBe(200);
    }
    await slack.settle();
    const updates = slack.fake.callsTo('chat.update');
    expect(updates).toHaveLength(2);
    expect(JSON.stringify(updates[1]!.args.blocks)).toContain('Burst 6');
    expect(slack.fake.callsTo('chat.postMessage').filter((c) => c.args.thread_ts)).toHaveLength(5);
  });

  it('the Home tab lists the newest invitations when opened; a retried event (same event_id) is handled once', async () => {
    await invite('Shown at home', 'onboarding', 'en-US');
    const event = JSON.stringify({
      token: 'x', team_id: TEAM, api_app_id: 'A0APP', type: 'event_callback', event_id: 'Ev0HOME1', event_time: 1, authed_users: [USER],
      event: { type: 'app_home_opened', user: USER, channel: 'D0HOME', tab: 'home', event_ts: '1.1' },
    });
    expect((await slack.post(event, 'application/json')).status).toBe(200);
    await slack.settle();
    expect((await slack.post(event, 'application/json', { 'x-slack-retry-num': '1', 'x-slack-retry-reason': 'http_timeout' })).status).toBe(200);
    await slack.settle();
    const published = slack.fake.callsTo('views.publish');
    expect(published).toHaveLength(1);
    expect(published[0]!.args.user_id).toBe(USER);
    const home = JSON.stringify(published[0]!.args.view);
    expect(home).toContain('"type":"home"');
    expect(home).toContain('*Shown at home* · Onboarding · Locale *en-US*');
    expect(home).toContain('list.edit');
    expect(home).not.toContain('list.close');
  });

  it('only SLACK_MANAGERS (users or members of their user groups) may close', async () => {
    const inv = await invite('Guarded', 'onboarding', 'en-US');
    await press('list.close', inv.id, 'U0STRANGER');
    await slack.settle();
    expect(String(slack.fake.callsTo('response_url').at(-1)!.args.text)).toContain('Only the invitation managers');
    expect((await getInvitation(get().db, inv.id)).status).toBe('scheduled');
    await press('list.close', inv.id, 'U0LEAD2');
    await slack.settle();
    expect((await getInvitation(get().db, inv.id)).status).toBe('closed');
    expect(slack.fake.callsTo('usergroups.users.list')[0]!.args.usergroup).toBe('S0LEADS');
  });

  it('a non-manager gets the modal replaced by an explanation instead of the form', async () => {
    await slack.command('/invite', '', { user: 'U0STRANGER' });
    await slack.settle();
    const update = slack.fake.callsTo('views.update').at(-1)!;
    expect(JSON.stringify(update.args.view)).toContain('Only the invitation managers');
  });

  it('help explains both commands', async () => {
    expect((await slack.command('/invitations', 'help')).status).toBe(200);
    await slack.settle();
    const body = slack.fake.callsTo('response_url').at(-1)!.args as { response_type: string; text: string };
    expect(body.response_type).toBe('ephemeral');
    expect(body.text).toContain('/invite');
    expect(body.text).toContain('/invitations open fr-CA onboarding');
  });
});
