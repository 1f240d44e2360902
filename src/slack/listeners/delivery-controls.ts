// The status summary's sending controls: Pause, Resume, Remind now and Retry failed (also on the
// auto-pause alert), each a core control made by a manager.
import type { App } from '@slack/bolt';
import { pauseInvitation, remindNow, resumeInvitation, retryFailed } from '../../core/delivery/controls.js';
import type { SlackDeps } from '../deps.js';
import { summaryActions } from '../views/summary.js';
import { managerButton } from './buttons.js';

/** A count the thread reply reports, in the { from, to } shape of every change. */
const counted = (field: string, count: number) => ({ [field]: { from: null, to: count } });

export function registerDeliveryControlListeners(app: App, deps: SlackDeps): void {
  managerButton(app, deps, [summaryActions.pause], 'pause invitations', async (id, actor) => {
    const invitation = await pauseInvitation(deps, id, actor);
    return { invitation, change: { action: 'paused', actor, changes: { reason: { from: null, to: 'manual' } } }, told: `Paused *${invitation.name}*: nothing more is sent until it is resumed.` };
  });

  managerButton(app, deps, [summaryActions.resume], 'resume invitations', async (id, actor) => {
    const invitation = await resumeInvitation(deps, id, actor);
    return { invitation, change: { action: 'resumed', actor }, told: `Resumed *${invitation.name}*.` };
  });

  managerButton(app, deps, [summaryActions.remind], 'send reminders', async (id, actor) => {
    const { invitation, queued } = await remindNow(deps, id, actor);
    return { invitation, change: { action: 'reminded', actor, changes: counted('queued', queued) }, told: `Reminder queued for ${queued.toLocaleString('en-US')} member${queued === 1 ? '' : 's'} of *${invitation.name}*.` };
  });

  managerButton(app, deps, [summaryActions.retry], 'retry failed messages', async (id, actor) => {
    const { invitation, requeued } = await retryFailed(deps, id, actor);
    return { invitation, change: { action: 'retried', actor, changes: counted('requeued', requeued) }, told: `${requeued.toLocaleString('en-US')} failed message${requeued === 1 ? '' : 's'} of *${invitation.name}* queued again.` };
  });
}
