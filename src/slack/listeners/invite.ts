// `/invite [chat]` → the "New invitation" modal: opened first (the trigger_id lives 3 s), re-rendered
// as choices are made, validated by the core on submit with errors shown under their fields.
import type { App, ViewResponseAction } from '@slack/bolt';
import type { KnownBlock, View } from '@slack/types';
import type { WebClient } from '@slack/web-api';
import { z } from 'zod';
import { listChats } from '../../core/chats/service.js';
import { ConflictError, NotFoundError, ValidationError, fieldPath, type FieldProblem } from '../../core/errors.js';
import { invitationCreateInput, invitationPatchInput } from '../../core/invitations/input.js';
import { audiencePreviewInput, previewUnsavedAudience } from '../../core/invitations/preview.js';
import { needsApproval } from '../../core/invitations/approval.js';
import { checkInvitation, createInvitation, getInvitation, updateInvitation } from '../../core/invitations/service.js';
import type { SlackDeps } from '../deps.js';
import { blockErrors, conditionRowErrors, invitationFormFromState, isMemberLocal, readMeta, selectedOf, textOf, viewStateValues, type ViewStateValues } from '../invite-form.js';
import { inviteModel } from '../invite-model.js';
import { isManager } from '../managers.js';
import { renderPreview, type RenderedPreview } from '../message-preview.js';
import { sendTestMessage } from '../send-test.js';
import { messagePreviewModal, renderedBlocks } from '../views/message-preview.js';
import { plain } from '../views/text.js';
import { patchFromForm } from '../edit-form.js';
import { forgetSummary, publishSummary, replyInThread } from '../summary.js';
import { threadText } from '../notifier.js';
import { audienceLines, zoneScheduleLines } from '../views/audience.js';
import { helpText } from '../views/help.js';
import { INVITE_CALLBACK_ID, inviteActions, inviteBlocks, inviteModal, MAX_MODAL_REMINDERS, MAX_ROWS, MAX_STATIC_OPTIONS, option, targetTypes, type InviteModalMeta } from '../views/invite-modal.js';
import { isRateLimited, withinBudget } from '../web.js';
import { buttonValue } from './buttons.js';

const TRIGGER_BUDGET_MS = 2500;

const viewPayload = z.looseObject({
  id: z.string(),
  hash: z.string().optional(),
  private_metadata: z.string().optional(),
  state: z.object({ values: viewStateValues }).optional(),
});

function readView(view: unknown): { id: string; hash?: string; meta: InviteModalMeta; values: ViewStateValues } | undefined {
  const parsed = viewPayload.safeParse(view);
  if (!parsed.success) return undefined;
  return { id: parsed.data.id, hash: parsed.data.hash, meta: readMeta(parsed.data.private_metadata), values: parsed.data.state?.values ?? {} };
}

/** Ids of rows or steps with one more: a new id, so Slack starts its inputs empty. */
const withNewId = (ids: number[]) => [...ids, ids.length > 0 ? Math.max(...ids) + 1 : 0];

function zodProblems(error: z.ZodError): FieldProblem[] {
  return error.issues.map((issue) => ({ path: fieldPath(issue.path), message: issue.message }));
}

/** Re-renders the modal; a newer render already in flight (hash_conflict) wins. */
async function rerender(client: WebClient, view: { id: string; hash?: string }, content: View): Promise<void> {
  try {
    await client.views.update({ view_id: view.id, ...(view.hash ? { hash: view.hash } : {}), view: content });
  } catch (error) {
    if ((error as { data?: { error?: string } }).data?.error !== 'hash_conflict') throw error;
  }
}

/** What the user has chosen so far, from the current state (dispatch actions carry it). */
function metaFromState(meta: InviteModalMeta, values: ViewStateValues): InviteModalMeta {
  const target = selectedOf(values, inviteBlocks.targetType);
  return {
    ...meta,
    chat: selectedOf(values, inviteBlocks.chat) ?? meta.chat,
    locale: selectedOf(values, inviteBlocks.locale) ?? meta.locale,
    target: target && (targetTypes as readonly string[]).includes(target) ? (target as InviteModalMeta['target']) : meta.target,
  };
}

