// Twilio's webhooks: message status callbacks (/webhooks/twilio/status?delivery=ID) and inbound
// messages (/webhooks/twilio/inbound: STOP, START, HELP). Both are checked against
// X-Twilio-Signature, computed over the public URL Twilio called, before anything is read from them.
import { Hono, type Context } from 'hono';
import { z } from 'zod';
import type { CoreDeps } from '../../core/deps.js';
import { applyDeliveryEvent, setSmsOptOut } from '../../core/delivery/events.js';
import { problemResponse, validationProblem, zodProblems } from '../problem.js';
import { verifyTwilioSignature } from './twilio-signature.js';

const OPT_OUT = new Set(['STOP', 'STOPALL', 'UNSUBSCRIBE', 'CANCEL', 'END', 'QUIT', 'REVOKE', 'OPTOUT']);
const OPT_IN = new Set(['START', 'YES', 'UNSTOP']);
const HELP = new Set(['HELP', 'INFO']);

// Twilio errors after which this number will not receive SMS from us, whatever we retry.
const PERMANENT_SMS_ERRORS = new Set(['21211', '21408', '21610', '21612', '21614', '30005', '30006', '30008']);

const statusCallback = z.object({
  MessageSid: z.string().min(1),
  MessageStatus: z.string().min(1),
  ErrorCode: z.string().regex(/^\d+$/).optional(),
  To: z.string().optional(),
});

const inboundMessage = z.object({ From: z.string().regex(/^\+[1-9]\d{6,14}$/, 'must be an E.164 phone number'), Body: z.string().max(1600).default('') });

function twiml(message?: string): string {
  const escaped = message?.replace(/[<>&"']/g, (ch) => `&#${ch.charCodeAt(0)};`);
  return `<?xml version="1.0" encoding="UTF-8"?><Response>${escaped ? `<Message>${escaped}</Message>` : ''}</Response>`;
}

export interface TwilioWebhookSettings {
  authToken: string | undefined;
  publicBaseUrl: string;
}

// The number is shared by every chat and we do not know the sender's language: both of ours.
const HELP_TEXT = 'Research chat invitations. Reply STOP to opt out, START to opt back in. / Invitations aux conversations de recherche. Répondez STOP pour vous désabonner, START pour vous réabonner.';

/** Verifies the signature and returns the form parameters, or the response that refuses the request. */
async function signedParams(c: Context, deps: CoreDeps, settings: TwilioWebhookSettings): Promise<URLSearchParams | Response> {
  if (!settings.authToken) {
    return problemResponse(c, { type: 'about:blank', title: 'Twilio webhooks are not configured', status: 503, detail: 'Set TWILIO_AUTH_TOKEN.' });
  }
  const params = new URLSearchParams(await c.req.text());
  const requested = new URL(c.req.url);
  const publicUrl = `${settings.publicBaseUrl.replace(/\/$/, '')}${requested.pathname}${requested.search}`;
  if (!(await verifyTwilioSignature(settings.authToken, publicUrl, params, c.req.header('x-twilio-signature')))) {
    deps.logger.log('warn', 'webhook.twilio.bad_signature', { path: requested.pathname });
    return problemResponse(c, { type: 'about:blank', title: 'Forbidden', status: 403, detail: 'X-Twilio-Signature does not match.' });
  }
  return params;
}

export function twilioWebhooks(deps: CoreDeps, settings: TwilioWebhookSettings) {
  const app = new Hono();

  app.post('/webhooks/twilio/status', async (c) => {
    const params = await signedParams(c, deps, settings);
    if (params instanceof Response) return params;
    const parsed = statusCallback.safeParse(Object.fromEntries(params));
    if (!parsed.success) return problemResponse(c, validationProblem(zodProblems(parsed.error)));
    const delivery = Number(c.req.query('delivery'));
    if (!Number.isInteger(delivery) || delivery <= 0) return problemResponse(c, validationProblem([{ path: 'delivery', message: 'the callback URL must name a delivery' }]));
    const { MessageStatus: status, ErrorCode: code } = parsed.data;
    const at = deps.clock.now();
    let outcome = 'ignored';
    if (status === 'delivered') {
      outcome = (await applyDeliveryEvent(deps, { type: 'delivered', deliveryId: delivery, at })).applied ? 'applied' : 'unchanged';
    } else if (status === 'undelivered' || status === 'failed') {
      const permanent = code !== undefined && PERMANENT_SMS_ERRORS.has(code);
      const result = await applyDeliveryEvent(deps, { type: 'failed', deliveryId: delivery, at, code: `twilio:${code ?? status}`, reason: status, permanent });
      outcome = result.applied ? 'applied' : 'unchanged';
      // 21610: the recipient had replied STOP to this sender; honour it here too.
      if (code === '21610' && parsed.data.To) await setSmsOptOut(deps, parsed.data.To, true);
    }
    // queued / sending / sent add nothing to what the send itself recorded.
    deps.logger.log('info', 'webhook.twilio.status', { delivery, status, outcome });
    return c.body(null, 204);
  });

  app.post('/webhooks/twilio/inbound', async (c) => {
    const params = await signedParams(c, deps, settings);
    if (params instanceof Response) return params;
    const parsed = inboundMessage.safeParse(Object.fromEntries(params));
    if (!parsed.success) return problemResponse(c, validationProblem(zodProblems(parsed.error)));
    // Keywords count only as the whole message (what carriers and Twilio do).
    const keyword = parsed.data.Body.trim().toUpperCase();
    let reply: string | undefined;
    let action = 'none';
    if (OPT_OUT.has(keyword)) {
      action = 'opt_out';
      await setSmsOptOut(deps, parsed.data.From, true);
    } else if (OPT_IN.has(keyword)) {
      action = 'opt_in';
      await setSmsOptOut(deps, parsed.data.From, false);
    } else if (HELP.has(keyword)) {
      action = 'help';
      reply = HELP_TEXT;
    }
    deps.logger.log('info', 'webhook.twilio.inbound', { action });
    return c.body(twiml(reply), 200, { 'content-type': 'text/xml; charset=utf-8' });
  });

  return app;
}
