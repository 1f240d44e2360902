import type { MiddlewareHandler } from 'hono';
import type { Logger } from '../core/logger.js';

/** One line per request: method, route pattern (not the raw URL, which may carry ids), status, time. */
export function requestLog(logger: Logger): MiddlewareHandler {
  return async (c, next) => {
    const started = performance.now();
    await next();
    logger.log(c.res.status >= 500 ? 'error' : 'info', 'http.request', {
      method: c.req.method,
      route: c.req.routePath,
      status: c.res.status,
      ms: Math.round(performance.now() - started),
    });
  };
}
