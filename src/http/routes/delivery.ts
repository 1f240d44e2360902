// The API side of sending: pause, resume, remind now, retry failed, where each step stands, and
// the local outbox (what would have been sent without provider credentials).
import { createRoute, z } from '@hono/zod-openapi';
import type { Context } from 'hono';
import { desc, lt } from 'drizzle-orm';
import { pauseInvitation, remindNow, resumeInvitation, retryFailed } from '../../core/delivery/controls.js';
import { deliveryProgress, shownDeliveryStates } from '../../core/delivery/progress.js';
import type { CoreDeps } from '../../core/deps.js';
import type { InvitationChange, InvitationChangeListener } from '../../core/invitations/changes.js';
import { getInvitation } from '../../core/invitations/service.js';
import { outbox } from '../../db/schema.js';
import { conflict, createRouter, errorResponses, json, notFound } from '../router.js';
import { invitationSchema, invitationView } from '../views.js';
import { waitUntilOf, type WaitUntil } from '../wait-until.js';
import { actorHeader, actorOf, idParam } from './params.js';

const stepSchema = z
  .object({
    step: z.number().describe('0: the invitation message; k: reminder step k.'),
    total: z.number(),
    states: z.record(z.enum(shownDeliveryStates), z.number()),
    retryable: z.number().describe('Failed for a passing reason: what retry-failed queues again.'),
  })
  .openapi('DeliveryStep');

const outboxQuery = z.object({
  limit: z.coerce.number().int().min(1).max(500).default(50),
  before: z.coerce.number().int().positive().optional().describe('Messages older than this outbox id (paging).'),
});

type Deps = CoreDeps & { changes?: InvitationChangeListener; waitUntil?: WaitUntil };

export function deliveryRoutes(deps: Deps) {
  const app = createRouter();
  const tell = (c: Context, change: InvitationChange) => deps.changes?.changed(change, waitUntilOf(deps.waitUntil, c));

  const control = (path: string, summary: string, action: InvitationChange['action'], run: (id: string, actor: string) => Promise<{ id: string; extra?: { queued?: number; requeued?: number } }>) =>
    app.openapi(
      createRoute({
        method: 'post',
        path: `/invitations/{id}/${path}`,
        tags: ['Sending'],
        summary,
        request: { params: idParam, headers: actorHeader },
        responses: { 200: json(z.object({ invitation: invitationSchema, queued: z.number().optional(), requeued: z.number().optional() }), 'Done'), ...errorResponses, ...notFound, ...conflict },
      }),
      async (c) => {
        const actor = actorOf(c.req.valid('header'));
        const { id, extra } = await run(c.req.valid('param').id, actor);
        const counts = Object.fromEntries(Object.entries(extra ?? {}).map(([k, n]) => [k, { from: null, to: n }]));
        tell(c, { invitationId: id, action, actor, changes: counts });
        return c.json({ invitation: invitationView(await getInvitation(deps.db, id)), ...extra }, 200);
      },
    );

  control('pause', 'Pause sending (what is in flight finishes)', 'paused', async (id, actor) => ({ id: (await pauseInvitation(deps, id, actor)).id }));
  control('resume', 'Resume sending where it stopped', 'resumed', async (id, actor) => ({ id: (await resumeInvitation(deps, id, actor)).id }));
  control('remind', 'Send a reminder now to members who have not completed', 'reminded', async (id, actor) => {
    const { invitation, queued } = await remindNow(deps, id, actor);
    return { id: invitation.id, extra: { queued } };
  });
  control('retry-failed', 'Queue again the messages that failed for a passing reason', 'retried', async (id, actor) => {
    const { invitation, requeued } = await retryFailed(deps, id, actor);
    return { id: invitation.id, extra: { requeued } };
  });

  app.openapi(
    createRoute({
      method: 'get',
      path: '/invitations/{id}/deliveries',
      tags: ['Sending'],
      summary: 'Where each delivery step stands',
      request: { params: idParam },
      responses: { 200: json(z.object({ steps: z.array(stepSchema) }), 'Steps'), ...errorResponses, ...notFound },
    }),
    async (c) => {
      const { id } = c.req.valid('param');
      await getInvitation(deps.db, id);
      return c.json({ steps: await deliveryProgress(deps.db, id, deps.clock.now()) }, 200);
    },
  );

  app.openapi(
    createRoute({
      method: 'get',
      path: '/outbox',
      tags: ['Sending'],
      summary: 'Messages kept in the local outbox (no provider configured), newest first',
      request: { query: outboxQuery },
      responses: {
        200: json(
          z.object({
            items: z.array(
              z.object({
                id: z.number(),
                deliveryId: z.number(),
                channel: z.enum(['email', 'sms']),
                to: z.string(),
                subject: z.string().nullable(),
                text: z.string(),
                html: z.string().nullable(),
                headers: z.record(z.string(), z.string()).nullable(),
                createdAt: z.string(),
              }),
            ),
            nextBefore: z.number().nullable(),
          }),
          'Outbox',
        ),
        ...errorResponses,
      },
    }),
    async (c) => {
      const { limit, before } = c.req.valid('query');
      const rows = await deps.db
        .select()
        .from(outbox)
        .where(before ? lt(outbox.id, before) : undefined)
        .orderBy(desc(outbox.id))
        .limit(limit + 1);
      const items = rows.slice(0, limit).map((r) => ({
        id: r.id,
        deliveryId: r.deliveryId,
        channel: r.channel,
        to: r.recipient,
        subject: r.subject,
        text: r.textBody,
        html: r.htmlBody,
        headers: r.headers ?? null,
        createdAt: new Date(r.createdAt).toISOString(),
      }));
      return c.json({ items, nextBefore: rows.length > limit ? items[items.length - 1]!.id : null }, 200);
    },
  );

  return app;
}
