import type { MiddlewareHandler } from 'hono';
import { problemResponse } from './problem.js';

/** Compares in time independent of where the strings differ, so the token cannot be guessed byte by byte. */
export function timingSafeEqual(a: string, b: string): boolean {
  const ea = new TextEncoder().encode(a);
  const eb = new TextEncoder().encode(b);
  let diff = ea.length ^ eb.length;
  for (let i = 0; i < Math.max(ea.length, eb.length); i++) diff |= (ea[i] ?? 0) ^ (eb[i] ?? 0);
  return diff === 0;
}

/** Bearer API_TOKEN, checked before the body is read. */
export function requireApiToken(token: string): MiddlewareHandler {
  return async (c, next) => {
    const header = c.req.header('authorization') ?? '';
    const match = /^Bearer\s+(.+)$/i.exec(header);
    if (!match || !timingSafeEqual(match[1]!.trim(), token)) {
      c.header('WWW-Authenticate', 'Bearer realm="api"');
      return problemResponse(c, { type: 'about:blank', title: 'Unauthorized', status: 401, detail: 'Send Authorization: Bearer <API_TOKEN>.' });
    }
    await next();
  };
}
