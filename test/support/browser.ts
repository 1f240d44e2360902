// Real-browser tests: Debian's chromium driven by playwright-core (never a downloaded browser),
// the real app served on a loopback port, and a tiny local stand-in for the chat platform.
import { existsSync } from 'node:fs';
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { serve } from '@hono/node-server';
import { chromium, type Browser, type BrowserContext, type BrowserContextOptions, type Page } from 'playwright-core';
import { afterAll, afterEach, beforeAll } from 'vitest';

/** Debian's chromium (`apt-get install chromium`); .ci/run installs it on a fresh machine. */
export const CHROMIUM_PATH = '/usr/bin/chromium';

export async function launchBrowser(executablePath = CHROMIUM_PATH): Promise<Browser> {
  if (!existsSync(executablePath)) {
    throw new Error(
      `Chromium is missing at ${executablePath}. The browser tests use Debian's package and never download a browser: ` +
        'install it with `sudo apt-get install -y --no-install-recommends chromium` (.ci/run does this on CI).',
    );
  }
  return chromium.launch({ executablePath, headless: true, args: ['--no-sandbox'] });
}

export interface BrowserSession {
  /** A page in a fresh context (its own cookies, locale, viewport), closed after the test. */
  page(options?: BrowserContextOptions): Promise<Page>;
}

/** Locators and navigations give up after this long: a missing element fails fast, well inside vitest's test timeout. */
export const BROWSER_TIMEOUT_MS = 5_000;

/** One browser for the calling test file (launched in beforeAll), a fresh context per page, all closed after each test. */
export function useBrowser(): BrowserSession {
  let browser: Browser | undefined;
  const contexts: BrowserContext[] = [];
  beforeAll(async () => {
    browser = await launchBrowser();
  });
  afterEach(async () => {
    await Promise.all(contexts.splice(0).map((context) => context.close()));
  });
  afterAll(async () => {
    await browser?.close();
  });
  return {
    async page(options = {}) {
      if (!browser) throw new Error('the browser is not launched yet (call page() inside a test)');
      const context = await browser.newContext(options);
      contexts.push(context);
      context.setDefaultTimeout(BROWSER_TIMEOUT_MS);
      return context.newPage();
    },
  };
}

/** Anything with a fetch handler: a Hono app (testApp(...).app, createApp(...)). */
export interface FetchApp {
  fetch(request: Request, ...rest: any[]): Response | Promise<Response>;
}

export interface ServedApp {
  /** e.g. http://127.0.0.1:43127 (no trailing slash). */
  url: string;
  close(): Promise<void>;
}

async function closeServer(server: Server): Promise<void> {
  // Browsers keep connections alive; they would hold close() open.
  server.closeAllConnections();
  await new Promise<void>((resolve, reject) => server.close((e) => (e ? reject(e) : resolve())));
}

/**
 * Serves an app on a real loopback port (port 0: the system picks one) with @hono/node-server.
 * The app is built once the URL is known, so it can take it as its public base URL.
 */
export async function serveApp(build: (baseUrl: string) => FetchApp): Promise<ServedApp> {
  let app: FetchApp | undefined;
  let server!: Server;
  const port = await new Promise<number>((resolve, reject) => {
    server = serve(
      {
        fetch: (request, env) => (app ? app.fetch(request, env) : new Response('starting', { status: 503 })),
        port: 0,
        hostname: '127.0.0.1',
      },
      (info) => resolve(info.port),
    ) as Server;
    server.once('error', reject);
  });
  const url = `http://127.0.0.1:${port}`;
  app = build(url);
  return { url, close: () => closeServer(server) };
}

export interface ChatRequest {
  method: string;
  /** Path and query, as received. */
  url: string;
  headers: IncomingHttpHeaders;
}

export interface FakeChatPlatform {
  /** e.g. http://127.0.0.1:43128; chats live under /chat/… */
  url: string;
  /** Every request received, in order (the browser's favicon requests too). */
  requests: ChatRequest[];
  /** The requests for chat pages (/chat/…). */
  chatRequests(): ChatRequest[];
  reset(): void;
  close(): Promise<void>;
}

/** The chat platform a personal link redirects to: answers /chat/… with a small page and records what it got. */
export async function startFakeChatPlatform(): Promise<FakeChatPlatform> {
  const requests: ChatRequest[] = [];
  const server = createServer((req, res) => {
    requests.push({ method: req.method ?? 'GET', url: req.url ?? '/', headers: req.headers });
    const { pathname } = new URL(req.url ?? '/', 'http://chat.local');
    if (!pathname.startsWith('/chat/')) {
      res.writeHead(404, { 'content-type': 'text/plain' }).end('not found');
      return;
    }
    res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' });
    res.end(`<!doctype html><html lang="en"><head><title>Chat platform</title></head><body><h1>Chat ${pathname.slice('/chat/'.length)}</h1></body></html>`);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    requests,
    chatRequests: () => requests.filter((r) => r.url.startsWith('/chat/')),
    reset: () => void (requests.length = 0),
    close: () => closeServer(server),
  };
}
