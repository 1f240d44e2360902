// Hono's bodyLimit reads `c.req.raw.body`, which makes @hono/node-server build a whole Web Request
// and ReadableStream for every request instead of reading the body straight from the socket
// (measured with bench/slack.ts: about 0.2 ms a request, most of what a Slack ack cost over a bare
// route). A declared Content-Length is checked from the header alone; only a body without one
// (chunked) is streamed through bodyLimit, which stops it at the limit.
import type { Context, MiddlewareHandler } from 'hono';
import { bodyLimit } from 'hono/body-limit';

export interface BodyLimitOptions {
  maxSize: number;
  onError: (c: Context) => Response | Promise<Response>;
}

export function limitBody(options: BodyLimitOptions): MiddlewareHandler {
  const streamed = bodyLimit(options);
  return async (c, next) => {
    if (c.req.method === 'GET' || c.req.method === 'HEAD') return next();
    const declared = c.req.header('content-length');
    if (declared !== undefined && c.req.header('transfer-encoding') === undefined) {
      return Number(declared) > options.maxSize ? options.onError(c) : next();
    }
    return streamed(c, next);
  };
}
