// Posts an invitation's status summary in its channel, or updates it in place once posted.
import type { KnownBlock } from '@slack/types';
import type { WebClient } from '@slack/web-api';
import { and, eq, isNull } from 'drizzle-orm';
import { getChat } from '../core/chats/service.js';
import type { CoreDeps } from '../core/deps.js';
import { getInvitation, invitationCounts } from '../core/invitations/service.js';
import { invitations, type Invitation } from '../db/schema.js';
import { deliveryFacts } from './delivery-facts.js';
import { summaryMessage } from './views/summary.js';

export interface PostedSummary {
  channel: string;
  ts: string;
  /** The invitation as this summary shows it (its thread replies offer the same buttons). */
  invitation: Invitation;
}

/** A reply in the thread; an alert is broadcast to the channel too, and may carry buttons. */
export interface ThreadReply {
  text: string;
  blocks?: KnownBlock[];
  broadcast?: boolean;
}

/** Returns where the summary is, or undefined when the invitation has no status channel. */
export async function publishSummary(deps: CoreDeps, client: WebClient, invitationId: string): Promise<PostedSummary | undefined> {
  const inv = await getInvitation(deps.db, invitationId);
  if (!inv.slackChannelId) return undefined;
  const [counts, chat, delivery] = await Promise.all([invitationCounts(deps.db, inv.id), getChat(deps.db, inv.chatId), deliveryFacts(deps, inv)]);
  const message = summaryMessage(inv, counts, chat.name, delivery);
  if (inv.slackMessageTs) {
    await client.chat.update({ channel: inv.slackChannelId, ts: inv.slackMessageTs, ...message });
    return { channel: inv.slackChannelId, ts: inv.slackMessageTs, invitation: inv };
  }
  const posted = await client.chat.postMessage({ channel: inv.slackChannelId, ...message, unfurl_links: false });
  if (!posted.ts) throw new Error(`chat.postMessage returned no ts for invitation ${inv.id}`);
  // Only the first post records its ts: a concurrent second post stays an orphan instead of
  // stealing the thread from the first.
  await deps.db
    .update(invitations)
    .set({ slackMessageTs: posted.ts })
    .where(and(eq(invitations.id, inv.id), isNull(invitations.slackMessageTs)));
  deps.logger.log('info', 'slack.summary_posted', { invitation: inv.id, channel: inv.slackChannelId });
  return { channel: inv.slackChannelId, ts: posted.ts, invitation: inv };
}

/** Drops the record of the posted summary, so the next publish posts a new one. */
export async function forgetSummary(deps: CoreDeps, invitationId: string): Promise<void> {
  await deps.db.update(invitations).set({ slackMessageTs: null }).where(eq(invitations.id, invitationId));
}

/** A reply in the summary's thread: every change is one, so the channel stays quiet but for alerts. */
export async function replyInThread(client: WebClient, summary: PostedSummary, reply: ThreadReply): Promise<void> {
  const { text, blocks, broadcast = false } = reply;
  const where = { channel: summary.channel, thread_ts: summary.ts, reply_broadcast: broadcast, unfurl_links: false };
  await client.chat.postMessage(blocks ? { ...where, text, blocks } : { ...where, text });
}
