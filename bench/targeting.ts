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

/**
 * The issue's own yardstick for the machine's speed: "a naive hand-written count with two
 * json_extract conditions and one EXISTS over 1M members already takes about 650 ms here". Members
 * keep their attributes in slot columns, so the naive form gets them back as one JSON object per
 * member in a table of its own, then counts. Median of 5, after one run to warm the cache.
 */
export async function timeNaiveCount(db: Db): Promise<number> {
  const slots = await loadAttributeSlots(db);
  const fields = [...slots].flatMap(([name, slot]) => [sql`${name}`, sql.identifier(slotColumns(slot).value)]);
  await db.run(sql`DROP TABLE IF EXISTS bench_naive`);
  await db.run(sql`CREATE TABLE bench_naive AS SELECT id, json_object(${sql.join(fields, sql`, `)}) AS attributes FROM members`);
  const runs: number[] = [];
  for (let i = 0; i < 6; i++) {
    const started = performance.now();
    await db.all(sql`SELECT count(*) AS n FROM bench_naive n
      WHERE json_extract(n.attributes, '$.country') = 'CA' AND json_extract(n.attributes, '$.age') >= 18
        AND EXISTS (SELECT 1 FROM chat_responses r WHERE r.member_id = n.id AND r.chat_id = 'chat-1')`);
    if (i > 0) runs.push(performance.now() - started);
  }
  await db.run(sql`DROP TABLE bench_naive`);
  return median(runs);
}
