import { createRoute, z } from '@hono/zod-openapi';
import type { Context } from 'hono';
import type { CoreDeps } from '../../core/deps.js';
import type { InvitationChange, InvitationChangeListener } from '../../core/invitations/changes.js';
import { waitUntilOf, type WaitUntil } from '../wait-until.js';
import { invitationCreateInput, invitationListQuery, invitationPatchInput } from '../../core/invitations/input.js';
import { audiencePreviewInput, previewSavedAudience, previewUnsavedAudience } from '../../core/invitations/preview.js';
import {
  closeInvitation,
  createInvitation,
  getInvitation,
  invitationAudit,
  invitationCounts,
  listInvitations,
  checkInvitation,
  updateInvitation,
} from '../../core/invitations/service.js';
import { conflict, createRouter, errorResponses, json, jsonBody, notFound } from '../router.js';
import { countsSchema, invitationSchema, invitationView } from '../views.js';
import { actorHeader, actorOf, idParam } from './params.js';


const smsLengthSchema = z.object({
  encoding: z.enum(['GSM-7', 'UCS-2']),
  characters: z.number(),
  units: z.number(),
  segments: z.number(),
});
const validationSchema = z.object({ sms: smsLengthSchema.optional() }).openapi('ValidationDetails');

const previewSchema = z
  .object({
    matched: z.number(),
    audience: z.number(),
    byLocale: z.record(z.string(), z.number()),
    byChannel: z.object({ email: z.number(), sms: z.number() }),
    byTimeZone: z.record(z.string(), z.number()).describe("The audience's members per IANA time zone, largest first (a member-local invitation opens per zone)."),
    excluded: z.record(z.string(), z.number()),
    excludedIds: z.record(z.string(), z.array(z.string())).optional(),
    sample: z.object({ seed: z.string(), poolSize: z.number(), size: z.number() }).optional(),
    examples: z.array(z.object({ id: z.string(), preferredLocale: z.string().nullable(), timeZone: z.string(), channel: z.enum(['email', 'sms']) })),
    liveAudience: z.boolean(),
    computedAt: z.string(),
    tookMs: z.number(),
  })
  .openapi('AudiencePreview');

const auditSchema = z.object({
  items: z.array(z.object({ action: z.string(), actor: z.string(), at: z.string(), changes: z.unknown() })),
});


const createHeaders = actorHeader.extend({
  'idempotency-key': z
    .string()
    .min(1)
    .max(200)
    .optional()
    .describe('Retrying a create with the same key returns the first invitation (200) instead of creating another.'),
});

