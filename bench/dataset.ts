// The benchmark community: 1,000,000 members with 8 attributes (imported from CSV through the
// real CLI), 2,000,000 chat responses and 3,000,000 participations in 30 past invitations.
import { createWriteStream } from 'node:fs';
import { sql } from 'drizzle-orm';
import type { Db } from '../src/db/client.js';
import { invitationSeq } from '../src/db/invitation-seq.js';

export const MEMBERS = 1_000_000;
export const DAY = 86_400_000;
export const PAST_INVITATIONS = 30;
export const PARTICIPATIONS_PER_INVITATION = 100_000;

const countries = ['CA', 'US', 'FR', 'GB', 'DE', 'MX', 'BR', 'AU'];
const plans = ['free', 'pro', 'team'];
const locales = ['en-US', 'fr-CA', 'en-GB', 'fr-FR'];
const zones = ['America/Toronto', 'America/Montreal', 'America/Vancouver', 'Europe/Paris', 'Europe/London'];

/** A deterministic PRNG (mulberry32), so every run benchmarks the same data. */
function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export async function writeMembersCsv(path: string, count = MEMBERS): Promise<void> {
  const random = prng(42);
  const pick = <T>(list: T[]): T => list[Math.floor(random() * list.length)]!;
  const out = createWriteStream(path);
  const write = (chunk: string) => (out.write(chunk) ? Promise.resolve() : new Promise<void>((r) => out.once('drain', () => r())));
  await write('id,email,phone,preferred_locale,timezone,subscribed,first_name,country,age,plan,vip,signup_date,score,zip\n');
  let buffer = '';
  for (let i = 0; i < count; i++) {
    const id = `m${String(i).padStart(7, '0')}`;
    const day = 1 + Math.floor(random() * 28);
    const month = 1 + Math.floor(random() * 12);
    buffer +=
      `${id},${id}@example.com,+1555${String(i).padStart(7, '0')},${pick(locales)},${pick(zones)},true,` +
      `Name${i % 997},${pick(countries)},${18 + Math.floor(random() * 60)},${pick(plans)},${random() < 0.1},` +
      `202${Math.floor(random() * 5)}-${String(month).padStart(2, '0')}-${String(day).padStart(2, '0')},${Math.round(random() * 1000) / 10},0${Math.floor(random() * 9000) + 1000}\n`;
    if (buffer.length > 1 << 20) {
      await write(buffer);
      buffer = '';
    }
  }
  await write(buffer);
  await new Promise<void>((resolve, reject) => out.end((error?: Error | null) => (error ? reject(error) : resolve())));
}

/** Chats, responses and past participation, generated inside libSQL (the import is what we time). */
export async function addHistory(db: Db, now: number): Promise<void> {
  await db.run(sql`INSERT INTO chats (id, name, default_locale, created_at, updated_at)
    SELECT 'chat-' || value, 'Chat ' || value, 'en-US', ${now}, ${now} FROM json_each('[0,1,2,3,4,5,6,7,8,9]') WHERE true
    ON CONFLICT DO NOTHING`);
  await db.run(sql`INSERT INTO chats (id, name, default_locale, created_at, updated_at) VALUES ('bench-target', 'Bench target', 'en-US', ${now}, ${now}) ON CONFLICT DO NOTHING`);
  await db.run(sql`INSERT INTO chat_locales (chat_id, locale, url) SELECT id, 'en-US', 'https://chats.example.com/' || id FROM chats WHERE true ON CONFLICT DO NOTHING`);
  await db.run(sql`INSERT INTO chat_responses (member_id, chat_id, question, value, answered_at)
    SELECT id, 'chat-1', 'role',
      CASE id % 5 WHEN 0 THEN 'designer' WHEN 1 THEN 'engineer' WHEN 2 THEN 'researcher' WHEN 3 THEN 'manager' ELSE 'student' END,
      ${now - 60 * DAY} FROM members WHERE true
    ON CONFLICT DO NOTHING`);
  await db.run(sql`INSERT INTO chat_responses (member_id, chat_id, question, value, answered_at)
    SELECT id, 'chat-2', 'nps', CAST(id % 11 AS TEXT), ${now - 50 * DAY} FROM members WHERE true
    ON CONFLICT DO NOTHING`);
  for (let k = 0; k < PAST_INVITATIONS; k++) {
    const id = `inv_bench${String(k).padStart(11, '0')}`;
    const chat = `chat-${k % 10}`;
    const opened = now - (20 + k) * DAY;
    await db.run(sql`INSERT INTO invitations (id, chat_id, name, locale, schedule_mode, time_zone, opens_at, closes_at, target, channel,
        created_by, status, close_reason, opened_at, closed_at, created_at, updated_at)
      VALUES (${id}, ${chat}, ${`Past ${k}`}, 'en-US', 'fixed', 'UTC', ${opened}, ${opened + 7 * DAY}, '{"type":"all"}', 'email',
        'bench', 'closed', 'close_time', ${opened}, ${opened + 7 * DAY}, ${opened}, ${opened}) ON CONFLICT DO NOTHING`);
    // Every member sits in 3 of the 30 invitations: id % 10 picks the group, k // 10 the round.
    // No link tokens: the measured operations never read the token index, and filling it with
    // 3M random keys would triple the setup time.
    await db.run(sql`INSERT INTO participations (invitation_seq, member_id, channel, targeted_at, sent_at, clicked_at, completed_at)
      SELECT ${invitationSeq(id)}, id, 'email', ${opened}, ${opened},
        CASE WHEN id % 3 = 0 THEN ${opened + DAY} END, CASE WHEN id % 6 = 0 THEN ${opened + 2 * DAY} END
      FROM members WHERE id % 10 = ${k % 10} ON CONFLICT DO NOTHING`);
  }
}
