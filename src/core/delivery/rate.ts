// Spacing sends to a provider's rate (messages per second), across every runner on the database:
// a runner reserves its batch's span of the provider's time in one write (send_rates), then waits
// for it. Good enough for a provider's soft limit; its 429s are the hard one.
import { sql } from 'drizzle-orm';
import type { Db } from '../../db/client.js';

/** The span reserved for a batch: when its k-th message (from 0) may go. */
export interface SendWindow {
  at(k: number): number;
}

export interface RateLimiter {
  reserve(messages: number): Promise<SendWindow>;
}

/** No rate: every message may go at once. */
const UNLIMITED: SendWindow = { at: () => 0 };

export function sharedRateLimiter(db: Db, channel: 'email' | 'sms', perSecond: number): RateLimiter {
  return {
    async reserve(messages) {
      if (perSecond <= 0 || messages <= 0) return UNLIMITED;
      const gap = 1000 / perSecond;
      const span = messages * gap;
      const now = Date.now();
      const [row] = await db.all<{ next_free_at: number }>(sql`INSERT INTO send_rates (channel, next_free_at) VALUES (${channel}, ${now + span})
        ON CONFLICT (channel) DO UPDATE SET next_free_at = max(send_rates.next_free_at, ${now}) + ${span}
        RETURNING next_free_at`);
      const start = row!.next_free_at - span;
      return { at: (k) => start + k * gap };
    },
  };
}

/** Resolves at `at` (epoch ms), at once if it has passed. */
export async function sleepUntil(at: number): Promise<void> {
  const wait = at - Date.now();
  if (wait > 0) await new Promise((resolve) => setTimeout(resolve, wait));
}
