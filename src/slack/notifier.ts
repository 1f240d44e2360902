// The Slack side of InvitationChangeListener: a change made outside Slack (the API, the runner)
// updates the invitation's status summary and adds a reply in its thread, like one made in Slack.
import type { WebClient } from '@slack/web-api';
import type { InvitationChange, InvitationChangeListener } from '../core/invitations/changes.js';
import type { Invitation } from '../db/schema.js';
import type { SlackDeps } from './deps.js';
import { summaryRefresher } from './summary-refresher.js';
import { replyInThread, type ThreadReply } from './summary.js';
import { actorText, changeLines } from './views/invitation-text.js';
import { approvalButtons, summaryButtons } from './views/summary.js';

type Change = Omit<InvitationChange, 'invitationId'>;

/** A field of the change's `changes` ({ from, to }), as it is after the change. */
const after = (change: Change, field: string): unknown => change.changes?.[field]?.to;

const members = (count: number) => `${count.toLocaleString('en-US')} member${count === 1 ? '' : 's'}`;

function closedText(change: Change, who: string): string {
  switch (after(change, 'reason')) {
    case 'close_time':
      return 'Closed: the close time passed.';
    case 'response_limit':
      return 'Closed: the response limit was reached.';
    default:
      return `Closed by ${who}.`;
  }
}

/** The failure guard's pause: the one change that alerts the whole channel. */
const isAutoPause = (change: Change) => change.action === 'paused' && after(change, 'reason') === 'failure_rate';

function pausedText(change: Change, who: string): string {
  if (!isAutoPause(change)) return `Paused by ${who}: nothing more is sent until it is resumed.`;
  const failed = after(change, 'failed');
  const why = typeof failed === 'string' ? `${failed} failed` : 'too many recent attempts failed';
  return `:warning: Sending paused automatically: ${why}. Resume once the cause is fixed, or retry the failed messages.`;
}

function remindedText(change: Change, who: string): string {
  const queued = after(change, 'queued');
  if (typeof queued !== 'number') return `Reminder queued by ${who}.`;
  if (queued === 0) return `Remind now by ${who}: nobody to remind (everyone completed or got a message recently).`;
  return `Reminder queued by ${who} for ${members(queued)} who have not completed.`;
}

function retriedText(change: Change, who: string): string {
  const requeued = after(change, 'requeued');
  if (typeof requeued !== 'number') return `Failed messages retried by ${who}.`;
  if (requeued === 0) return `Retry failed by ${who}: no failed message could be retried (bad addresses stay failed).`;
  return `Failed messages retried by ${who}: ${requeued.toLocaleString('en-US')} queued again.`;
}

/** The thread reply for a change, whoever made it and wherever; undefined when the thread need not hear of it. */
export function threadText(change: Change): string | undefined {
  const who = actorText(change.actor);
  switch (change.action) {
    case 'created':
      return undefined; // the summary itself says it
    case 'progress':
      return undefined; // the summary's figures follow; the thread would drown in them
    case 'edited':
      return `Edited by ${who}: ${changeLines(change.changes ?? {})}`;
    case 'closed':
      return closedText(change, who);
    case 'approved':
      return `Approved by ${who}: it opens on time.`;
    case 'opened': {
      const audience = after(change, 'audience');
      return typeof audience === 'number' ? `Opened: sending to ${members(audience)}.` : 'Opened: sending started.';
    }
    case 'approval_required': {
      const audience = after(change, 'audience');
      const size = typeof audience === 'number' ? `its audience grew to ${members(audience)}, ` : 'its audience grew ';
      return `Not opened: ${size}more than this workspace allows one manager to send to. A second manager must approve it before it opens.`;
    }
    case 'paused':
      return pausedText(change, who);
    case 'resumed':
      return `Resumed by ${who}: sending continues.`;
    case 'reminded':
      return remindedText(change, who);
    case 'retried':
      return retriedText(change, who);
  }
}

/** The reply with what it asks for: the auto-pause alert (broadcast, Resume and Retry failed), approval (Approve). */
export function threadReply(change: Change, inv: Invitation): ThreadReply | undefined {
  const text = threadText(change);
  if (text === undefined) return undefined;
  const buttons = isAutoPause(change) ? [summaryButtons.resume(inv), summaryButtons.retry(inv)] : change.action === 'approval_required' ? approvalButtons(inv) : [];
  if (buttons.length === 0) return { text };
  return {
    text,
    blocks: [
      { type: 'section', text: { type: 'mrkdwn', text } },
      { type: 'actions', block_id: `reply.${inv.id}`, elements: buttons },
    ],
    broadcast: isAutoPause(change),
  };
}

export function slackChangeListener(deps: SlackDeps, client: WebClient): InvitationChangeListener {
  const summaries = summaryRefresher(deps, client);
  return {
    changed(change, waitUntil) {
      waitUntil(
        (async () => {
          const summary = await summaries.refresh(change.invitationId);
          const reply = summary && threadReply(change, summary.invitation);
          if (summary && reply) await replyInThread(client, summary, reply);
        })().catch((error: unknown) => {
          deps.logger.log('warn', 'slack.summary_failed', { invitation: change.invitationId, message: error instanceof Error ? error.message.slice(0, 200) : String(error) });
        }),
      );
    },
  };
}
