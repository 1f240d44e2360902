import { createRoute, z } from '@hono/zod-openapi';
import type { CoreDeps } from '../../core/deps.js';
import { NotFoundError } from '../../core/errors.js';
import { findMember } from '../../core/members/find.js';
import { memberBulkInput, memberInput } from '../../core/members/input.js';
import { upsertMembers } from '../../core/members/upsert.js';
import { responseBulkInput } from '../../core/responses/input.js';
import { upsertResponses } from '../../core/responses/upsert.js';
import { externalId } from '../../core/validators.js';
import { createRouter, errorResponses, json, jsonBody, notFound } from '../router.js';
import { memberSchema, memberView } from '../views.js';

const idParam = z.object({ id: externalId });

async function getMember(deps: CoreDeps, id: string) {
  const row = await findMember(deps.db, id);
  if (!row) throw new NotFoundError('member', id);
  return row;
}

export function memberRoutes(deps: CoreDeps) {
  const app = createRouter();

  app.openapi(
    createRoute({
      method: 'put',
      path: '/members/{id}',
      tags: ['Members'],
      summary: 'Create or replace one member (upsert by the community participant ID)',
      description: 'Email/SMS opt-outs and suppressions are kept: they come from the member and the providers.',
      request: { params: idParam, ...jsonBody(memberInput.omit({ id: true })) },
      responses: { 200: json(memberSchema, 'The member as stored'), ...errorResponses },
    }),
    async (c) => {
      const { id } = c.req.valid('param');
      await upsertMembers(deps.db, [{ ...c.req.valid('json'), id }], deps.clock.now());
      return c.json(memberView(await getMember(deps, id)), 200);
    },
  );

  app.openapi(
    createRoute({
      method: 'get',
      path: '/members/{id}',
      tags: ['Members'],
      summary: 'Get one member',
      request: { params: idParam },
      responses: { 200: json(memberSchema, 'The member'), ...errorResponses, ...notFound },
    }),
    async (c) => c.json(memberView(await getMember(deps, c.req.valid('param').id)), 200),
  );

  app.openapi(
    createRoute({
      method: 'post',
      path: '/members/bulk',
      tags: ['Members'],
      summary: 'Upsert up to 10,000 members atomically',
      description: 'All or nothing: one invalid member rejects the request and nothing is written.',
      request: jsonBody(memberBulkInput),
      responses: { 200: json(z.object({ upserted: z.number() }), 'Upserted'), ...errorResponses },
    }),
    async (c) => c.json({ upserted: await upsertMembers(deps.db, c.req.valid('json').members, deps.clock.now()) }, 200),
  );

  app.openapi(
    createRoute({
      method: 'post',
      path: '/responses/bulk',
      tags: ['Chat responses'],
      summary: 'Upsert up to 10,000 chat responses atomically',
      description: 'Keyed by member × chat × question; an older answer never replaces a newer one. Unknown members or chats reject the request.',
      request: jsonBody(responseBulkInput),
      responses: { 200: json(z.object({ upserted: z.number() }), 'Upserted'), ...errorResponses },
    }),
    async (c) => c.json({ upserted: await upsertResponses(deps.db, c.req.valid('json').responses) }, 200),
  );

  return app;
}
