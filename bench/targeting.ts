// Preview timing: the engine's full preview (counts by reason, locale and channel, plus examples)
// against one hand-written count with the same three conditions, on the same database.
import { sql } from 'drizzle-orm';
import type { Db } from '../src/db/client.js';
import { loadAttributeSlots, slotColumns } from '../src/core/members/attribute-slots.js';
import { previewAudience, type AudienceSpec } from '../src/core/targeting/audience.js';
import { normalizeTarget } from '../src/core/targeting/target.js';

export const PREVIEW_EXPRESSION = 'country = "CA" and answered("chat-1", "role", "designer") and not completed("chat-3")';

/** The hand-written count; `country` is the slot column of that attribute (see attribute-slots.ts). */
export const previewFloorSql = (country: string) => sql`SELECT count(*) AS n FROM members m
  WHERE m.${sql.identifier(country)} = 'CA'
    AND m.id IN (SELECT member_id FROM chat_responses WHERE chat_id = 'chat-1' AND question = 'role' AND value = 'designer')
    AND NOT EXISTS (SELECT 1 FROM participations p WHERE p.member_id = m.id AND p.invitation_seq IN (SELECT seq FROM invitations WHERE chat_id = 'chat-3') AND p.completed_at IS NOT NULL)`;

export function benchSpec(target: Parameters<typeof normalizeTarget>[0]): AudienceSpec {
  return { invitationId: null, chatId: 'bench-target', locale: 'en-US', channel: 'email', target: normalizeTarget(target), sameLocaleOnly: false, cooldownDays: 7 };
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)]!;
}

export async function timePreview(db: Db, now: number): Promise<{ ms: number; floorMs: number; audience: number }> {
  const spec = benchSpec({ type: 'filter', expression: PREVIEW_EXPRESSION });
  const runs: number[] = [];
  const floors: number[] = [];
  let audience = 0;
  let floorCount = 0;
  const country = slotColumns((await loadAttributeSlots(db)).get('country')!).value;
  for (let i = 0; i < 6; i++) {
    let started = performance.now();
    audience = (await previewAudience(db, spec, now)).audience;
    if (i > 0) runs.push(performance.now() - started);
    started = performance.now();
    floorCount = (await db.all<{ n: number }>(previewFloorSql(country)))[0]!.n;
    if (i > 0) floors.push(performance.now() - started);
  }
  if (floorCount !== audience) throw new Error(`preview counted ${audience} but the floor query ${floorCount}`);
  return { ms: median(runs), floorMs: median(floors), audience };
}
