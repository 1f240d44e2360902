// When a message that failed for a passing reason is tried again: exponential backoff with full
// jitter (so a provider outage is not followed by every runner retrying in the same second),
// or the provider's own Retry-After when it gave one.
const BASE_MS = 30_000;
const CAP_MS = 60 * 60_000;

export function retryDelayMs(attempt: number, retryAfterMs: number | undefined, random: () => number = Math.random): number {
  if (retryAfterMs !== undefined) return retryAfterMs;
  const ceiling = Math.min(CAP_MS, BASE_MS * 2 ** Math.max(0, attempt - 1));
  return Math.round(ceiling / 2 + (random() * ceiling) / 2);
}
