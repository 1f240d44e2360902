// `/invitations [status] [locale] [chat]`: the list, its pages, View and Close; and Close now on
// the status summaries.
import type { App, RespondFn } from '@slack/bolt';
import type { WebClient } from '@slack/web-api';
import { z } from 'zod';
import { getChat, listChats } from '../../core/chats/service.js';
import { ConflictError, NotFoundError } from '../../core/errors.js';
import { approveInvitation } from '../../core/invitations/approval.js';
import { closeInvitation, getInvitation, invitationCounts, listInvitations } from '../../core/invitations/service.js';
import { localeTag } from '../../core/validators.js';
import { invitationStatuses, type Invitation } from '../../db/schema.js';
import type { SlackDeps } from '../deps.js';
import { findChatByName, inviteModel } from '../invite-model.js';
import { isManager } from '../managers.js';
import { threadText } from '../notifier.js';
import { publishSummary, replyInThread } from '../summary.js';
import { helpText } from '../views/help.js';
import { invitationDetail } from '../views/invitation-detail.js';
import { homeView, invitationList, listActions, type ListedInvitation, type ListQuery } from '../views/invitation-list.js';
import { summaryActions } from '../views/summary.js';
import { inviteModal } from '../views/invite-modal.js';
import { plain } from '../views/text.js';
import { editModalState } from '../edit-form.js';

const PAGE_SIZE = 10;

const listQuery = z.object({
  status: z.enum(invitationStatuses).optional(),
  locale: localeTag.optional(),
  chatId: z.string().max(200).optional(),
  cursor: z.string().max(200).optional(),
});

/** "open fr-CA onboarding" → a status, a locale and a chat, in any order; the rest names the chat. */
export async function parseListText(deps: SlackDeps, text: string): Promise<ListQuery | { unknownChat: string }> {
  const query: ListQuery = {};
  const rest: string[] = [];
  for (const word of text.split(/\s+/).filter(Boolean)) {
    const lower = word.toLowerCase();
    if (!query.status && (invitationStatuses as readonly string[]).includes(lower)) query.status = lower as ListQuery['status'];
    else if (!query.locale && /^[a-z]{2,3}-[A-Za-z]{2,4}$/.test(word) && localeTag.safeParse(word).success) query.locale = word;
    else rest.push(word);
  }
  if (rest.length > 0) {
    const chats = await listChats(deps.db);
    const chat = findChatByName(chats, rest.join(' '));
    if (!chat) return { unknownChat: rest.join(' ') };
    query.chatId = chat.id;
  }
  return query;
}

async function listed(deps: SlackDeps, query: ListQuery) {
  const page = await listInvitations(deps.db, { ...query, limit: PAGE_SIZE });
  const names = new Map<string, string>();
  const items: ListedInvitation[] = [];
  for (const invitation of page.items) {
    if (!names.has(invitation.chatId)) names.set(invitation.chatId, (await getChat(deps.db, invitation.chatId)).name);
    items.push({ invitation, counts: await invitationCounts(deps.db, invitation.id), chatName: names.get(invitation.chatId)! });
  }
  return { items, nextCursor: page.nextCursor };
}

async function listPage(deps: SlackDeps, query: ListQuery) {
  const { items, nextCursor } = await listed(deps, query);
  return invitationList(items, query, nextCursor);
}

/**
 * A manager's change from a button (close, approve): applied by the core, then the summary and its
 * thread are brought up to date. Returns what to tell the user.
 */
async function changeFromSlack(
  deps: SlackDeps,
  client: WebClient,
  user: string,
  change: () => Promise<Invitation>,
  done: { event: string; thread: string; told: (inv: Invitation) => string },
): Promise<string> {
  try {
    const invitation = await change();
    const summary = await publishSummary(deps, client, invitation.id);
    if (summary) await replyInThread(client, summary, done.thread);
    deps.logger.log('info', done.event, { invitation: invitation.id, user });
    return done.told(invitation);
  } catch (error) {
    if (error instanceof ConflictError || error instanceof NotFoundError) return error.message;
    throw error;
  }
}

/** Ephemeral feedback; pressed in the Home tab there is no response_url, hence no respond(). */
function tellVia(respond: RespondFn | undefined): (text: string) => Promise<void> {
  return async (text) => void (respond ? await respond({ response_type: 'ephemeral', replace_original: false, text }) : undefined);
}

