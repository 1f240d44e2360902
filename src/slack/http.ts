// POST /slack/events: Slack's signed requests, handed to Bolt through SlackHttpReceiver.
import type { SlackDeps } from './deps.js';
import { createBoltApp } from './bolt.js';
import type { WaitUntil } from '../http/wait-until.js';
import { SlackHttpReceiver } from './receiver.js';

export type SlackRequestHandler = (request: Request, waitUntil: WaitUntil) => Promise<Response>;

export function slackRequestHandler(deps: SlackDeps): SlackRequestHandler {
  const receiver = new SlackHttpReceiver({
    signingSecret: deps.slack.signingSecret,
    logger: deps.logger,
    nowSeconds: () => Math.floor(deps.clock.now() / 1000),
    teamId: deps.slack.teamId,
  });
  createBoltApp(deps, receiver);
  return (request, waitUntil) => receiver.handle(request, waitUntil);
}
