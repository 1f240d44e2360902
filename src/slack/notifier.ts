// The Slack side of InvitationChangeListener: a change made outside Slack (through the API)
// updates the invitation's status summary and adds a reply in its thread, like one made in Slack.
import type { WebClient } from '@slack/web-api';
import type { InvitationChange, InvitationChangeListener } from '../core/invitations/changes.js';
import type { SlackDeps } from './deps.js';
import { summaryRefresher } from './summary-refresher.js';
import { replyInThread } from './summary.js';
import { actorText, changeLines } from './views/invitation-text.js';

/** The thread reply for a change, whoever made it and wherever. */
export function threadText(change: Omit<InvitationChange, 'invitationId'>): string | undefined {
  const who = actorText(change.actor);
  switch (change.action) {
    case 'created':
      return undefined; // the summary itself says it
    case 'edited':
      return `Edited by ${who}: ${changeLines(change.changes ?? {})}`;
    case 'closed':
      return `Closed by ${who}.`;
    case 'approved':
      return `Approved by ${who}: it opens on time.`;
  }
}

export function slackChangeListener(deps: SlackDeps, client: WebClient): InvitationChangeListener {
  const summaries = summaryRefresher(deps, client);
  return {
    changed(change, waitUntil) {
      waitUntil(
        (async () => {
          const summary = await summaries.refresh(change.invitationId);
          const text = threadText(change);
          if (summary && text) await replyInThread(client, summary, text);
        })().catch((error: unknown) => {
          deps.logger.log('warn', 'slack.summary_failed', { invitation: change.invitationId, message: error instanceof Error ? error.message.slice(0, 200) : String(error) });
        }),
      );
    },
  };
}
