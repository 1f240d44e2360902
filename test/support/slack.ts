// Drives the app as Slack does: signed form-encoded slash commands and `payload=` interactions,
// with the real Bolt and @slack/web-api talking to a local Slack-compatible server.
import { afterAll, beforeAll, beforeEach } from 'vitest';
import { createApp } from '../../src/app.js';
import type { Clock } from '../../src/core/clock.js';
import type { Providers } from '../../src/core/delivery/providers.js';
import type { InvitationChangeListener } from '../../src/core/invitations/changes.js';
import type { InvitationCreateInput } from '../../src/core/invitations/input.js';
import { createInvitation } from '../../src/core/invitations/service.js';
import { silentLogger, type Logger } from '../../src/core/logger.js';
import type { Db } from '../../src/db/client.js';
import type { SlackSettings } from '../../src/slack/deps.js';
import { slackRequestHandler } from '../../src/slack/http.js';
import { slackChangeListener } from '../../src/slack/notifier.js';
import { backgroundClient } from '../../src/slack/web.js';
import { hmacSha256Hex } from '../../src/http/hmac.js';
import { clearTables, coreDeps, manualClock, TEST_API_TOKEN } from './app.js';
import { seedChats } from './community.js';
import { invitationInput } from './invitation-input.js';
import { startFakeSlack, type FakeSlack } from './fake-slack.js';

export const SIGNING_SECRET = 'test-signing-secret-0123456789';
export const TEAM = 'T0001';
export const CHANNEL = 'C0STATUS1';
export const USER = 'U0MANAGER1';

export async function signedHeaders(body: string, nowSeconds: number, secret = SIGNING_SECRET): Promise<Record<string, string>> {
  const timestamp = String(nowSeconds);
  return {
    'x-slack-request-timestamp': timestamp,
    'x-slack-signature': `v0=${await hmacSha256Hex(secret, `v0:${timestamp}:${body}`)}`,
  };
}

export interface SlackHarness {
  fake: FakeSlack;
  clock: ReturnType<typeof manualClock>;
  post(body: string, contentType: string, headers?: Record<string, string>): Promise<Response>;
  command(command: string, text: string, opts?: { user?: string; team?: string; channel?: string }): Promise<Response>;
  interact(payload: Record<string, unknown>): Promise<Response>;
  /** The app's change listener (the Slack summaries): hand it to a runner so what it does shows in Slack. */
  changes: InvitationChangeListener;
  /** The same app's HTTP API, with the API token. */
  api(method: string, path: string, body?: unknown, headers?: Record<string, string>): Promise<Response>;
  /** Waits for the work listeners do after their ack. */
  settle(): Promise<void>;
  close(): Promise<void>;
}

export interface SlackHarnessOptions {
  settings?: Partial<SlackSettings>;
  logger?: Logger;
  clock?: Clock;
  /** The app's email and SMS providers ("Send test"), made once the database and clock exist; none: tests go as DMs. */
  providers?: (db: Db, clock: Clock) => Providers;
}

export async function slackHarness(db: Db, opts: SlackHarnessOptions = {}): Promise<SlackHarness> {
  const fake = await startFakeSlack();
  const clock = (opts.clock as ReturnType<typeof manualClock>) ?? manualClock(Date.now());
  const logger = opts.logger ?? silentLogger;
  const core = { ...coreDeps(db, clock), logger };
  const providers = opts.providers?.(db, clock);
  const slack: SlackSettings = { signingSecret: SIGNING_SECRET, botToken: 'xoxb-test-token', apiUrl: fake.url, teamId: TEAM, managers: [], largeAudience: 5000, ...opts.settings };
  const pending = new Set<Promise<unknown>>();
  const changes = slackChangeListener({ ...core, slack }, backgroundClient(slack));
  const app = createApp({
    ...core,
    apiToken: TEST_API_TOKEN,
    slack: slackRequestHandler({ ...core, slack, providers }),
    changes,
    waitUntil: (work) => {
      pending.add(work);
      void work.finally(() => pending.delete(work));
    },
  });
  const nowSeconds = () => Math.floor(clock.now() / 1000);
  async function post(body: string, contentType: string, headers: Record<string, string> = {}) {
    return app.request('/slack/events', { method: 'POST', headers: { 'content-type': contentType, ...(await signedHeaders(body, nowSeconds())), ...headers }, body });
  }
  return {
    fake,
    clock,
    changes,
    post,
    command(command, text, o = {}) {
      const body = new URLSearchParams({
        token: 'deprecated-verification-token',
        team_id: o.team ?? TEAM,
        team_domain: 'research',
        channel_id: o.channel ?? CHANNEL,
        channel_name: 'research-ops',
        user_id: o.user ?? USER,
        user_name: 'manager',
        command,
        text,
        api_app_id: 'A0APP',
        response_url: fake.responseUrl,
        trigger_id: `${Date.now()}.1.trigger`,
      }).toString();
      return post(body, 'application/x-www-form-urlencoded');
    },
    async api(method, path, body, headers = {}) {
      return app.request(path, {
        method,
        headers: { authorization: `Bearer ${TEST_API_TOKEN}`, 'content-type': 'application/json', ...headers },
        body: body === undefined ? undefined : JSON.stringify(body),
      });
    },
    interact(payload) {
      return post(`payload=${encodeURIComponent(JSON.stringify(payload))}`, 'application/x-www-form-urlencoded');
    },
    async settle() {
      while (pending.size > 0) await Promise.allSettled([...pending]);
    },
    close: () => fake.close(),
  };
}

/**
 * A Slack test file's harness and hooks: the harness opens before the file's tests and closes after
 * them; before each test, work a previous test's listeners left running is waited out (so it cannot
 * land in this one), the tables are wiped, the fake Slack forgets its calls and the two chats are
 * seeded, then `seed` adds what the file needs. The object returned is filled in by `beforeAll`:
 * use it inside hooks and tests only.
 */
