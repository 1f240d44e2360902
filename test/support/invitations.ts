// An invitation sent for real: created through the core, then one runner tick through the given
// providers, for tests of what a member does with the message (personal links, pages, completions).
import { sql } from 'drizzle-orm';
import type { Clock } from '../../src/core/clock.js';
import type { CoreDeps } from '../../src/core/deps.js';
import type { Providers } from '../../src/core/delivery/providers.js';
import type { InvitationCreateInput } from '../../src/core/invitations/input.js';
import { createInvitation } from '../../src/core/invitations/service.js';
import type { Db } from '../../src/db/client.js';
import { runTick } from '../../src/jobs/tick.js';
import { coreDeps } from './app.js';
import { invitationInput } from './invitation-input.js';
import { runnerDeps } from './runner.js';

/**
 * Creates an invitation to everyone in Product feedback by email (a fixed window closing
 * 2026-12-05T12:00:00Z, created by `api:test`; `input` overrides any field), runs one tick, and
 * returns it with each member's personal token by external id. `settings` go to both the core and
 * the runner.
 */
export async function sendInvitation(
  db: Db,
  clock: Clock,
  providers: Providers,
  input: Partial<InvitationCreateInput> & { name: string },
  settings?: Partial<CoreDeps['settings']>,
) {
  const deps = coreDeps(db, clock, settings);
  const { invitation } = await createInvitation(deps, invitationInput({ chatId: 'feedback', closesAt: '2026-12-05T12:00:00Z', ...input }), 'api:test');
  await runTick({ ...runnerDeps(db, clock, providers), settings: deps.settings });
  const rows = await db.all<{ external_id: string; token: string }>(sql`SELECT m.external_id, p.token FROM participations p JOIN members m ON m.id = p.member_id`);
  return { invitation, tokens: Object.fromEntries(rows.map((r) => [r.external_id, r.token])) as Record<string, string> };
}