export function invitationRoutes(deps: CoreDeps & { changes?: InvitationChangeListener; waitUntil?: WaitUntil }) {
  const tell = (c: Context, change: InvitationChange) => deps.changes?.changed(change, waitUntilOf(deps.waitUntil, c));

  const app = createRouter();

  app.openapi(
    createRoute({
      method: 'post',
      path: '/invitations',
      tags: ['Invitations'],
      summary: 'Create (schedule) an invitation',
      request: { headers: createHeaders, ...jsonBody(invitationCreateInput) },
      responses: {
        201: json(z.object({ invitation: invitationSchema, validation: validationSchema }), 'Scheduled'),
        200: json(z.object({ invitation: invitationSchema, validation: validationSchema }), 'Already created with this Idempotency-Key: the same invitation'),
        ...errorResponses,
      },
    }),
    async (c) => {
      const headers = c.req.valid('header');
      const key = headers['idempotency-key'];
      const { invitation, details, replayed } = await createInvitation(deps, c.req.valid('json'), actorOf(headers), key ? { idempotencyKey: `api:${key}` } : {});
      if (!replayed) tell(c, { invitationId: invitation.id, action: 'created', actor: actorOf(headers) });
      if (replayed) {
        c.header('Idempotent-Replayed', 'true');
        return c.json({ invitation: invitationView(invitation), validation: details }, 200);
      }
      return c.json({ invitation: invitationView(invitation), validation: details }, 201);
    },
  );

  app.openapi(
    createRoute({
      method: 'post',
      path: '/invitations/validate',
      tags: ['Invitations'],
      summary: 'Check an invitation form without saving it (returns SMS segments)',
      request: jsonBody(invitationCreateInput),
      responses: { 200: json(z.object({ valid: z.literal(true), validation: validationSchema }), 'Valid'), ...errorResponses },
    }),
    async (c) => {
      const details = await checkInvitation(deps, c.req.valid('json'));
      return c.json({ valid: true as const, validation: details }, 200);
    },
  );

  app.openapi(
    createRoute({
      method: 'get',
      path: '/invitations',
      tags: ['Invitations'],
      summary: 'List invitations, newest first',
      request: { query: invitationListQuery },
      responses: { 200: json(z.object({ items: z.array(invitationSchema), nextCursor: z.string().nullable() }), 'A page'), ...errorResponses },
    }),
    async (c) => {
      const page = await listInvitations(deps.db, c.req.valid('query'));
      return c.json({ items: page.items.map((i) => invitationView(i)), nextCursor: page.nextCursor }, 200);
    },
  );

  app.openapi(
    createRoute({
      method: 'get',
      path: '/invitations/{id}',
      tags: ['Invitations'],
      summary: 'Get an invitation with its counts',
      request: { params: idParam },
      responses: { 200: json(invitationSchema, 'The invitation'), ...errorResponses, ...notFound },
    }),
    async (c) => {
      const { id } = c.req.valid('param');
      return c.json(invitationView(await getInvitation(deps.db, id), await invitationCounts(deps.db, id)), 200);
    },
  );

  app.openapi(
    createRoute({
      method: 'patch',
      path: '/invitations/{id}',
      tags: ['Invitations'],
      summary: 'Edit an invitation (everything while scheduled; only closesAt and responseLimit once open)',
      request: { params: idParam, headers: actorHeader, ...jsonBody(invitationPatchInput) },
      responses: { 200: json(z.object({ invitation: invitationSchema, validation: validationSchema }), 'Updated'), ...errorResponses, ...notFound, ...conflict },
    }),
    async (c) => {
      const actor = actorOf(c.req.valid('header'));
      const { invitation, details, changes } = await updateInvitation(deps, c.req.valid('param').id, c.req.valid('json'), actor);
      if (Object.keys(changes).length > 0) tell(c, { invitationId: invitation.id, action: 'edited', actor, changes });
      return c.json({ invitation: invitationView(invitation), validation: details }, 200);
    },
  );

  app.openapi(
    createRoute({
      method: 'post',
      path: '/invitations/{id}/close',
      tags: ['Invitations'],
      summary: 'Close an invitation now',
      request: { params: idParam, headers: actorHeader },
      responses: { 200: json(invitationSchema, 'Closed'), ...errorResponses, ...notFound, ...conflict },
    }),
    async (c) => {
      const actor = actorOf(c.req.valid('header'));
      const invitation = await closeInvitation(deps, c.req.valid('param').id, actor);
      tell(c, { invitationId: invitation.id, action: 'closed', actor });
      return c.json(invitationView(invitation), 200);
    },
  );

  app.openapi(
    createRoute({
      method: 'get',
      path: '/invitations/{id}/summary',
      tags: ['Invitations'],
      summary: 'Delivery funnel counts',
      request: { params: idParam },
      responses: {
        200: json(countsSchema.extend({ responseLimit: z.number().nullable(), completionRate: z.number().nullable(), status: z.string() }), 'Counts'),
        ...errorResponses,
        ...notFound,
      },
    }),
    async (c) => {
      const { id } = c.req.valid('param');
      const invitation = await getInvitation(deps.db, id);
      const counts = await invitationCounts(deps.db, id);
      const completionRate = counts.sent > 0 ? counts.completed / counts.sent : null;
      return c.json({ ...counts, status: invitation.status, responseLimit: invitation.responseLimit, completionRate }, 200);
    },
  );

  app.openapi(
    createRoute({
      method: 'get',
      path: '/invitations/{id}/audit',
      tags: ['Invitations'],
      summary: 'Audit trail: every state change and edit, who and when',
      request: { params: idParam },
      responses: { 200: json(auditSchema, 'Oldest first'), ...errorResponses, ...notFound },
    }),
    async (c) => {
      const rows = await invitationAudit(deps.db, c.req.valid('param').id);
      return c.json({ items: rows.map((r) => ({ action: r.action, actor: r.actor, at: new Date(r.at).toISOString(), changes: r.changes })) }, 200);
    },
  );

  app.openapi(
    createRoute({
      method: 'get',
      path: '/invitations/{id}/preview',
      tags: ['Audience'],
      summary: "Preview a saved invitation's audience",
      request: { params: idParam },
      responses: { 200: json(previewSchema, 'Preview'), ...errorResponses, ...notFound },
    }),
    async (c) => c.json(await previewSavedAudience(deps, c.req.valid('param').id), 200),
  );

  app.openapi(
    createRoute({
      method: 'post',
      path: '/audience/preview',
      tags: ['Audience'],
      summary: 'Preview the audience of an unsaved target: count, breakdowns, exclusion reasons, examples',
      request: jsonBody(audiencePreviewInput),
      responses: { 200: json(previewSchema, 'Preview'), ...errorResponses },
    }),
    async (c) => c.json(await previewUnsavedAudience(deps, c.req.valid('json')), 200),
  );

  return app;
}
