// Buttons in messages (a status summary, a list row, a thread alert) that change an invitation:
// only managers may press them, the core makes the change, then the summary and its thread follow.
import type { App, RespondFn } from '@slack/bolt';
import { ConflictError, NotFoundError } from '../../core/errors.js';
import type { InvitationChange } from '../../core/invitations/changes.js';
import type { Invitation } from '../../db/schema.js';
import type { SlackDeps } from '../deps.js';
import { isManager } from '../managers.js';
import { threadReply } from '../notifier.js';
import { publishSummary, replyInThread } from '../summary.js';

export const buttonValue = (body: unknown) => (body as { actions?: { value?: string }[] }).actions?.[0]?.value ?? '';

/** Ephemeral feedback; pressed in the Home tab there is no response_url, hence no respond(). */
export function tellVia(respond: RespondFn | undefined): (text: string) => Promise<void> {
  return async (text) => void (respond ? await respond({ response_type: 'ephemeral', replace_original: false, text }) : undefined);
}

/** What a button's change did: the invitation after it, the change for its thread, what to tell the user. */
export interface ButtonOutcome {
  invitation: Invitation;
  change: Omit<InvitationChange, 'invitationId'>;
  told: string;
}

/**
 * A button only managers may use (`what`: "close invitations"), whose change `run` makes on the
 * invitation named in its value. A change the core refuses (already closed, not paused…) is told
 * to the user alone.
 */
export function managerButton(app: App, deps: SlackDeps, actions: readonly string[], what: string, run: (id: string, actor: string) => Promise<ButtonOutcome>): void {
  for (const action of actions) {
    app.action(action, async ({ ack, body, client, respond }) => {
      await ack();
      const user = body.user.id;
      const tell = tellVia(respond);
      if (!(await isManager(client, deps.slack.managers, user))) return void (await tell(`Only the invitation managers of this workspace can ${what}.`));
      let outcome: ButtonOutcome;
      try {
        outcome = await run(buttonValue(body), `slack:${user}`);
      } catch (error) {
        if (error instanceof ConflictError || error instanceof NotFoundError) return void (await tell(error.message));
        throw error;
      }
      const summary = await publishSummary(deps, client, outcome.invitation.id);
      const reply = summary && threadReply(outcome.change, summary.invitation);
      if (summary && reply) await replyInThread(client, summary, reply);
      deps.logger.log('info', `slack.invitation_${outcome.change.action}`, { invitation: outcome.invitation.id, user });
      await tell(outcome.told);
    });
  }
}
