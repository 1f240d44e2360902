// The floor for Slack acknowledgements: a bare Hono route served by @hono/node-server, in its own
// process like the real server, reading the body and answering 200.
import { serve } from '@hono/node-server';
import { Hono } from 'hono';

const app = new Hono()
  .get('/floor', (c) => c.body(null, 200))
  .post('/floor', async (c) => {
    await c.req.text();
    return c.body(null, 200);
  });
serve({ fetch: app.fetch, port: Number(process.env.PORT), hostname: '127.0.0.1' });
