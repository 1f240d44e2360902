import { z } from '@hono/zod-openapi';

export const idParam = z.object({ id: z.string().regex(/^inv_[0-9a-z]{16}$/, 'is not an invitation id') });

/** Who is acting: the API token is shared, so callers name the person in X-Actor (default "api"). */
export const actorHeader = z.object({ 'x-actor': z.string().max(100).optional() });
export const actorOf = (headers: { 'x-actor'?: string | undefined }) => (headers['x-actor'] ? `api:${headers['x-actor']}` : 'api');
