// Runs in its own process so its peak RSS is the resolve alone: `all` stores the audience of an
// invitation to every member; `sample` stores a 10,000-member sample of a filter matching all. The
// database is opened as the runner opens it (an embedded file on a thread of its own).
import { sql } from 'drizzle-orm';
import { invitationSeq } from '../src/db/invitation-seq.js';
import { storeAudience } from '../src/core/targeting/audience.js';
import { loadAttributeSlots, slotColumns } from '../src/core/members/attribute-slots.js';
import { openDatabase, tuneEmbeddedFile } from '../src/db/open.js';
import { peakRssMb as peakRss } from './rss.js';
import { benchSpec } from './targeting.js';

const mode = process.argv[2] === 'sample' ? 'sample' : 'all';
const url = process.env.DATABASE_URL!;
const now = Number(process.env.BENCH_NOW);
const { client, db } = openDatabase(url, undefined, { thread: true });
await tuneEmbeddedFile(client, url);

const invitationId = mode === 'all' ? 'inv_benchresolveall0' : 'inv_benchsample0000';
await db.run(sql`DELETE FROM participations WHERE invitation_seq = ${invitationSeq(invitationId)}`);
await db.run(sql`INSERT INTO invitations (id, chat_id, name, locale, schedule_mode, time_zone, opens_at, closes_at, target, channel, created_by, status, created_at, updated_at)
  VALUES (${invitationId}, 'bench-target', 'bench', 'en-US', 'fixed', 'UTC', ${now}, ${now + 86_400_000}, '{}', 'email', 'bench', 'scheduled', ${now}, ${now})
  ON CONFLICT DO NOTHING`);
const spec = {
  ...benchSpec(mode === 'all' ? { type: 'all' } : { type: 'sample', size: 10_000, seed: 'bench', from: { type: 'filter', expression: 'age >= 18' } }),
  invitationId,
};

const started = performance.now();
await storeAudience(db, spec, now);
const ms = performance.now() - started;
const rows = (await db.all<{ n: number }>(sql`SELECT count(*) AS n FROM participations WHERE invitation_seq = ${invitationSeq(invitationId)}`))[0]!.n;
const peakRssMb = peakRss();

// The floor: the same number of rows, with random tokens, from one bare INSERT … SELECT into a
// plain table (no index, no exclusion rules): what the database does at the least.
await db.run(sql`DROP TABLE IF EXISTS bench_floor`);
await db.run(sql`CREATE TABLE bench_floor (invitation_seq INTEGER NOT NULL, member_id INTEGER NOT NULL, token TEXT NOT NULL)`);
const age = slotColumns((await loadAttributeSlots(db)).get('age')!);
const floorStarted = performance.now();
if (mode === 'all') {
  await db.run(sql`INSERT INTO bench_floor SELECT 1, id, lower(hex(randomblob(16))) FROM members`);
} else {
  await db.run(sql`INSERT INTO bench_floor SELECT 1, id, lower(hex(randomblob(16))) FROM members
    WHERE ${sql.identifier(age.value)} >= 18 AND typeof(${sql.identifier(age.value)}) = 'integer' ORDER BY random() LIMIT 10000`);
}
const floorMs = performance.now() - floorStarted;
await db.run(sql`DROP TABLE bench_floor`);
await db.run(sql`DELETE FROM participations WHERE invitation_seq = ${invitationSeq(invitationId)}`);
client.close();
console.log(JSON.stringify({ ms, floorMs, rows, peakRssMb }));
