// Bolt ⇄ Hono: a Bolt Receiver that takes a Web-standard Request and answers with a Response, so
// Bolt's listeners run inside the Hono app on Node and on Workers alike. Modelled on Bolt's
// AwsLambdaReceiver, with one difference: only the requests whose answer carries content
// (view_submission: errors or the next view; block_suggestion: the options) wait for the
// listener's ack(). Everything else (slash commands, button presses, events) is acknowledged
// with an empty 200 as soon as it is verified, and the listener runs under waitUntil; its ack()
// is then a no-op and it answers the user through respond() or the Web API. Measured with bursts
// of 50 (bench/slack.ts), with the work held until 5 ms without a waiting request: p99 39–43 ms
// against 28–31 ms for a bare Hono route (it was 95–154 ms when the work started as soon as no
// request was waiting).
import type { App, Receiver, ReceiverEvent } from '@slack/bolt';
import type { Logger } from '../core/logger.js';
import type { WaitUntil } from '../http/wait-until.js';
import { verifySlackSignature } from './signature.js';


export interface SlackReceiverOptions {
  signingSecret: string;
  logger: Logger;
  /** Seconds since the epoch; the signature window is checked against it. */
  nowSeconds: () => number;
  /** Requests from any other workspace are refused (403) when set. */
  teamId?: string;
}

/** The body Slack sent: form fields (slash commands), `payload=` JSON (interactions) or JSON (events). */
export function parseSlackBody(rawBody: string, contentType: string): Record<string, unknown> {
  if (contentType.includes('application/json')) return JSON.parse(rawBody) as Record<string, unknown>;
  const form = new URLSearchParams(rawBody);
  const payload = form.get('payload');
  if (payload !== null) return JSON.parse(payload) as Record<string, unknown>;
  return Object.fromEntries(form);
}

/** The workspace a request comes from, wherever its shape keeps it. */
function teamOf(body: Record<string, unknown>): string | undefined {
  const team = body.team as { id?: string } | string | undefined;
  if (typeof body.team_id === 'string') return body.team_id;
  if (team && typeof team === 'object' && typeof team.id === 'string') return team.id;
  const user = body.user as { team_id?: string } | undefined;
  return typeof user?.team_id === 'string' ? user.team_id : undefined;
}

/** Requests whose HTTP answer is the listener's: a modal's errors or next view, a select's options. */
function answersWithContent(body: Record<string, unknown>): boolean {
  return body.type === 'view_submission' || body.type === 'block_suggestion';
}

function ackResponse(response: unknown): Response {
  if (response === undefined || response === '') return new Response(null, { status: 200 });
  if (typeof response === 'string') return new Response(response, { status: 200, headers: { 'content-type': 'text/plain; charset=utf-8' } });
  return Response.json(response);
}

/** How long work after an ack may be held back while other requests wait for theirs. */
const MAX_DEFER_MS = 500;
/** How long no request must be waiting before that work starts. */
const QUIET_MS = 5;

export class SlackHttpReceiver implements Receiver {
  private bolt: App | undefined;
  /** Requests received and not yet answered: work after an ack waits until none are left. */
  private unanswered = 0;
  private idleWaiters: (() => void)[] = [];
  private quiet: ReturnType<typeof setTimeout> | undefined;

  constructor(private readonly options: SlackReceiverOptions) {}

  init(app: App): void {
    this.bolt = app;
  }

  // The Hono server owns the socket: nothing to start or stop here.
  start(): Promise<void> {
    return Promise.resolve();
  }

  stop(): Promise<void> {
    return Promise.resolve();
  }

  /**
   * Resolves when no request is waiting for its ack (or after MAX_DEFER_MS, so work never starves).
   * Called while handling a request, so that request itself is still counted.
   */
  private whenIdle(): Promise<void> {
    return new Promise((next) => {
      const timer = setTimeout(next, MAX_DEFER_MS);
      this.idleWaiters.push(() => {
        clearTimeout(timer);
        next();
      });
    });
  }

