import { sql } from 'drizzle-orm';
import { expect, it } from 'vitest';
import { saveChat } from '../../src/core/chats/service.js';
import { member, seedMembers } from '../support/community.js';
import { describeEachDatabase } from '../support/databases.js';
import { blockAction, CHANNEL, checkedOptions, currentView, dateTime, selected, text, USER, useSlackHarness, viewSubmission } from '../support/slack.js';

const DAY = 86_400_000;

describeEachDatabase('/invite', (get) => {
  const slack = useSlackHarness(get, {}, (slack, db) =>
    seedMembers(db, [member('m1'), member('m2', { preferredLocale: 'fr-CA' }), member('m3', { subscribed: false })], slack.clock.now()),
  );

  const blockIds = (view: Record<string, any>) => (view.blocks as { block_id?: string }[]).map((b) => b.block_id).filter(Boolean);

  it('acks at once, then opens the modal with the chats; the target waits for the locale', async () => {
    const res = await slack.command('/invite', '');
    expect(res.status).toBe(200);
    expect(await res.text()).toBe('');
    await slack.settle();
    const open = slack.fake.callsTo('views.open');
    expect(open).toHaveLength(1);
    expect(open[0]!.token).toBe('xoxb-test-token');
    const { view } = currentView(slack.fake);
    expect(view.title.text).toBe('New invitation');
    const chat = view.blocks.find((b: any) => b.block_id === 'chat');
    expect(chat.element.options.map((o: any) => o.value)).toEqual(['onboarding', 'feedback']);
    expect(chat.dispatch_action).toBe(true);
    expect(blockIds(view)).not.toContain('target_type');
    expect(JSON.stringify(view)).toContain('The target appears once the chat and its engagement locale are chosen');
    // The status channel defaults to where /invite was typed.
    expect(view.blocks.find((b: any) => b.block_id === 'status_channel').element.initial_conversation).toBe(CHANNEL);
  });

  it('above 100 chats, the chat select searches as the user types (external options)', async () => {
    for (let i = 0; i < 120; i++) await saveChat(get().db, { id: `study-${i}`, name: `Study ${String(i).padStart(3, '0')}`, locales: [{ locale: 'en-US', url: 'https://chats.example.com/s' }] }, slack.clock.now(), { upsert: true });
    await slack.command('/invite', '');
    await slack.settle();
    const { view, id } = currentView(slack.fake);
    expect(view.blocks.find((b: any) => b.block_id === 'chat').element.type).toBe('external_select');
    const res = await slack.interact({ type: 'block_suggestion', team: { id: 'T0001' }, user: { id: USER, team_id: 'T0001' }, action_id: 'chat', block_id: 'chat', value: 'study 11', view: { id, type: 'modal', private_metadata: view.private_metadata } });
    expect(res.status).toBe(200);
    const { options } = await res.json();
    expect(options.map((o: any) => o.value)).toEqual(['study-110', 'study-111', 'study-112', 'study-113', 'study-114', 'study-115', 'study-116', 'study-117', 'study-118', 'study-119']);
    const all = await slack.interact({ type: 'block_suggestion', team: { id: 'T0001' }, user: { id: USER, team_id: 'T0001' }, action_id: 'chat', block_id: 'chat', value: '', view: { id, type: 'modal' } });
    expect((await all.json()).options).toHaveLength(100);
  });

  it('/invite NAME preselects the chat; a single-locale chat fixes the locale and shows the target', async () => {
    await slack.command('/invite', 'onboarding');
    await slack.settle();
    const { view } = currentView(slack.fake);
    expect(view.blocks.find((b: any) => b.block_id === 'chat').element.initial_option.value).toBe('onboarding');
    expect(JSON.stringify(view)).toContain("en-US (the chat's only locale)");
    expect(blockIds(view)).toEqual(expect.arrayContaining(['target_type', 'same_locale', 'email_subject.en-US', 'sms_body.en-US']));
    expect(JSON.parse(view.private_metadata)).toEqual({ channel: CHANNEL, chat: 'onboarding', locale: 'en-US', target: 'all' });
  });

  it('a bilingual chat asks for the locale; choosing it reveals the target and that locale’s templates', async () => {
    await slack.command('/invite', 'Product feedback');
    await slack.settle();
    expect(blockIds(currentView(slack.fake).view)).toContain('locale');
    expect(blockIds(currentView(slack.fake).view)).not.toContain('target_type');
    await slack.interact(blockAction(slack.fake, { action_id: 'locale', block_id: 'locale', selected: 'fr-CA' }, { locale: selected('fr-CA') }));
    await slack.settle();
    const update = slack.fake.callsTo('views.update').at(-1)!;
    expect(update.args.hash).toBeTruthy();
    const { view } = currentView(slack.fake);
    expect(blockIds(view)).toEqual(expect.arrayContaining(['target_type', 'sms_body.fr-CA']));
    expect(view.blocks.find((b: any) => b.block_id === 'sms_body.fr-CA').element.initial_value).toBe('Donnez votre avis {{link}}');
  });

  it('previews the audience inside the modal with the engine’s counts and reasons', async () => {
    await slack.command('/invite', 'onboarding');
    await slack.settle();
    await slack.interact(blockAction(slack.fake, { action_id: 'invite.preview_audience', block_id: 'audience_actions' }));
    await slack.settle();
    const shown = JSON.stringify(currentView(slack.fake).view);
    expect(shown).toContain('*Audience: 2* of 3 matched');
    expect(shown).toContain('1 unsubscribed');
    // Same-locale toggle: only m1 prefers en-US.
    await slack.interact(blockAction(slack.fake, { action_id: 'invite.preview_audience', block_id: 'audience_actions' }, { same_locale: checkedOptions('same_locale') }));
    await slack.settle();
    expect(JSON.stringify(currentView(slack.fake).view)).toContain('*Audience: 1* of 3 matched');
  });

  it('builds a filter from condition rows that can be added and removed; each row’s problem shows under it', async () => {
    await seedMembers(get().db, [member('m4', { attributes: { country: 'CA', age: 40 } }), member('m5', { attributes: { country: 'CA', age: 17 } })], slack.clock.now());
    await slack.command('/invite', 'onboarding');
    await slack.settle();
    await slack.interact(blockAction(slack.fake, { action_id: 'target_type', block_id: 'target_type', selected: 'filter' }, { target_type: selected('filter') }));
    await slack.settle();
    let view = currentView(slack.fake).view;
    const fieldOptions = view.blocks.find((b: any) => b.block_id === 'cond.0.field').element.options.map((o: any) => o.value);
    expect(fieldOptions).toEqual(expect.arrayContaining(['preferred_locale', 'subscribed', 'age', 'country']));
    expect(blockIds(view)).not.toContain('cond.1.field');
    await slack.interact(blockAction(slack.fake, { action_id: 'invite.add_row', block_id: 'cond.add' }));
    await slack.settle();
    await slack.interact(blockAction(slack.fake, { action_id: 'invite.add_row', block_id: 'cond.add' }));
    await slack.settle();
    expect(blockIds(currentView(slack.fake).view)).toEqual(expect.arrayContaining(['cond.1.field', 'cond.2.field', 'cond.2.actions']));
    await slack.interact(blockAction(slack.fake, { action_id: 'invite.remove_row', block_id: 'cond.1.actions', value: '1' }));
    await slack.settle();
    view = currentView(slack.fake).view;
    expect(blockIds(view)).not.toContain('cond.1.field');
    expect(JSON.parse(view.private_metadata).rows).toEqual([0, 2]);

    const rows = {
      'cond.0.field': selected('country'),
      'cond.0.op': selected('eq'),
      'cond.0.value': text('CA'),
      'cond.2.field': selected('age'),
      'cond.2.op': selected('gte'),
      'cond.2.value': text('18'),
    };
    await slack.interact(blockAction(slack.fake, { action_id: 'invite.preview_audience', block_id: 'audience_actions' }, rows));
    await slack.settle();
    expect(JSON.stringify(currentView(slack.fake).view)).toContain('*Audience: 1* of 1 matched');

    const bad = await slack.interact(viewSubmission(slack.fake, { ...rows, name: text('Rows'), closes: dateTime(slack.clock.now() + DAY), 'cond.0.op': { selected_option: null }, 'cond.2.op': selected('between'), 'cond.2.value': text('18') }));
    const errors = (await bad.json()).errors;
    expect(errors['cond.0.op']).toBe('choose an operator');
    expect(Object.keys(errors)).toEqual(['cond.0.op', 'cond.2.value']);

    const ok = await slack.interact(viewSubmission(slack.fake, { ...rows, name: text('Rows'), closes: dateTime(slack.clock.now() + DAY) }));
    expect(await ok.text()).toBe('');
    await slack.settle();
    const [stored] = await get().db.all<{ target: string }>(sql`SELECT target FROM invitations`);
    expect(JSON.parse(stored!.target)).toEqual({
      type: 'filter',
      filter: { type: 'and', conditions: [{ type: 'field', field: 'country', op: 'eq', value: 'CA' }, { type: 'field', field: 'age', op: 'gte', value: 18 }] },
    });
  });

  it('Preview message renders for an example member in the locale with its branding; Send test DMs it to the user only', async () => {
    await seedMembers(get().db, [member('m2', { preferredLocale: 'fr-CA', attributes: { first_name: 'Zoé' } })], slack.clock.now());
    await slack.command('/invite', 'Product feedback');
    await slack.settle();
    await slack.interact(blockAction(slack.fake, { action_id: 'locale', block_id: 'locale', selected: 'fr-CA' }, { locale: selected('fr-CA') }));
    await slack.settle();
    const entered = { same_locale: checkedOptions('same_locale'), channel: selected('preference'), email_body: text('Bonjour {{first_name}}, {{link}} avant le {{closes_at}}') };
    await slack.interact(blockAction(slack.fake, { action_id: 'invite.preview_message', block_id: 'message_actions' }, entered));
    await slack.settle();
    const pushed = JSON.stringify(slack.fake.callsTo('views.push')[0]!.args.view);
    expect(pushed).toContain('example member `m2` (fr-CA, America/Toronto)');
    expect(pushed).toContain('Rétroaction : votre avis compte');
    expect(pushed).toContain('>Bonjour Zoé, http://localhost:3000/i/00000000000000000000000000000000 avant le');
    expect(pushed).toContain('>Donnez votre avis http://localhost:3000/i/');
    expect(pushed).toMatch(/1 segment · GSM-7 · \d+ characters/);
    expect(pushed).not.toContain('{{');

    await slack.interact(blockAction(slack.fake, { action_id: 'invite.send_test', block_id: 'message_actions' }, entered));
    await slack.settle();
    expect(slack.fake.callsTo('conversations.open')[0]!.args.users).toBe(USER);
    const dm = slack.fake.callsTo('chat.postMessage').at(-1)!;
    expect(dm.args.channel).toBe(`D${USER.slice(1)}`);
    expect(JSON.stringify(dm.args.blocks)).toContain('Test message: sent only to you, never counted');
    expect(await get().db.all(sql`SELECT id FROM invitations`)).toEqual([]);
    expect(await get().db.all(sql`SELECT member_id FROM participations`)).toEqual([]);
  });

  it('with member-local times, the preview shows {{closes_at}} as that wall-clock time in the member’s zone', async () => {
    slack.fake.users.set(USER, { tz: 'Europe/Paris' });
    await slack.command('/invite', 'onboarding');
    await slack.settle();
    const entered = {
      member_local: checkedOptions('member_local'),
      closes: dateTime(Date.parse('2026-12-09T21:00:00Z')), // 22:00 in Paris, where the picker showed it
      email_body: text('Open until {{closes_at}}: {{link}}'),
    };
    await slack.interact(blockAction(slack.fake, { action_id: 'invite.preview_message', block_id: 'message_actions' }, entered));
    await slack.settle();
    // m1 lives in America/Toronto: 22:00 there.
    expect(JSON.stringify(slack.fake.callsTo('views.push').at(-1)!.args.view)).toContain('>Open until December 9, 2026 at 10:00 PM:');
    expect(slack.fake.callsTo('users.info')[0]!.args.user).toBe(USER);
  });

  it('shows every validation problem under its field and creates nothing', async () => {
    await slack.command('/invite', 'onboarding');
    await slack.settle();
    await slack.interact(blockAction(slack.fake, { action_id: 'target_type', block_id: 'target_type', selected: 'filter' }, { target_type: selected('filter') }));
    await slack.settle();
    const now = slack.clock.now();
    const res = await slack.interact(
      viewSubmission(slack.fake, {
        name: text('Wave'),
        closes: dateTime(now - DAY),
        filter_expression: text('country = '),
        sms_body: text('no link here'),
        channel: selected('preference'),
      }),
    );
    expect(res.status).toBe(200);
    const body = await res.json();
    expect(body.response_action).toBe('errors');
    expect(Object.keys(body.errors).sort()).toEqual(['closes', 'filter_expression', 'sms_body.en-US']);
    expect(body.errors['sms_body.en-US']).toContain('{{link}}');
    expect(body.errors.filter_expression).toMatch(/line 1/);
    expect(await get().db.all(sql`SELECT id FROM invitations`)).toEqual([]);
    // Slack requires inputs client-side; blank ones still get their own message.
    const blank = await slack.interact(viewSubmission(slack.fake, { name: text('   '), closes: dateTime(now + DAY), filter_expression: text(null) }));
    expect((await blank.json()).errors).toEqual({ name: 'is required', filter_expression: 'is empty: write a filter, e.g. country = "CA"' });
  });

  it('creates the invitation on submit, posts the summary, confirms privately, and a second submit of the same view creates nothing', async () => {
    // Fixed times are instants; the invitation still records the Slack zone they were chosen in.
    slack.fake.users.set(USER, { tz: 'Asia/Tokyo' });
    await slack.command('/invite', 'onboarding');
    await slack.settle();
    const now = slack.clock.now();
    const submission = viewSubmission(slack.fake, { name: text('December wave'), closes: dateTime(now + 7 * DAY), limit: text('50') });
    const res = await slack.interact(submission);
    expect(res.status).toBe(200);
    expect(await res.text()).toBe('');
    await slack.settle();
    const rows = await get().db.all<{ id: string; name: string; created_by: string; slack_channel_id: string; slack_message_ts: string; response_limit: number; schedule_mode: string; time_zone: string; closes_at: number }>(
      sql`SELECT id, name, created_by, slack_channel_id, slack_message_ts, response_limit, schedule_mode, time_zone, closes_at FROM invitations`,
    );
    expect(rows).toHaveLength(1);
    expect(rows[0]).toMatchObject({ name: 'December wave', created_by: `slack:${USER}`, slack_channel_id: CHANNEL, response_limit: 50, schedule_mode: 'fixed', time_zone: 'Asia/Tokyo' });
    expect(rows[0]!.closes_at).toBe(Math.floor((now + 7 * DAY) / 1000) * 1000);
    const post = slack.fake.callsTo('chat.postMessage')[0]!;
    expect(post.args.channel).toBe(CHANNEL);
    expect(rows[0]!.slack_message_ts).toBe(post.response!.ts);
    expect(JSON.stringify(post.args.blocks)).toContain('Locale');
    const ephemeral = slack.fake.callsTo('chat.postEphemeral')[0]!;
    expect(ephemeral.args).toMatchObject({ channel: CHANNEL, user: USER });
    expect(String(ephemeral.args.text)).toContain('https://example.slack.com/archives/');

    await slack.interact(submission);
    await slack.settle();
    expect(await get().db.all(sql`SELECT id FROM invitations`)).toHaveLength(1);
    expect(slack.fake.callsTo('chat.postMessage')).toHaveLength(1);
  });
});
