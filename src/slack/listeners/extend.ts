// "Extend" on a status summary: a manager moves the close time; the summary is updated and the
// change (before → after, and who) is replied in its thread.
import type { App } from '@slack/bolt';
import { z } from 'zod';
import { ConflictError, NotFoundError, ValidationError } from '../../core/errors.js';
import { getInvitation, updateInvitation } from '../../core/invitations/service.js';
import type { SlackDeps } from '../deps.js';
import { metadataOf, pickedTime, viewStateValues } from '../invite-form.js';
import { isManager } from '../managers.js';
import { publishSummary, replyInThread } from '../summary.js';
import { EXTEND_CALLBACK_ID, extendBlock, extendModal } from '../views/extend-modal.js';
import { slackDate } from '../views/invitation-text.js';
import { summaryActions } from '../views/summary.js';

const extendMeta = z.object({ id: z.string().max(64), version: z.number().int().positive(), channel: z.string().max(64).optional() });

export function registerExtendListeners(app: App, deps: SlackDeps): void {
  app.action(summaryActions.extend, async ({ ack, body, client, respond }) => {
    await ack();
    const user = body.user.id;
    const id = (body as { actions?: { value?: string }[] }).actions?.[0]?.value ?? '';
    const tell = (text: string) => respond({ response_type: 'ephemeral', replace_original: false, text });
    if (!(await isManager(client, deps.slack.managers, user))) return void (await tell('Only the invitation managers of this workspace can extend invitations.'));
    let invitation;
    try {
      invitation = await getInvitation(deps.db, id);
    } catch (error) {
      if (error instanceof NotFoundError) return void (await tell(error.message));
      throw error;
    }
    if (invitation.status === 'closed') return void (await tell(`*${invitation.name}* is closed: it can no longer be extended.`));
    await client.views.open({ trigger_id: (body as { trigger_id: string }).trigger_id, view: extendModal(invitation, { id, version: invitation.version }) });
  });

  app.view(EXTEND_CALLBACK_ID, async ({ ack, body, client }) => {
    const user = body.user.id;
    const meta = metadataOf(extendMeta, body.view.private_metadata);
    const values = viewStateValues.safeParse(body.view.state.values);
    const closes = values.success ? values.data[extendBlock]?.[extendBlock]?.selected_date_time : undefined;
    if (!meta || !closes) return ack({ response_action: 'errors', errors: { [extendBlock]: 'Choose the new close time.' } });
    if (!(await isManager(client, deps.slack.managers, user))) return ack({ response_action: 'errors', errors: { [extendBlock]: 'Only the invitation managers can extend invitations.' } });
    const before = await getInvitation(deps.db, meta.id);
    const memberLocal = before.scheduleMode === 'member_local';
    const closesAt = pickedTime(closes, memberLocal, memberLocal ? ((await client.users.info({ user })).user?.tz ?? before.timeZone) : 'UTC');
    let after;
    try {
      ({ invitation: after } = await updateInvitation(deps, before.id, { version: meta.version, closesAt }, `slack:${user}`));
    } catch (error) {
      if (error instanceof ValidationError) return ack({ response_action: 'errors', errors: { [extendBlock]: error.problems.map((p) => p.message).join('; ').slice(0, 2000) } });
      if (error instanceof ConflictError) return ack({ response_action: 'errors', errors: { [extendBlock]: error.message } });
      throw error;
    }
    await ack();
    const summary = await publishSummary(deps, client, after.id);
    if (summary && after.closesAt !== before.closesAt) {
      await replyInThread(client, summary, { text: `Close time moved by <@${user}>: ${slackDate(before.closesAt)} → ${slackDate(after.closesAt)}.` });
    }
    deps.logger.log('info', 'slack.invitation_extended', { invitation: after.id, user });
  });
}