  private answered(): void {
    this.unanswered--;
    if (this.unanswered > 0) return;
    // Quiet for a moment first: the rest of a burst is often still arriving.
    this.quiet = setTimeout(() => {
      this.quiet = undefined;
      const waiters = this.idleWaiters;
      this.idleWaiters = [];
      waiters.forEach((wake) => wake());
    }, QUIET_MS);
  }

  async handle(request: Request, waitUntil: WaitUntil): Promise<Response> {
    this.unanswered++;
    if (this.quiet) {
      clearTimeout(this.quiet);
      this.quiet = undefined;
    }
    try {
      return await this.respond(request, waitUntil);
    } finally {
      this.answered();
    }
  }

  private async respond(request: Request, waitUntil: WaitUntil): Promise<Response> {
    const { logger } = this.options;
    const rawBody = await request.text();
    const contentType = request.headers.get('content-type') ?? '';
    // Slack's certificate check is unsigned and carries nothing to act on.
    if (new URLSearchParams(rawBody).get('ssl_check') === '1') return new Response(null, { status: 200 });

    const check = await verifySlackSignature({
      signingSecret: this.options.signingSecret,
      timestamp: request.headers.get('x-slack-request-timestamp'),
      signature: request.headers.get('x-slack-signature'),
      rawBody,
      nowSeconds: this.options.nowSeconds(),
    });
    if (!check.ok) {
      logger.log('warn', 'slack.signature_rejected', { reason: check.reason, bytes: rawBody.length });
      return Response.json({ error: 'invalid_signature' }, { status: 401 });
    }

    let body: Record<string, unknown>;
    try {
      body = parseSlackBody(rawBody, contentType);
    } catch {
      logger.log('warn', 'slack.unreadable_body', { bytes: rawBody.length });
      return Response.json({ error: 'unreadable_body' }, { status: 400 });
    }
    if (body.type === 'url_verification') return Response.json({ challenge: body.challenge });

    const team = teamOf(body);
    if (this.options.teamId && team !== this.options.teamId) {
      logger.log('warn', 'slack.other_workspace', { team: team ?? null });
      return Response.json({ error: 'workspace_not_allowed' }, { status: 403 });
    }
    if (!this.bolt) throw new Error('SlackHttpReceiver.handle called before Bolt initialised it');

    const retryNum = Number(request.headers.get('x-slack-retry-num') ?? '') || undefined;
    if (!answersWithContent(body)) {
      const bolt = this.bolt;
      waitUntil(
        // Acks go first: the work starts once no other request is waiting for its ack.
        this.whenIdle().then(() => bolt.processEvent({ body, retryNum, retryReason: request.headers.get('x-slack-retry-reason') ?? undefined, ack: async () => undefined })).catch((error: unknown) => {
          logger.log('error', 'slack.listener_failed', { message: error instanceof Error ? error.message : String(error), acked: true });
        }),
      );
      return new Response(null, { status: 200 });
    }
    let answer!: (response: Response) => void;
    const answered = new Promise<Response>((resolve) => (answer = resolve));
    let acked = false;
    const event: ReceiverEvent = {
      body,
      retryNum,
      retryReason: request.headers.get('x-slack-retry-reason') ?? undefined,
      ack: async (response?: unknown) => {
        if (acked) return;
        acked = true;
        answer(ackResponse(response));
      },
    };
    const processing = this.bolt.processEvent(event).then(
      () => {
        // No listener acknowledged it: tell Slack we did not handle it.
        if (!acked) answer(Response.json({ error: 'unhandled' }, { status: 404 }));
      },
      (error: unknown) => {
        logger.log('error', 'slack.listener_failed', { message: error instanceof Error ? error.message : String(error), acked });
        if (!acked) answer(Response.json({ error: 'listener_failed' }, { status: 500 }));
      },
    );
    waitUntil(processing);
    return answered;
  }
}
