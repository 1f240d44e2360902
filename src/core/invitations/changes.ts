// What the adapters are told when an invitation changes outside them, so the one that shows it
// (the Slack status summary) can follow: a port, implemented by the Slack adapter when configured.
import type { Changes } from '../audit.js';

export interface InvitationChange {
  invitationId: string;
  action:
    | 'created'
    | 'edited'
    | 'closed'
    | 'approved'
    | 'opened'
    | 'approval_required'
    | 'paused'
    | 'resumed'
    | 'reminded'
    | 'retried'
    /** Messages were sent, delivered, clicked or completed: the figures changed, nothing to say in the thread. */
    | 'progress';
  actor: string;
  changes?: Changes;
}

export interface InvitationChangeListener {
  /** `waitUntil` keeps the follow-up work alive after the response that caused it. */
  changed(change: InvitationChange, waitUntil: (work: Promise<unknown>) => void): void;
}
