// POST /api/completions: the chat platform reports that a participant finished. Authenticated by
// X-Signature: sha256=HEX (HMAC-SHA256 of the raw body), checked before the body is parsed.
import { z } from '@hono/zod-openapi';
import { Hono } from 'hono';
import type { CoreDeps } from '../../core/deps.js';
import type { InvitationChangeListener } from '../../core/invitations/changes.js';
import { COMPLETION_ACTOR, recordCompletion } from '../../core/participants/completions.js';
import { TOKEN_PATTERN } from '../../core/participants/links.js';
import { timingSafeEqual } from '../auth.js';
import { hmacSha256Hex } from '../hmac.js';
import { problemResponse, validationProblem, zodProblems } from '../problem.js';
import { waitUntilOf, type WaitUntil } from '../wait-until.js';

export const completionInput = z.object({
  token: z.string().regex(TOKEN_PATTERN, 'must be the 32-character token of a personal link'),
  completedAt: z.iso.datetime({ offset: true }).optional().describe('When the participant finished; defaults to now.'),
});

export function completionRoutes(deps: CoreDeps & { secret: string; changes?: InvitationChangeListener; waitUntil?: WaitUntil }) {
  const app = new Hono();
  app.post('/api/completions', async (c) => {
    const raw = await c.req.text();
    const given = c.req.header('x-signature') ?? '';
    if (!timingSafeEqual(given, `sha256=${await hmacSha256Hex(deps.secret, raw)}`)) {
      deps.logger.log('warn', 'completion.bad_signature');
      return problemResponse(c, { type: 'about:blank', title: 'Unauthorized', status: 401, detail: 'X-Signature must be sha256=<hex HMAC-SHA256 of the raw body>.' });
    }
    let body: unknown;
    try {
      body = JSON.parse(raw);
    } catch {
      return problemResponse(c, validationProblem([{ path: '(body)', message: 'must be a JSON object' }]));
    }
    const parsed = completionInput.safeParse(body);
    if (!parsed.success) return problemResponse(c, validationProblem(zodProblems(parsed.error)));
    const completedAt = parsed.data.completedAt ? Date.parse(parsed.data.completedAt) : undefined;
    const result = await recordCompletion(deps, parsed.data.token, completedAt);
    deps.logger.log('info', 'completion.recorded', { invitation: result.invitationId, outcome: result.outcome, closed: result.closedInvitation });
    if (result.closedInvitation) {
      deps.changes?.changed(
        { invitationId: result.invitationId, action: 'closed', actor: COMPLETION_ACTOR, changes: { reason: { from: null, to: 'response_limit' } } },
        waitUntilOf(deps.waitUntil, c),
      );
    }
    return c.json({ invitationId: result.invitationId, outcome: result.outcome, completedAt: new Date(result.completedAt).toISOString(), closedInvitation: result.closedInvitation });
  });
  return app;
}
