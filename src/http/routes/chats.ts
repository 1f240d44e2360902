import { createRoute, z } from '@hono/zod-openapi';
import { chatId, chatInput, chatPatch } from '../../core/chats/input.js';
import { getChat, listChats, saveChat, updateChat } from '../../core/chats/service.js';
import type { CoreDeps } from '../../core/deps.js';
import { conflict, createRouter, errorResponses, json, jsonBody, notFound } from '../router.js';
import { chatSchema, chatView } from '../views.js';

const idParam = z.object({ id: chatId });

export function chatRoutes(deps: CoreDeps) {
  const app = createRouter();

  app.openapi(
    createRoute({
      method: 'post',
      path: '/chats',
      tags: ['Chats'],
      summary: 'Create a chat',
      request: jsonBody(chatInput),
      responses: { 201: json(chatSchema, 'Created'), ...errorResponses, ...conflict },
    }),
    async (c) => c.json(chatView(await saveChat(deps.db, c.req.valid('json'), deps.clock.now(), { upsert: false })), 201),
  );

  app.openapi(
    createRoute({
      method: 'get',
      path: '/chats',
      tags: ['Chats'],
      summary: 'List chats',
      responses: { 200: json(z.object({ items: z.array(chatSchema) }), 'Chats by name'), ...errorResponses },
    }),
    async (c) => c.json({ items: (await listChats(deps.db)).map(chatView) }, 200),
  );

  app.openapi(
    createRoute({
      method: 'get',
      path: '/chats/{id}',
      tags: ['Chats'],
      summary: 'Get a chat',
      request: { params: idParam },
      responses: { 200: json(chatSchema, 'The chat'), ...errorResponses, ...notFound },
    }),
    async (c) => c.json(chatView(await getChat(deps.db, c.req.valid('param').id)), 200),
  );

  app.openapi(
    createRoute({
      method: 'patch',
      path: '/chats/{id}',
      tags: ['Chats'],
      summary: 'Update a chat (name, default locale, or the whole list of locales)',
      request: { params: idParam, ...jsonBody(chatPatch) },
      responses: { 200: json(chatSchema, 'Updated'), ...errorResponses, ...notFound },
    }),
    async (c) => c.json(chatView(await updateChat(deps.db, c.req.valid('param').id, c.req.valid('json'), deps.clock.now())), 200),
  );

  return app;
}
