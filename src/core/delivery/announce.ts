import type { InvitationChange } from '../invitations/changes.js';
import type { DeliveryDeps } from './deps.js';

/** Tells the listener (the Slack summaries) what the runner did; its work is kept alive by waitUntil. */
export function announce(deps: DeliveryDeps, change: InvitationChange): void {
  deps.changes?.changed(change, deps.waitUntil);
}
