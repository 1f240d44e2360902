// A lean Postmark- and Twilio-compatible server for the dispatch benchmark, in its own process:
// the endpoints the runner uses, their real request and answer formats, and a count instead of a
// record of every message (the test fakes keep every message, which a million would not fit).
//   POST /email/batch                                 Postmark batch: one result per message
//   POST /2010-04-01/Accounts/:sid/Messages.json      Twilio create: 201 with the message resource
//   GET  /count                                       messages accepted so far
import { randomUUID } from 'node:crypto';
import { createServer } from 'node:http';
import { readBody } from '../test/support/read-body.js';

let emails = 0;
let sms = 0;


const server = createServer(async (req, res) => {
  const text = await readBody(req);
  if (req.method === 'POST' && req.url === '/email/batch') {
    const messages = JSON.parse(text) as { To: string }[];
    emails += messages.length;
    const at = new Date().toISOString();
    res.writeHead(200, { 'content-type': 'application/json' });
    res.end(JSON.stringify(messages.map((m) => ({ ErrorCode: 0, Message: 'OK', MessageID: randomUUID(), SubmittedAt: at, To: m.To }))));
    return;
  }
  const twilio = /^\/2010-04-01\/Accounts\/(AC\w+)\/Messages\.json$/.exec(req.url ?? '');
  if (req.method === 'POST' && twilio) {
    const params = new URLSearchParams(text);
    sms += 1;
    const now = new Date().toUTCString();
    const sid = `SM${randomUUID().replaceAll('-', '')}`;
    res.writeHead(201, { 'content-type': 'application/json' });
    res.end(
      JSON.stringify({
        account_sid: twilio[1],
        api_version: '2010-04-01',
        body: params.get('Body'),
        date_created: now,
        date_sent: null,
        date_updated: now,
        direction: 'outbound-api',
        error_code: null,
        error_message: null,
        from: params.get('From'),
        messaging_service_sid: params.get('MessagingServiceSid'),
        num_media: '0',
        num_segments: '1',
        price: null,
        price_unit: 'USD',
        sid,
        status: 'queued',
        subresource_uris: { media: `/2010-04-01/Accounts/${twilio[1]}/Messages/${sid}/Media.json` },
        to: params.get('To'),
        uri: `/2010-04-01/Accounts/${twilio[1]}/Messages/${sid}.json`,
      }),
    );
    return;
  }
  if (req.url === '/count') {
    res.writeHead(200, { 'content-type': 'application/json' });
    res.end(JSON.stringify({ emails, sms }));
    return;
  }
  res.writeHead(404).end();
});

server.keepAliveTimeout = 60_000;
server.listen(0, '127.0.0.1', () => {
  const { port } = server.address() as { port: number };
  console.log(`http://127.0.0.1:${port}`);
});