/** The invitation a button names, or undefined (and the user told) when it is gone. */
async function invitationOf(deps: SlackDeps, id: string, tell: (text: string) => Promise<void>): Promise<Invitation | undefined> {
  try {
    return await getInvitation(deps.db, id);
  } catch (error) {
    if (!(error instanceof NotFoundError)) throw error;
    await tell('That invitation no longer exists.');
    return undefined;
  }
}

const buttonValue = (body: unknown) => (body as { actions?: { value?: string }[] }).actions?.[0]?.value ?? '';

export function registerInvitationListeners(app: App, deps: SlackDeps): void {
  const { managers } = deps.slack;

  app.command('/invitations', async ({ command, ack, respond }) => {
    const text = command.text.trim();
    await ack();
    if (/^help$/i.test(text)) return void (await respond({ response_type: 'ephemeral', text: helpText }));
    const query = await parseListText(deps, text);
    if ('unknownChat' in query) return void (await respond({ response_type: 'ephemeral', text: `No chat is called “${query.unknownChat.slice(0, 80)}”. ${helpText}` }));
    await respond({ response_type: 'ephemeral', ...(await listPage(deps, query)) });
  });

  // The Home tab shows the newest invitations each time it is opened.
  app.event('app_home_opened', async ({ event, client }) => {
    if (event.tab !== 'home') return;
    await client.views.publish({ user_id: event.user, view: homeView((await listed(deps, {})).items) });
  });

  app.action(listActions.next, async ({ ack, body, respond }) => {
    await ack();
    let query: ListQuery;
    try {
      query = listQuery.parse(JSON.parse(buttonValue(body)));
    } catch {
      return void (await respond({ response_type: 'ephemeral', replace_original: true, text: 'That page is no longer available: run /invitations again.' }));
    }
    await respond({ response_type: 'ephemeral', replace_original: true, ...(await listPage(deps, query)) });
  });

  app.action(listActions.view, async ({ ack, body, client, respond }) => {
    await ack();
    const invitation = await invitationOf(deps, buttonValue(body), tellVia(respond));
    if (!invitation) return;
    const [counts, chat] = await Promise.all([invitationCounts(deps.db, invitation.id), getChat(deps.db, invitation.chatId)]);
    await client.views.open({ trigger_id: (body as { trigger_id: string }).trigger_id, view: invitationDetail(invitation, counts, chat.name) });
  });

  app.action(listActions.edit, async ({ ack, body, client, respond }) => {
    await ack();
    const user = body.user.id;
    const tell = tellVia(respond);
    const invitation = await invitationOf(deps, buttonValue(body), tell);
    if (!invitation) return;
    if (invitation.status !== 'scheduled') return void (await tell(`*${invitation.name}* is ${invitation.status}: only a scheduled invitation can be edited (an open one can still be extended or closed).`));
    const channel = (body as { channel?: { id?: string } }).channel?.id ?? invitation.slackChannelId ?? '';
    const { meta, initial } = editModalState(invitation, channel);
    // Open first (the trigger_id expires in 3 s), then check who may save: the save checks again.
    const opened = await client.views.open({ trigger_id: (body as { trigger_id: string }).trigger_id, view: inviteModal(await inviteModel(deps, meta, { initial })) });
    if (!(await isManager(client, managers, user))) {
      await client.views.update({ view_id: opened.view!.id!, view: { type: 'modal', title: plain('Edit invitation'), close: plain('Close'), blocks: [{ type: 'section', text: { type: 'mrkdwn', text: 'Only the invitation managers of this workspace can edit invitations.' } }] } });
    }
  });

  /** A button only managers may use, whose change the core makes on the invitation in its value. */
  function managerButton(actions: string[], verb: 'close' | 'approve', change: (id: string, actor: string) => Promise<Invitation>): void {
    for (const action of actions) {
      app.action(action, async ({ ack, body, client, respond }) => {
        await ack();
        const user = body.user.id;
        const tell = tellVia(respond);
        if (!(await isManager(client, managers, user))) return void (await tell(`Only the invitation managers of this workspace can ${verb} invitations.`));
        const outcome = await changeFromSlack(deps, client, user, () => change(buttonValue(body), `slack:${user}`), {
          event: `slack.invitation_${verb}d`,
          thread: threadText({ action: verb === 'close' ? 'closed' : 'approved', actor: `slack:${user}` })!,
          told: (inv) => `${verb === 'close' ? 'Closed' : 'Approved'} *${inv.name}*.`,
        });
        await tell(outcome);
      });
    }
  }

  managerButton([listActions.close, summaryActions.close], 'close', (id, actor) => closeInvitation(deps, id, actor));
  managerButton([summaryActions.approve], 'approve', (id, actor) => approveInvitation(deps, id, actor));
}
