// Slack Web API client settings. The client's defaults (10 retries over ~30 minutes, no timeout,
// waiting out any Retry-After) would let one call outlive a trigger_id (3 s) or hang a tick, so
// every call here is bounded: a timeout, few retries, and rate limits handled by withinBudget.
import { ErrorCode, WebClient, type FetchFunction, type WebClientOptions } from '@slack/web-api';
import type { SlackSettings } from './deps.js';

/**
 * The clients' `fetch`: the global one, as @slack/web-api 8 expects of Node's, also on workerd
 * (Cloudflare Workers). Two things in WebClient.makeRequest fail every Web API call there:
 *  1. it keeps `this.fetchFn = options.fetch ?? globalThis.fetch` and calls `this.fetchFn(url, …)`:
 *     "Illegal invocation: function called with incorrect `this` reference" — so this calls the
 *     global fetch as a plain function (looked up per call, so a replaced global is honoured);
 *  2. it passes `redirect: 'error'`: "Invalid redirect value, must be one of "follow" or "manual"" —
 *     so this does 'error' the way the Fetch standard defines it (a redirect is a network error, a
 *     TypeError) on top of 'manual'.
 * Bolt hands its clientOptions' fetch to respond() too, which gets the global fetch as before.
 */
export const slackFetch: FetchFunction = async (url, init) => {
  if (init?.redirect !== 'error') return fetch(url, init);
  const response = await fetch(url, { ...init, redirect: 'manual' });
  if (response.status >= 300 && response.status < 400 && response.headers.has('location')) {
    await response.body?.cancel();
    throw new TypeError(`fetch failed: redirected to ${response.headers.get('location')} (redirect: "error")`);
  }
  return response;
};

/** For calls made while a user waits (views.open with a trigger_id, views.update, ack-time reads). */
export function interactiveClientOptions(settings: Pick<SlackSettings, 'apiUrl'>): WebClientOptions {
  return {
    ...(settings.apiUrl ? { slackApiUrl: settings.apiUrl } : {}),
    fetch: slackFetch,
    timeout: 2500,
    retryConfig: { retries: 0 },
    rejectRateLimitedCalls: true,
  };
}

/** For work after the ack and for the runner: summaries, confirmations, thread replies. */
export function backgroundClientOptions(settings: Pick<SlackSettings, 'apiUrl'>): WebClientOptions {
  return {
    ...(settings.apiUrl ? { slackApiUrl: settings.apiUrl } : {}),
    fetch: slackFetch,
    timeout: 10_000,
    retryConfig: { retries: 2, minTimeout: 500, maxTimeout: 2000, maxRetryTime: 10_000 },
    rejectRateLimitedCalls: true,
  };
}

export function backgroundClient(settings: Pick<SlackSettings, 'botToken' | 'apiUrl'>): WebClient {
  return new WebClient(settings.botToken, backgroundClientOptions(settings));
}

function retryAfterMs(error: unknown): number | undefined {
  const e = error as { code?: string; retryAfter?: number };
  return e?.code === ErrorCode.RateLimitedError && typeof e.retryAfter === 'number' ? e.retryAfter * 1000 : undefined;
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * Runs a Slack call; on 429 waits Retry-After and tries again, but only while that still ends
 * before `deadline` (epoch ms). Otherwise the rate-limit error is thrown to the caller.
 */
export async function withinBudget<T>(deadline: number, call: () => Promise<T>): Promise<T> {
  for (;;) {
    try {
      return await call();
    } catch (error) {
      const wait = retryAfterMs(error);
      if (wait === undefined || Date.now() + wait >= deadline) throw error;
      await sleep(wait);
    }
  }
}

export function isRateLimited(error: unknown): boolean {
  return retryAfterMs(error) !== undefined;
}
