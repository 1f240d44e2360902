// The two ports the dispatcher sends through. Adapters: Postmark and Twilio (src/providers/), and
// the local outbox when no credentials are configured. They translate a provider's answers into
// SendOutcome, so the retry rules live in one place (the dispatcher), not in each adapter.

export interface OutgoingEmail {
  deliveryId: number;
  batchId: string;
  to: string;
  fromName: string | null;
  subject: string;
  textBody: string;
  htmlBody: string;
  /** Our own one-click unsubscribe URL (List-Unsubscribe, RFC 8058). */
  unsubscribeUrl: string;
}

export interface OutgoingSms {
  deliveryId: number;
  batchId: string;
  to: string;
  body: string;
  /** Where the provider reports the message's fate (delivered, undelivered…). */
  statusCallbackUrl: string;
}

export type SendOutcome =
  | { status: 'sent'; providerMessageId: string }
  /**
   * The provider refused it. `permanent`: retrying cannot help (bad address, inactive recipient,
   * unsubscribed number). Otherwise `retryAfterMs`, when the provider said so (429 Retry-After).
   */
  | { status: 'failed'; permanent: boolean; code: string; reason: string; retryAfterMs?: number }
  /** No answer (timeout, connection reset): it may or may not have been sent; reconcile, never resend blindly. */
  | { status: 'unknown'; reason: string };

/** What a provider says it accepted from an earlier attempt: delivery id → provider message id. */
export type FoundMessages = Map<number, string>;

export interface EmailProvider {
  readonly name: string;
  /** Messages per provider call (Postmark's batch API takes 500). */
  readonly batchSize: number;
  /** One outcome per message, in order. Never throws for a provider's refusal. */
  sendBatch(messages: OutgoingEmail[]): Promise<SendOutcome[]>;
  /** Which of a batch's messages the provider accepted (after a crash or a timeout). */
  findSent(batchId: string, deliveryIds: number[]): Promise<FoundMessages>;
}

export interface SmsLookup {
  deliveryId: number;
  to: string;
  /** A string only this message contains (its personal link). */
  marker: string;
  sentAfter: number;
}

export interface SmsProvider {
  readonly name: string;
  send(message: OutgoingSms): Promise<SendOutcome>;
  findSent(lookups: SmsLookup[]): Promise<FoundMessages>;
}

export interface Providers {
  email: EmailProvider;
  sms: SmsProvider;
}
