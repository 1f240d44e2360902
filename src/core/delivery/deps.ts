import type { CoreDeps } from '../deps.js';
import type { InvitationChangeListener } from '../invitations/changes.js';
import type { Providers } from './providers.js';

export interface DeliverySettings {
  /** Messages per second per provider, in this process; 0 = as fast as the provider answers. */
  emailRate: number;
  smsRate: number;
  /** No SMS from `start` to `end` o'clock in the member's zone (e.g. 21 → 8); null = none. */
  smsQuietHours: { start: number; end: number } | null;
  /** How long a runner owns what it claimed; past it, another runner takes over (and reconciles). */
  leaseMs: number;
  /** How long an unanswered send waits before the provider is asked whether it arrived. */
  reconcileAfterMs: number;
  /** A claim or record the database has not answered in this time is sent again (both are safe to repeat). */
  databaseAnswerMs: number;
  /** Attempts per message before a transient failure becomes final. */
  maxAttempts: number;
  /** Sending pauses by itself when `ratio` of the last `window` attempts failed (after `minAttempts`). */
  failurePause: { ratio: number; window: number; minAttempts: number };
  /** Audiences above this (when the send guard applies) wait for a second manager's approval. */
  largeAudience: number | null;
}

/** What the runner needs: the core, the providers, its settings, and who it is (for leases). */
export interface DeliveryDeps extends CoreDeps {
  providers: Providers;
  delivery: DeliverySettings;
  runnerId: string;
  /** Told of what the runner did (opened, closed, paused…), so the Slack summaries follow. */
  changes?: InvitationChangeListener;
  /** Keeps the listener's follow-up work alive (Node: awaited before exit; Workers: ctx.waitUntil). */
  waitUntil: (work: Promise<unknown>) => void;
}

export const defaultDeliverySettings: DeliverySettings = {
  emailRate: 0,
  smsRate: 10,
  smsQuietHours: { start: 21, end: 8 },
  leaseMs: 5 * 60_000,
  reconcileAfterMs: 60_000,
  databaseAnswerMs: 30_000,
  maxAttempts: 5,
  failurePause: { ratio: 0.2, window: 200, minAttempts: 20 },
  largeAudience: null,
};
