// POST /webhooks/postmark: Delivery, Bounce, SpamComplaint and SubscriptionChange events, behind
// HTTP basic auth (Postmark signs nothing; the credentials go in the webhook URL). Our messages
// carry Metadata.delivery_id, which names the delivery and through it the member.
import { Hono } from 'hono';
import { z } from 'zod';
import type { CoreDeps } from '../../core/deps.js';
import { applyDeliveryEvent, memberOfDelivery, reactivateEmail, suppressEmail } from '../../core/delivery/events.js';
import { timingSafeEqual } from '../auth.js';
import { problemResponse, validationProblem, zodProblems } from '../problem.js';

const deliveryId = z.object({ delivery_id: z.string().regex(/^\d+$/).transform(Number) }).partial().passthrough();
const metadata = z.preprocess((v) => v ?? {}, deliveryId);
const instant = z.string().refine((v) => !Number.isNaN(Date.parse(v)), 'must be a date-time');

const postmarkEvent = z.discriminatedUnion('RecordType', [
  z.object({ RecordType: z.literal('Delivery'), DeliveredAt: instant, Metadata: metadata }),
  z.object({
    RecordType: z.literal('Bounce'),
    Type: z.string(),
    TypeCode: z.number().optional(),
    Description: z.string().nullish(),
    BouncedAt: instant,
    Inactive: z.boolean().optional(),
    Metadata: metadata,
  }),
  z.object({ RecordType: z.literal('SpamComplaint'), BouncedAt: instant.optional(), Metadata: metadata }),
  z.object({
    RecordType: z.literal('SubscriptionChange'),
    ChangedAt: instant,
    SuppressSending: z.boolean(),
    SuppressionReason: z.string().nullish(),
    Metadata: metadata,
  }),
]);
type PostmarkEvent = z.infer<typeof postmarkEvent>;

// Bounce types after which the address is not worth trying again (Postmark deactivates them too).
const HARD_BOUNCES = new Set(['HardBounce', 'BadEmailAddress', 'ManuallyDeactivated', 'SpamNotification', 'Blocked']);

export interface PostmarkWebhookSettings {
  user: string;
  password: string;
}

function authorized(header: string | undefined, settings: PostmarkWebhookSettings): boolean {
  const match = /^Basic\s+(.+)$/i.exec(header ?? '');
  if (!match) return false;
  let decoded = '';
  try {
    decoded = atob(match[1]!.trim());
  } catch {
    return false;
  }
  return timingSafeEqual(decoded, `${settings.user}:${settings.password}`);
}

async function apply(deps: CoreDeps, event: PostmarkEvent): Promise<string> {
  const id = event.Metadata.delivery_id;
  if (id === undefined) return 'not_ours';
  switch (event.RecordType) {
    case 'Delivery':
      return (await applyDeliveryEvent(deps, { type: 'delivered', deliveryId: id, at: Date.parse(event.DeliveredAt) })).applied ? 'applied' : 'unchanged';
    case 'Bounce': {
      const suppress = HARD_BOUNCES.has(event.Type) || event.Inactive === true;
      const result = await applyDeliveryEvent(deps, {
        type: 'bounced',
        deliveryId: id,
        at: Date.parse(event.BouncedAt),
        code: `postmark:${event.Type}`,
        reason: (event.Description ?? event.Type).slice(0, 300),
        suppress,
      });
      return result.applied ? 'applied' : 'unchanged';
    }
    case 'SpamComplaint': {
      const member = await memberOfDelivery(deps, id);
      return member !== null && (await suppressEmail(deps, member, 'spam_complaint')) ? 'applied' : 'unchanged';
    }
    case 'SubscriptionChange': {
      const member = await memberOfDelivery(deps, id);
      if (member === null) return 'not_ours';
      const changed = event.SuppressSending ? await suppressEmail(deps, member, `postmark:${event.SuppressionReason ?? 'suppressed'}`) : await reactivateEmail(deps, member);
      return changed ? 'applied' : 'unchanged';
    }
  }
}

const KNOWN_RECORDS = new Set(['Delivery', 'Bounce', 'SpamComplaint', 'SubscriptionChange']);

export function postmarkWebhook(deps: CoreDeps, settings: PostmarkWebhookSettings | undefined) {
  const app = new Hono();
  app.post('/webhooks/postmark', async (c) => {
    if (!settings) {
      return problemResponse(c, { type: 'about:blank', title: 'Postmark webhooks are not configured', status: 503, detail: 'Set POSTMARK_WEBHOOK_USER and POSTMARK_WEBHOOK_PASSWORD.' });
    }
    if (!authorized(c.req.header('authorization'), settings)) {
      deps.logger.log('warn', 'webhook.postmark.unauthorized');
      c.header('WWW-Authenticate', 'Basic realm="webhooks"');
      return problemResponse(c, { type: 'about:blank', title: 'Unauthorized', status: 401, detail: 'Use the basic-auth credentials configured for this webhook.' });
    }
    let body: unknown;
    try {
      body = await c.req.json();
    } catch {
      return problemResponse(c, validationProblem([{ path: '(body)', message: 'must be a JSON object' }]));
    }
    const record = (body as { RecordType?: unknown } | null)?.RecordType;
    // Opens and clicks (Postmark's tracking, which we turn off) and record types Postmark adds later
    // are acknowledged, or Postmark would retry them for hours.
    if (typeof record === 'string' && !KNOWN_RECORDS.has(record)) return c.json({ ok: true, outcome: 'ignored' });
    const parsed = postmarkEvent.safeParse(body);
    if (!parsed.success) return problemResponse(c, validationProblem(zodProblems(parsed.error)));
    const outcome = await apply(deps, parsed.data);
    deps.logger.log('info', 'webhook.postmark', { record: parsed.data.RecordType, outcome });
    return c.json({ ok: true, outcome });
  });
  return app;
}
