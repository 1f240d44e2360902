// Body limits on a real @hono/node-server socket: a declared Content-Length is judged from the header,
// a chunked body is cut off at the limit, and a body within the limit still reaches the handler.
import { request } from 'node:http';
import type { AddressInfo } from 'node:net';
import { serve, type ServerType } from '@hono/node-server';
import { Hono } from 'hono';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { limitBody } from '../../src/http/body-limit.js';

const LIMIT = 100;
let server: ServerType;
let base: string;
let handled = 0;

beforeAll(async () => {
  const app = new Hono()
    .use('*', limitBody({ maxSize: LIMIT, onError: (c) => c.json({ error: 'payload_too_large' }, 413) }))
    .get('/echo', (c) => c.text('get'))
    .post('/echo', async (c) => {
      handled++;
      return c.text(await c.req.text());
    });
  await new Promise<void>((ready) => {
    server = serve({ fetch: app.fetch, port: 0, hostname: '127.0.0.1' }, () => ready());
  });
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});

afterAll(() => new Promise<void>((done) => server.close(() => done())));

/** POSTs `chunks`, chunked unless `declared` is given as the Content-Length. */
function post(chunks: string[], declared?: number): Promise<{ status: number; body: string }> {
  return new Promise((done, fail) => {
    const headers: Record<string, string> = { 'content-type': 'text/plain' };
    if (declared !== undefined) headers['content-length'] = String(declared);
    const req = request(`${base}/echo`, { method: 'POST', headers }, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (d: string) => (body += d));
      res.on('end', () => done({ status: res.statusCode!, body }));
    });
    req.on('error', fail);
    for (const chunk of chunks) req.write(chunk);
    req.end();
  });
}

describe('limitBody', () => {
  it('passes a body within the limit to the handler, declared or chunked', async () => {
    expect(await post(['a'.repeat(LIMIT)], LIMIT)).toEqual({ status: 200, body: 'a'.repeat(LIMIT) });
    expect(await post(['b'.repeat(60), 'c'.repeat(40)])).toEqual({ status: 200, body: 'b'.repeat(60) + 'c'.repeat(40) });
    expect((await fetch(`${base}/echo`)).status).toBe(200);
  });

  it('refuses a declared length over the limit without running the handler', async () => {
    const before = handled;
    const res = await post(['x'.repeat(LIMIT + 1)], LIMIT + 1);
    expect(res.status).toBe(413);
    expect(JSON.parse(res.body)).toEqual({ error: 'payload_too_large' });
    expect(handled).toBe(before);
  });

  it('cuts off a chunked body that grows past the limit', async () => {
    const before = handled;
    const res = await post(['y'.repeat(60), 'z'.repeat(60)]);
    expect(res.status).toBe(413);
    expect(handled).toBe(before);
  });
});