export function useSlackHarness(
  get: () => { db: Db },
  opts: SlackHarnessOptions = {},
  seed: (slack: SlackHarness, db: Db) => unknown = () => {},
): SlackHarness {
  const slack = {} as SlackHarness;
  beforeAll(async () => {
    Object.assign(slack, await slackHarness(get().db, opts));
  });
  afterAll(async () => slack.close?.());
  beforeEach(async () => {
    await slack.settle();
    await clearTables(get().db);
    slack.fake.reset();
    await seedChats(get().db, slack.clock.now());
    await seed(slack, get().db);
  });
  return slack;
}

const DAY = 86_400_000;

/**
 * Creates an invitation as a manager's /invite would: to everyone in Onboarding by email, a fixed
 * window closing in seven days, its summary in CHANNEL, created by USER. `input` overrides any field.
 */
export async function createSlackInvitation(db: Db, slack: SlackHarness, input: Partial<InvitationCreateInput> & { name: string }) {
  const { invitation } = await createInvitation(
    coreDeps(db, slack.clock),
    invitationInput({ chatId: 'onboarding', closesAt: new Date(slack.clock.now() + 7 * DAY).toISOString(), slackChannelId: CHANNEL, ...input }),
    `slack:${USER}`,
  );
  return invitation;
}

type Block = Record<string, any>;

/** The view Slack holds after the app's last views.open/update: its id and content. */
export function currentView(fake: FakeSlack): { id: string; hash: string; view: Block } {
  const last = fake.calls.filter((c) => (c.method === 'views.open' || c.method === 'views.update') && c.response?.ok).at(-1);
  if (!last) throw new Error('no view was opened');
  const view = last.response!.view as Block;
  return { id: String(view.id), hash: String(view.hash), view: last.args.view as Block };
}

/** An element's state as Slack reports it before the user touches it (initial values echoed). */
function initialState(element: Block): Block {
  switch (element.type) {
    case 'plain_text_input':
    case 'number_input':
      return { type: element.type, value: element.initial_value ?? null };
    case 'static_select':
    case 'external_select':
    case 'radio_buttons':
      return { type: element.type, selected_option: element.initial_option ?? null };
    case 'checkboxes':
      return { type: element.type, selected_options: element.initial_options ?? [] };
    case 'datetimepicker':
      return { type: element.type, selected_date_time: element.initial_date_time ?? null };
    case 'conversations_select':
      return { type: element.type, selected_conversation: element.initial_conversation ?? null };
    default:
      return { type: element.type };
  }
}

/**
 * view.state.values for the current view: every input block at its initial value, overridden by
 * what the "user" entered (by block_id; message blocks may be given without their locale suffix).
 */
export function stateOf(view: Block, entered: Record<string, Block> = {}): Record<string, Record<string, Block>> {
  const values: Record<string, Record<string, Block>> = {};
  for (const block of view.blocks as Block[]) {
    if (block.type !== 'input') continue;
    const id = String(block.block_id);
    const own = entered[id] ?? entered[id.split('.')[0]!];
    values[id] = { [block.element.action_id]: { ...initialState(block.element), ...own } };
  }
  return values;
}

export const text = (value: string | null) => ({ value });
export const selected = (value: string) => ({ selected_option: { text: { type: 'plain_text', text: value }, value } });
export const checkedOptions = (...values: string[]) => ({ selected_options: values.map((value) => ({ text: { type: 'plain_text', text: value }, value })) });
export const dateTime = (epochMs: number) => ({ selected_date_time: Math.floor(epochMs / 1000) });

/** What every interaction from the current modal carries: who, where, and the view with its state. */
function modalPayload(fake: FakeSlack, type: string, entered: Record<string, Block>, user: string) {
  const { id, hash, view } = currentView(fake);
  return {
    id,
    type,
    team: { id: TEAM, domain: 'research' },
    user: { id: user, username: 'manager', team_id: TEAM },
    api_app_id: 'A0APP',
    trigger_id: `${Date.now()}.${type}.trigger`,
    view: { ...view, id, hash, team_id: TEAM, state: { values: stateOf(view, entered) } },
  };
}

/** A block_actions payload from the current modal (a dispatch input or a button). */
export function blockAction(fake: FakeSlack, action: { action_id: string; block_id: string; value?: string; selected?: string }, entered: Record<string, Block> = {}, user = USER): Record<string, unknown> {
  const { id, ...payload } = modalPayload(fake, 'block_actions', entered, user);
  return {
    ...payload,
    container: { type: 'view', view_id: id },
    actions: [
      {
        action_id: action.action_id,
        block_id: action.block_id,
        ...(action.selected ? { type: 'static_select', selected_option: selected(action.selected).selected_option } : { type: 'button', value: action.value }),
        action_ts: `${Date.now() / 1000}`,
      },
    ],
  };
}

export function viewSubmission(fake: FakeSlack, entered: Record<string, Block> = {}, user = USER): Record<string, unknown> {
  const { id: _id, ...payload } = modalPayload(fake, 'view_submission', entered, user);
  return payload;
}

/** A button pressed in a message (a list row or a status summary). */
export function buttonPress(slack: SlackHarness, actionId: string, value: string, user = USER): Promise<Response> {
  return slack.interact({
    type: 'block_actions',
    team: { id: TEAM },
    user: { id: user, team_id: TEAM },
    response_url: slack.fake.responseUrl,
    trigger_id: `${Date.now()}.button.trigger`,
    container: { type: 'message', channel_id: CHANNEL },
    actions: [{ action_id: actionId, block_id: `button.${value}`, type: 'button', value }],
  });
}