/** The user's Slack zone, needed only to read member-local times off the pickers (which show the user's zone). */
/**
 * The submitter's Slack time zone: what member-local times need. A submitted invitation also keeps
 * it for fixed times (they are instants either way, and the API and audit then show the zone they
 * were chosen in); previews of fixed times skip the call.
 */
async function submitterZone(client: WebClient, user: string, values: ViewStateValues, submitted = false): Promise<string> {
  if (isMemberLocal(values)) return (await client.users.info({ user })).user?.tz ?? 'UTC';
  if (!submitted) return 'UTC';
  // Only a label for fixed times: a failed look-up must not cost the user their form.
  return (await client.users.info({ user }).catch(() => undefined))?.user?.tz ?? 'UTC';
}

export function registerInviteListeners(app: App, deps: SlackDeps): void {
  const { managers } = deps.slack;

  app.command('/invite', async ({ command, ack, client, respond }) => {
    const received = Date.now();
    const text = command.text.trim();
    await ack();
    if (/^help$/i.test(text)) return void (await respond({ response_type: 'ephemeral', text: helpText }));
    const meta: InviteModalMeta = { channel: command.channel_id, target: 'all' };
    const model = await inviteModel(deps, meta, { chatQuery: text });
    const chat = model.chat;
    // Open first: the trigger_id expires 3 s after the command; the manager check may call Slack.
    let opened;
    try {
      opened = await withinBudget(received + TRIGGER_BUDGET_MS, () => client.views.open({ trigger_id: command.trigger_id, view: inviteModal(model) }));
    } catch (error) {
      if (!isRateLimited(error)) throw error;
      deps.logger.log('warn', 'slack.invite_modal_rate_limited', { user: command.user_id });
      return void (await respond({ response_type: 'ephemeral', text: 'Slack is asking us to slow down: run /invite again in a few seconds.' }));
    }
    deps.logger.log('info', 'slack.invite_modal_opened', { user: command.user_id, ms: Date.now() - received, chat: chat?.id ?? null });
    if (text && !chat) await respond({ response_type: 'ephemeral', text: `No chat is called “${text.slice(0, 80)}”: choose one in the form.` });
    if (!(await isManager(client, managers, command.user_id))) {
      await client.views.update({
        view_id: opened.view!.id!,
        view: { type: 'modal', title: { type: 'plain_text', text: 'New invitation' }, close: { type: 'plain_text', text: 'Close' }, blocks: [{ type: 'section', text: { type: 'mrkdwn', text: 'Only the invitation managers of this workspace (`SLACK_MANAGERS`) can create invitations. Ask one of them.' } }] },
      });
    }
  });

  // Above 100 chats the chat select searches as the user types.
  app.options(inviteBlocks.chat, async ({ options, ack }) => {
    const query = options.value.trim().toLowerCase();
    const chats = (await listChats(deps.db))
      .filter((c) => !query || c.name.toLowerCase().includes(query) || c.id.toLowerCase().includes(query))
      .sort((a, b) => a.name.localeCompare(b.name))
      .slice(0, MAX_STATIC_OPTIONS);
    await ack({ options: chats.map((c) => option(c.name, c.id)) });
  });

  /** A choice or button that changes what the form shows: re-rendered for `next` (undefined: left as it is). */
  function rerenderOn(action: string | RegExp, next: (meta: InviteModalMeta, value: string) => InviteModalMeta | undefined): void {
    app.action(action, async ({ ack, body, client }) => {
      await ack();
      const view = readView((body as { view?: unknown }).view);
      if (!view) return;
      const meta = next(metaFromState(view.meta, view.values), buttonValue(body));
      if (meta) await rerender(client, view, inviteModal(await inviteModel(deps, meta)));
    });
  }

  // Choosing a chat, a locale or a target type re-renders the form.
  rerenderOn(/^(chat|locale|target_type)$/, (meta) => meta);

  // Condition rows and reminder steps are added and removed by re-rendering with their ids in the metadata.
  rerenderOn(inviteActions.addRow, (meta) => {
    const rows = meta.rows?.length ? meta.rows : [0];
    return rows.length < MAX_ROWS ? { ...meta, rows: withNewId(rows) } : undefined;
  });
  rerenderOn(inviteActions.removeRow, (meta, removed) => {
    const rows = (meta.rows ?? [0]).filter((r) => r !== Number(removed));
    return { ...meta, rows: rows.length > 0 ? rows : [0] };
  });
  rerenderOn(inviteActions.addReminder, (meta) => {
    const steps = meta.reminders ?? [];
    return steps.length < MAX_MODAL_REMINDERS ? { ...meta, reminders: withNewId(steps) } : undefined;
  });
  rerenderOn(inviteActions.removeReminder, (meta, removed) => ({ ...meta, reminders: (meta.reminders ?? []).filter((r) => r !== Number(removed)) }));

  app.action(inviteActions.previewAudience, async ({ ack, body, client }) => {
    await ack();
    const view = readView((body as { view?: unknown }).view);
    if (!view) return;
    const meta = metaFromState(view.meta, view.values);
    // Member-local times are read off the pickers in the user's zone (as on submit).
    const timeZone = await submitterZone(client, body.user.id, view.values);
    const form = invitationFormFromState(view.values, meta, timeZone);
    const message = form.message as { channel: string };
    const input = audiencePreviewInput.safeParse({ chatId: meta.chat, locale: meta.locale, channel: message.channel, target: form.target, sameLocaleOnly: form.sameLocaleOnly });
    let lines: string[];
    let audienceZones: string[] | undefined;
    const rowErrors = Object.values(conditionRowErrors(view.values, meta));
    try {
      if (rowErrors.length > 0) throw new ValidationError(rowErrors.map((message) => ({ path: 'target', message })));
      if (!input.success) throw new ValidationError(zodProblems(input.error));
      const preview = await previewUnsavedAudience(deps, input.data);
      lines = audienceLines(preview);
      if (form.scheduleMode === 'member_local') {
        const now = deps.clock.now();
        // An empty Opens picker opens now, read as a wall-clock time as the core reads it (resolveSchedule).
        const opensLocal = typeof form.opensAt === 'string' ? form.opensAt : new Date(now).toISOString().slice(0, 16);
        audienceZones = zoneScheduleLines(preview.byTimeZone, { opensLocal, viewerZone: timeZone, now });
      }
    } catch (error) {
      if (!(error instanceof ValidationError)) throw error;
      lines = error.problems.map((p) => `:warning: ${p.message}`);
    }
    const smsBody = textOf(view.values, inviteBlocks.smsBody);
    await rerender(client, view, inviteModal(await inviteModel(deps, meta, { audience: lines, audienceZones, smsBody })));
  });

  /** An edit submitted from the modal: the core checks it against the version the modal was opened at. */
  async function saveEdit(
    meta: InviteModalMeta,
    values: ViewStateValues,
    form: Record<string, unknown>,
    user: string,
    client: WebClient,
    ack: (response?: ViewResponseAction) => Promise<void>,
  ): Promise<void> {
    const editing = meta.editing!;
    const current = await getInvitation(deps.db, editing.id);
    const patch = invitationPatchInput.safeParse(patchFromForm(form, current, editing.version));
    let result: Awaited<ReturnType<typeof updateInvitation>>;
    try {
      if (!patch.success) throw new ValidationError(zodProblems(patch.error));
      result = await updateInvitation(deps, editing.id, patch.data, `slack:${user}`);
    } catch (error) {
      if (error instanceof ValidationError) return ack({ response_action: 'errors', errors: blockErrors(error.problems, meta, values) });
      if (error instanceof ConflictError) return ack({ response_action: 'errors', errors: { [inviteBlocks.name]: error.message } });
      throw error;
    }
    await ack();
    const fields = Object.keys(result.changes);
    if (fields.length === 0) return;
    // A new status channel gets a new summary; the old one stays where it was.
    if (result.changes.slackChannelId) await forgetSummary(deps, editing.id);
    const summary = await publishSummary(deps, client, editing.id);
    if (summary) await replyInThread(client, summary, { text: threadText({ action: 'edited', actor: `slack:${user}`, changes: result.changes })! });
    deps.logger.log('info', 'slack.invitation_edited', { invitation: editing.id, user, fields: fields.join(',') });
  }

  /** The message as one example member would get it, from the form as it stands. */
  async function renderFromView(body: unknown, client: WebClient, user: string): Promise<{ preview?: RenderedPreview; problems?: string[] }> {
    const view = readView((body as { view?: unknown }).view);
    if (!view) return { problems: ['The form could not be read.'] };
    const meta = metaFromState(view.meta, view.values);
    const form = invitationFormFromState(view.values, meta, await submitterZone(client, user, view.values));
    // A name, a close time and finished reminder steps are not needed to see the message.
    const parsed = invitationCreateInput.safeParse({ ...form, name: form.name || 'Preview', closesAt: form.closesAt ?? new Date(deps.clock.now() + 7 * 86_400_000).toISOString(), reminders: undefined });
    if (!parsed.success) return { problems: zodProblems(parsed.error).map((p) => `${p.path}: ${p.message}`) };
    try {
      return { preview: await renderPreview(deps, parsed.data) };
    } catch (error) {
      if (error instanceof ValidationError || error instanceof NotFoundError) return { problems: error instanceof ValidationError ? error.problems.map((p) => p.message) : [error.message] };
      throw error;
    }
  }

  app.action(inviteActions.previewMessage, async ({ ack, body, client }) => {
    await ack();
    const { preview, problems } = await renderFromView(body, client, body.user.id);
    const view = preview
      ? messagePreviewModal(preview)
      : { type: 'modal' as const, title: plain('Message preview'), close: plain('Back'), blocks: [{ type: 'section' as const, text: { type: 'mrkdwn' as const, text: `Fix these first:\n• ${problems!.join('\n• ').slice(0, 2900)}` } }] };
    await client.views.push({ trigger_id: (body as { trigger_id: string }).trigger_id, view });
  });

  // The test goes through the providers to the user's own addresses; without providers or an
  // address for the message's channel, the rendered message comes as a DM instead.
  app.action(inviteActions.sendTest, async ({ ack, body, client }) => {
    await ack();
    const user = body.user.id;
    const { preview, problems } = await renderFromView(body, client, user);
    const viewId = readView((body as { view?: unknown }).view)?.id ?? 'view';
    const report = preview && deps.providers ? await sendTestMessage(deps, deps.providers, client, user, preview, `test_${viewId}`) : undefined;
    const dm = (await client.conversations.open({ users: user })).channel?.id;
    if (!dm) return;
    if (!preview) return void (await client.chat.postMessage({ channel: dm, text: `Test message not sent: ${problems!.join('; ').slice(0, 2000)}` }));
    if (report?.attempted) return void (await client.chat.postMessage({ channel: dm, text: `Test message (never counted):\n${report.lines.join('\n')}` }));
    const why: KnownBlock[] = report ? [{ type: 'section', text: { type: 'mrkdwn', text: report.lines.join('\n') } }] : [];
    await client.chat.postMessage({
      channel: dm,
      text: 'Test message (sent only to you, never counted)',
      blocks: [{ type: 'header', text: plain('Test message: sent only to you, never counted') }, ...why, ...renderedBlocks(preview)],
    });
    deps.logger.log('info', 'slack.test_message_sent', { user, via: 'dm' });
  });

  app.view(INVITE_CALLBACK_ID, async ({ ack, body, client }) => {
    const view = readView(body.view);
    if (!view) return ack({ response_action: 'errors', errors: { [inviteBlocks.name]: 'The form could not be read; close it and try /invite again.' } });
    const meta = metaFromState(view.meta, view.values);
    const user = body.user.id;
    if (!(await isManager(client, managers, user))) {
      return ack({ response_action: 'errors', errors: { [inviteBlocks.name]: 'Only the invitation managers of this workspace can create invitations.' } });
    }
    const timeZone = await submitterZone(client, user, view.values, true);
    const rowErrors = conditionRowErrors(view.values, meta);
    if (Object.keys(rowErrors).length > 0) return ack({ response_action: 'errors', errors: rowErrors });
    const form = invitationFormFromState(view.values, meta, timeZone);
    if (meta.editing) return saveEdit(meta, view.values, form, user, client, ack as (response?: ViewResponseAction) => Promise<void>);
    const parsed = invitationCreateInput.safeParse(form);
    let created: Awaited<ReturnType<typeof createInvitation>>;
    try {
      if (!parsed.success) throw new ValidationError(zodProblems(parsed.error));
      const input = parsed.data;
      await checkInvitation(deps, input);
      // The send guard: above LARGE_AUDIENCE the exact count is confirmed first, and the invitation
      // then waits for a second manager's approval before it can open.
      const preview = await previewUnsavedAudience(deps, audiencePreviewInput.parse({ chatId: input.chatId, locale: input.locale, channel: input.message.channel, target: input.target, sameLocaleOnly: input.sameLocaleOnly, liveAudience: input.liveAudience, examples: 0 }));
      const large = needsApproval(preview.audience, deps.slack.largeAudience);
      if (large && meta.confirmed !== preview.audience) {
        const confirmation = `This invitation will reach exactly *${preview.audience.toLocaleString('en-US')}* members, more than this workspace's limit of ${deps.slack.largeAudience.toLocaleString('en-US')} for one person. Submit again to confirm; a second manager then has to approve it in the status channel before it can open.`;
        return ack({ response_action: 'update', view: inviteModal(await inviteModel(deps, { ...meta, confirmed: preview.audience }, { confirmation })) });
      }
      created = await createInvitation(deps, input, `slack:${user}`, { idempotencyKey: `slack-view:${view.id}`, approvalRequired: large });
    } catch (error) {
      if (!(error instanceof ValidationError)) throw error;
      return ack({ response_action: 'errors', errors: blockErrors(error.problems, meta, view.values) });
    }
    await ack();
    if (created.replayed) return;
    const { invitation } = created;
    deps.logger.log('info', 'slack.invitation_created', { invitation: invitation.id, user });
    let where: string;
    try {
      const summary = await publishSummary(deps, client, invitation.id);
      where = summary ? ` Its status summary: ${(await client.chat.getPermalink({ channel: summary.channel, message_ts: summary.ts })).permalink}` : '';
    } catch (error) {
      // The invitation stands either way; the user learns its summary is missing.
      const reason = (error as { data?: { error?: string } }).data?.error ?? (error instanceof Error ? error.message.slice(0, 100) : 'unknown error');
      deps.logger.log('warn', 'slack.summary_failed', { invitation: invitation.id, reason });
      where = ` Its status summary could not be posted (${reason}); is the app in that channel?`;
    }
    const approval = invitation.approvalRequired ? ' A second manager must approve it (the Approve button on its summary) before it can open.' : '';
    await client.chat.postEphemeral({ channel: meta.channel, user, text: `Scheduled *${invitation.name}* (\`${invitation.id}\`).${approval}${where}` });
  });
}
