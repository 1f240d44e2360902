// An HTTP proxy in front of sqld that can hold a request back and forward it later (a libSQL server
// that runs a request late), or forward it at once and hold back its answer (one that ran it and
// whose answer was lost).
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface HoldingProxy {
  url: string;
  /** Holds the next request whose body contains `text` (or only its answer) until release(). */
  holdNext(text: string, what: 'request' | 'answer'): void;
  /** Forwards the held requests; resolves when sqld has answered them all. */
  release(): Promise<void>;
  /** How many requests were held. */
  held(): number;
  close(): Promise<void>;
}

export async function startHoldingProxy(target: string): Promise<HoldingProxy> {
  const holds: { text: string; what: 'request' | 'answer' }[] = [];
  const waiting: (() => void)[] = [];
  const answered: Promise<void>[] = [];
  let held = 0;
  const server = createServer(async (req, res) => {
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    const body = Buffer.concat(chunks);
    const text = body.toString();
    const at = holds.findIndex((h) => text.includes(h.text));
    const hold = at >= 0 ? holds.splice(at, 1)[0]!.what : undefined;
    if (hold) held += 1;
    const released = () => new Promise<void>((resolve) => waiting.push(resolve));
    if (hold === 'request') await released();
    const forwarding = (async () => {
      try {
        const answer = await fetch(new URL(req.url ?? '/', target), { method: req.method, headers: { 'content-type': req.headers['content-type'] ?? 'application/json' }, body: req.method === 'GET' ? undefined : body });
        const payload = Buffer.from(await answer.arrayBuffer());
        if (hold === 'answer') await released();
        if (!res.destroyed) res.writeHead(answer.status, { 'content-type': answer.headers.get('content-type') ?? 'application/json' }).end(payload);
      } catch {
        if (!res.destroyed) res.writeHead(502).end();
      }
    })();
    if (hold) answered.push(forwarding);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    holdNext: (text, what) => holds.push({ text, what }),
    async release() {
      // An answer is held only once sqld has given it: wait for those before letting go.
      while (waiting.length < held) await new Promise((resolve) => setTimeout(resolve, 10));
      for (const forward of waiting.splice(0)) forward();
      await Promise.all(answered);
    },
    held: () => held,
    close: () =>
      new Promise((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
