// "Send test" as survey tools do it: the previewed message, marked as a test, sent through the
// runner's own email and SMS providers to the clicking user's Slack email and phone, so what
// arrives is what the providers make of it. It bypasses the delivery records on purpose: no
// delivery, no participation, nothing counted.
import type { WebClient } from '@slack/web-api';
import type { OutgoingEmail, Providers, SendOutcome } from '../core/delivery/providers.js';
import type { CoreDeps } from '../core/deps.js';
import { sampleLink } from '../core/invitations/prepare.js';
import type { Logger } from '../core/logger.js';
import { e164Phone } from '../core/validators.js';
import type { RenderedPreview } from './message-preview.js';
import { escapedWithin } from './views/text.js';

const TEST_PREFIX = '[Test] ';
const TEST_NOTE = 'A test of an invitation, sent only to you and never counted. Its link is a sample that leads nowhere.';

interface Contact {
  email?: string;
  phone?: string;
  /** The profile has a phone number, but not one a provider could dial. */
  phoneUnusable?: boolean;
}

export interface TestReport {
  /** False when nothing went to a provider (no address for the message's channel): the caller DMs it. */
  attempted: boolean;
  lines: string[];
}

/** The user's own addresses from their Slack profile (users:read.email); Slack's free-text phone is tidied, never guessed at. */
async function slackContact(client: WebClient, user: string, logger: Logger): Promise<Contact> {
  try {
    const profile = (await client.users.info({ user })).user?.profile;
    const raw = profile?.phone?.trim() ?? '';
    const phone = raw.replace(/[\s().-]/g, '');
    return { email: profile?.email || undefined, ...(e164Phone.safeParse(phone).success ? { phone } : { phoneUnusable: raw !== '' }) };
  } catch (error) {
    logger.log('warn', 'slack.test_contact_failed', { user, reason: (error as { data?: { error?: string } }).data?.error ?? 'error' });
    return {};
  }
}

const maskEmail = (address: string) => address.replace(/^(.)[^@]*@/, '$1***@');
const maskPhone = (phone: string) => `${phone.slice(0, 2)}${'*'.repeat(Math.max(0, phone.length - 6))}${phone.slice(-4)}`;

const escapeHtml = (text: string) => text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);

function testEmail(email: NonNullable<RenderedPreview['email']>, to: string, batchId: string, publicBaseUrl: string): OutgoingEmail {
  const link = sampleLink(publicBaseUrl);
  const paragraphs = `${email.body}\n\n${TEST_NOTE}`.split(/\n{2,}/).map((p) => `<p>${escapeHtml(p).replaceAll(link, `<a href="${link}">${link}</a>`).replaceAll('\n', '<br>')}</p>`);
  return {
    // Delivery 0 names no delivery: a test has none.
    deliveryId: 0,
    batchId,
    to,
    fromName: email.from,
    subject: TEST_PREFIX + email.subject,
    textBody: `${email.body}\n\n--\n${TEST_NOTE}\n`,
    htmlBody: `<!doctype html><html><body>${paragraphs.join('\n')}</body></html>`,
    // The sample token, unknown to the server: unsubscribing from a test changes nothing.
    unsubscribeUrl: link.replace('/i/', '/u/'),
  };
}

/** A thrown error (a bug, the outbox's database) is reported like a silence: the user is told, nothing retried. */
async function attempt(send: () => Promise<SendOutcome | undefined>): Promise<SendOutcome> {
  try {
    return (await send()) ?? { status: 'unknown', reason: 'the provider gave no answer' };
  } catch (error) {
    return { status: 'unknown', reason: error instanceof Error ? error.message : String(error) };
  }
}

function outcomeLine(outcome: SendOutcome, what: string, to: string, address: string, provider: string): string {
  if (outcome.status === 'sent') return `• The ${what} went to ${to} (through ${provider}).`;
  // Provider texts may quote the address (Postmark's inactive-recipient message does).
  const reason = escapedWithin(outcome.reason.replaceAll(address, to), 300);
  if (outcome.status === 'unknown') return `• ${provider} did not confirm the ${what} to ${to}; it may still arrive. ${reason}`;
  return outcome.permanent
    ? `• ${provider} refused the ${what} to ${to} (code ${outcome.code}): ${reason}`
    : `• ${provider} could not take the ${what} to ${to} just now (code ${outcome.code}); try again in a moment. ${reason}`;
}

export async function sendTestMessage(
  deps: Pick<CoreDeps, 'logger' | 'settings'>,
  providers: Providers,
  client: WebClient,
  user: string,
  preview: RenderedPreview,
  batchId: string,
): Promise<TestReport> {
  const { email: emailProvider, sms: smsProvider } = providers;
  const contact = await slackContact(client, user, deps.logger);
  const lines: string[] = [];
  let attempted = false;
  const log = (via: string, provider: string, outcome: SendOutcome) =>
    deps.logger.log('info', 'slack.test_message_sent', { user, via, provider, status: outcome.status, code: outcome.status === 'failed' ? outcome.code : undefined });

  if (preview.email && contact.email) {
    const message = testEmail(preview.email, contact.email, batchId, deps.settings.publicBaseUrl);
    const outcome = await attempt(async () => (await emailProvider.sendBatch([message]))[0]);
    attempted = true;
    log('email', emailProvider.name, outcome);
    lines.push(outcomeLine(outcome, `email “${escapedWithin(message.subject, 200)}”`, maskEmail(contact.email), contact.email, emailProvider.name));
  } else if (preview.email) {
    lines.push('• Your Slack profile shows no email address, so the email could not be sent to you.');
  }

  if (preview.sms && contact.phone) {
    const to = contact.phone;
    const body = TEST_PREFIX + preview.sms.text;
    // Our status webhook refuses delivery 0, so a test's status reports are dropped, as they should be.
    const statusCallbackUrl = `${deps.settings.publicBaseUrl.replace(/\/$/, '')}/webhooks/twilio/status?delivery=0`;
    const outcome = await attempt(() => smsProvider.send({ deliveryId: 0, batchId, to, body, statusCallbackUrl }));
    attempted = true;
    log('sms', smsProvider.name, outcome);
    lines.push(outcomeLine(outcome, 'SMS', maskPhone(to), to, smsProvider.name));
  } else if (preview.sms) {
    lines.push(
      contact.phoneUnusable
        ? '• The phone number in your Slack profile is not in international form (such as +15145550123), so no SMS was sent.'
        : '• Your Slack profile shows no phone number, so no SMS was sent.',
    );
  }
  return { attempted, lines };
}
