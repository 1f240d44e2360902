// `/invitations [status] [locale] [chat]`: the list, its pages, View and Close; and Close now on
// the status summaries.
import type { App } from '@slack/bolt';
import { z } from 'zod';
import { getChat, listChats } from '../../core/chats/service.js';
import { NotFoundError } from '../../core/errors.js';
import { approveInvitation } from '../../core/invitations/approval.js';
import { closeInvitation, getInvitation, invitationCounts, listInvitations } from '../../core/invitations/service.js';
import { localeTag } from '../../core/validators.js';
import { invitationStatuses, type Invitation } from '../../db/schema.js';
import { deliveryFacts } from '../delivery-facts.js';
import type { SlackDeps } from '../deps.js';
import { findChatByName, inviteModel } from '../invite-model.js';
import { isManager } from '../managers.js';
import { helpText } from '../views/help.js';
import { invitationDetail } from '../views/invitation-detail.js';
import { homeView, invitationList, listActions, type ListedInvitation, type ListQuery } from '../views/invitation-list.js';
import { summaryActions } from '../views/summary.js';
import { inviteModal } from '../views/invite-modal.js';
import { plain } from '../views/text.js';
import { editModalState } from '../edit-form.js';
import { buttonValue, managerButton, tellVia } from './buttons.js';

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
    const [counts, delivery] = await Promise.all([invitationCounts(deps.db, invitation.id), deliveryFacts(deps, invitation)]);
    items.push({ invitation, counts, delivery, chatName: names.get(invitation.chatId)! });
  }
  return { items, nextCursor: page.nextCursor };
}

async function listPage(deps: SlackDeps, query: ListQuery) {
  const { items, nextCursor } = await listed(deps, query);
  return invitationList(items, query, nextCursor);
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
    const [counts, chat, delivery] = await Promise.all([invitationCounts(deps.db, invitation.id), getChat(deps.db, invitation.chatId), deliveryFacts(deps, invitation)]);
    await client.views.open({ trigger_id: (body as { trigger_id: string }).trigger_id, view: invitationDetail(invitation, counts, chat.name, delivery) });
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

  managerButton(app, deps, [listActions.close, summaryActions.close], 'close invitations', async (id, actor) => {
    const invitation = await closeInvitation(deps, id, actor);
    return { invitation, change: { action: 'closed', actor }, told: `Closed *${invitation.name}*.` };
  });
  managerButton(app, deps, [summaryActions.approve], 'approve invitations', async (id, actor) => {
    const invitation = await approveInvitation(deps, id, actor);
    return { invitation, change: { action: 'approved', actor }, told: `Approved *${invitation.name}*.` };
  });
}
