// Coalesced summary updates: while one update of an invitation's summary is in flight, further
// requests for it collapse into a single follow-up that reads the state as it is by then. A burst
// of changes costs two chat.update calls, not one per change (Slack rate-limits chat.update).
import type { WebClient } from '@slack/web-api';
import type { CoreDeps } from '../core/deps.js';
import { publishSummary, type PostedSummary } from './summary.js';

export interface SummaryRefresher {
  refresh(invitationId: string): Promise<PostedSummary | undefined>;
}

export function summaryRefresher(deps: CoreDeps, client: WebClient): SummaryRefresher {
  const running = new Map<string, Promise<PostedSummary | undefined>>();
  const queued = new Map<string, Promise<PostedSummary | undefined>>();
  function refresh(invitationId: string): Promise<PostedSummary | undefined> {
    const current = running.get(invitationId);
    if (!current) {
      const run = publishSummary(deps, client, invitationId).finally(() => running.delete(invitationId));
      running.set(invitationId, run);
      return run;
    }
    // One follow-up at most: everyone asking meanwhile shares it.
    let next = queued.get(invitationId);
    if (!next) {
      next = current
        .catch(() => undefined)
        .then(() => {
          queued.delete(invitationId);
          return refresh(invitationId);
        });
      queued.set(invitationId, next);
    }
    return next;
  }
  return { refresh };
}
