// The runner's dependencies for tests: the real core on a real database, the real Postmark and
// Twilio adapters pointed at local fakes, a clock the test moves, and settings a test can tighten.
import type { Clock } from '../../src/core/clock.js';
import { defaultDeliverySettings, type DeliveryDeps, type DeliverySettings } from '../../src/core/delivery/deps.js';
import type { Providers } from '../../src/core/delivery/providers.js';
import type { InvitationChangeListener } from '../../src/core/invitations/changes.js';
import type { Db } from '../../src/db/client.js';
import { postmarkEmailProvider } from '../../src/providers/postmark.js';
import { twilioSmsProvider } from '../../src/providers/twilio.js';
import { coreDeps } from './app.js';
import type { FakePostmark } from './fake-postmark.js';
import type { FakeTwilio } from './fake-twilio.js';

export const POSTMARK_FROM = 'invitations@research.example.org';
export const TWILIO_FROM = '+15005550006';

export function fakeProviders(postmark: FakePostmark, twilio: FakeTwilio, timeoutMs = 2000): Providers {
  return {
    email: postmarkEmailProvider({ serverToken: postmark.serverToken, from: POSTMARK_FROM, messageStream: 'broadcast', apiUrl: postmark.url, timeoutMs }),
    sms: twilioSmsProvider({ accountSid: twilio.accountSid, authToken: twilio.authToken, from: TWILIO_FROM, apiUrl: twilio.url, timeoutMs }),
  };
}

export interface TestRunner extends DeliveryDeps {
  /** Waits for what the runner handed to waitUntil (summary updates). */
  settle(): Promise<void>;
}

export function runnerDeps(
  db: Db,
  clock: Clock,
  providers: Providers,
  opts: { runnerId?: string; delivery?: Partial<DeliverySettings>; changes?: InvitationChangeListener } = {},
): TestRunner {
  const pending: Promise<unknown>[] = [];
  return {
    ...coreDeps(db, clock),
    providers,
    runnerId: opts.runnerId ?? 'runner-test',
    // Tests run at full speed and in daylight unless they say otherwise.
    delivery: { ...defaultDeliverySettings, smsRate: 0, smsQuietHours: null, ...opts.delivery },
    changes: opts.changes,
    waitUntil: (work) => pending.push(work),
    async settle() {
      await Promise.allSettled(pending.splice(0));
    },
  };
}
