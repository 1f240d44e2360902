// Which provider sends each channel: Postmark and Twilio when their credentials are configured,
// else the local outbox (each channel on its own: email can go out while SMS stays local).
// The Twilio adapter is the caller's: the SDK one on Node (runtime.ts), the fetch one on Workers
// (worker.ts) — so this file imports neither, and the `twilio` SDK stays out of the Worker bundle.
import type { Config } from '../config.js';
import type { Clock } from '../core/clock.js';
import type { Providers } from '../core/delivery/providers.js';
import type { Db } from '../db/client.js';
import { outboxProviders } from './outbox.js';
import { postmarkEmailProvider } from './postmark.js';
import type { TwilioSmsAdapter } from './twilio-shared.js';

export function providersFrom(config: Config, db: Db, clock: Clock, twilioSms: TwilioSmsAdapter): Providers {
  const outbox = outboxProviders(db, clock);
  return {
    // Postmark's v5 client is fetch-based: the same adapter on Node and on Workers.
    email: config.POSTMARK_SERVER_TOKEN
      ? postmarkEmailProvider({
          serverToken: config.POSTMARK_SERVER_TOKEN,
          from: config.POSTMARK_FROM!,
          messageStream: config.POSTMARK_MESSAGE_STREAM,
          apiUrl: config.POSTMARK_API_URL,
        })
      : outbox.email,
    sms: config.TWILIO_ACCOUNT_SID
      ? twilioSms({
          accountSid: config.TWILIO_ACCOUNT_SID,
          authToken: config.TWILIO_AUTH_TOKEN!,
          from: config.TWILIO_FROM,
          messagingServiceSid: config.TWILIO_MESSAGING_SERVICE_SID,
          apiUrl: config.TWILIO_API_URL,
        })
      : outbox.sms,
  };
}
