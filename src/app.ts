// createApp(deps) → the Hono app. No Node-only imports here or below it: the same app runs on
// Node (src/entry/node.ts) and on Cloudflare Workers.
import { sql } from 'drizzle-orm';
import type { CoreDeps } from './core/deps.js';
import type { InvitationChangeListener } from './core/invitations/changes.js';
import { requireApiToken } from './http/auth.js';
import { errorHandler, problemResponse } from './http/problem.js';
import { requestLog } from './http/request-log.js';
import { createRouter } from './http/router.js';
import { chatRoutes } from './http/routes/chats.js';
import { completionRoutes } from './http/routes/completions.js';
import { deliveryRoutes } from './http/routes/delivery.js';
import { invitationRoutes } from './http/routes/invitations.js';
import { participantRoutes } from './http/routes/participant.js';
import { postmarkWebhook, type PostmarkWebhookSettings } from './http/webhooks/postmark.js';
import { twilioWebhooks } from './http/webhooks/twilio.js';
import { memberRoutes } from './http/routes/members.js';
import type { SlackRequestHandler } from './slack/http.js';
import { waitUntilOf, type WaitUntil } from './http/wait-until.js';
import { limitBody } from './http/body-limit.js';

export interface AppDeps extends CoreDeps {
  apiToken: string;
  /** Absent until Slack credentials are configured: /slack/events then answers 503. */
  slack?: SlackRequestHandler;
  /** Keeps work alive after the response (Node: the entry's collector; Workers: the request's ctx). */
  waitUntil?: WaitUntil;
  /** Told of changes made through the API (the Slack summaries follow them). */
  changes?: InvitationChangeListener;
  webhooks?: {
    /** Signs POST /api/completions (COMPLETION_WEBHOOK_SECRET); default: the API token. */
    completionSecret?: string;
    /** Basic-auth credentials of /webhooks/postmark; absent: it answers 503. */
    postmark?: PostmarkWebhookSettings;
    /** Verifies X-Twilio-Signature; absent: /webhooks/twilio/* answer 503. */
    twilioAuthToken?: string;
  };
}

const MAX_SLACK_BODY_BYTES = 1024 * 1024;

// The server runs with a 128 MB V8 old space (package.json "start"): a JSON body is parsed whole,
// so bodies stay well below it (10,000 members or 5,000,000 characters of IDs fit in 16 MB).
const MAX_BODY_BYTES = 16 * 1024 * 1024;

export function createApp(deps: AppDeps) {
  const app = createRouter();
  app.onError(errorHandler(deps.logger));
  app.use('*', requestLog(deps.logger));
  app.notFound((c) => problemResponse(c, { type: 'about:blank', title: 'Not found', status: 404, detail: `No route for ${c.req.method} ${c.req.path}` }));

  app.get('/healthz', async (c) => {
    await deps.db.run(sql`SELECT 1`);
    return c.json({ ok: true });
  });

  app.post(
    '/slack/events',
    limitBody({ maxSize: MAX_SLACK_BODY_BYTES, onError: (c) => c.json({ error: 'payload_too_large' }, 413) }),
    async (c) => {
      if (!deps.slack) {
        return problemResponse(c, { type: 'about:blank', title: 'Slack is not configured', status: 503, detail: 'Set SLACK_SIGNING_SECRET and SLACK_BOT_TOKEN (see README, "Slack app").' });
      }
      return deps.slack(c.req.raw, waitUntilOf(deps.waitUntil, c));
    },
  );

  app.route('/', participantRoutes(deps));
  const webhooks = deps.webhooks ?? {};
  app.route('/', postmarkWebhook(deps, webhooks.postmark));
  app.route('/', twilioWebhooks(deps, { authToken: webhooks.twilioAuthToken, publicBaseUrl: deps.settings.publicBaseUrl }));
  // Before the API router: completions carry their own signature instead of the API token.
  app.route('/', completionRoutes({ ...deps, secret: webhooks.completionSecret ?? deps.apiToken }));

  const api = createRouter();
  api.use('*', requireApiToken(deps.apiToken));
  api.use(
    '*',
    limitBody({
      maxSize: MAX_BODY_BYTES,
      onError: (c) => problemResponse(c, { type: 'about:blank', title: 'Payload too large', status: 413, detail: `Bodies are limited to ${MAX_BODY_BYTES} bytes.` }),
    }),
  );
  api.route('/', chatRoutes(deps));
  api.route('/', memberRoutes(deps));
  api.route('/', invitationRoutes(deps));
  api.route('/', deliveryRoutes(deps));
  app.route('/api', api);

  app.doc31('/openapi.json', {
    openapi: '3.1.0',
    info: { title: 'Chat invitations API', version: '1.0.0', description: 'Invitations that deliver research chats to community members.' },
    security: [{ bearer: [] }],
  });
  app.openAPIRegistry.registerComponent('securitySchemes', 'bearer', { type: 'http', scheme: 'bearer', description: 'API_TOKEN' });
  return app;
}
