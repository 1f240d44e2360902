// Spacing sends to a provider's rate (messages per second), per process: a batch of n waits n/rate
// seconds after the previous one. Good enough for a provider's soft limit; its 429s are the hard one.
export interface RateLimiter {
  take(messages: number): Promise<void>;
}

export function rateLimiter(perSecond: number): RateLimiter {
  let nextFree = 0;
  return {
    async take(messages) {
      if (perSecond <= 0) return;
      const now = Date.now();
      const start = Math.max(now, nextFree);
      nextFree = start + (messages * 1000) / perSecond;
      if (start > now) await new Promise((resolve) => setTimeout(resolve, start - now));
    },
  };
}
