// One dispatch measurement per process (so its peak RSS is its own), against bench/provider-server.ts:
//   prepare N email|sms   a database with N members and one invitation opening now
//   send                  open it and send everything (claim, render, send, record): ms, sent, peak RSS
//   floor N K             a bare loop posting the runner's own 500-message batch N / 500 times, K at a time (after prepare 500)
//   idle                  10,000 past invitations, then ticks with nothing to do: median ms
// The database is on its own thread, as in `npm start` and `npm run tick`; DB_THREAD=0 keeps it on
// the calling thread, for comparison.
import { eq, sql } from 'drizzle-orm';
import { getChat, saveChat } from '../src/core/chats/service.js';
import { systemClock } from '../src/core/clock.js';
import { defaultDeliverySettings, type DeliveryDeps } from '../src/core/delivery/deps.js';
import { openDueInvitations } from '../src/core/delivery/open.js';
import { createInvitation } from '../src/core/invitations/service.js';
import { silentLogger } from '../src/core/logger.js';
import { migrateDatabase } from '../src/db/migrate.js';
import { openDatabase, tuneEmbeddedFile } from '../src/db/open.js';
import { runTick } from '../src/jobs/tick.js';
import { postmarkEmailProvider, postmarkMessage } from '../src/providers/postmark.js';
import { invitations } from '../src/db/schema.js';
import { composer } from '../src/core/delivery/compose.js';
import { claimBatch } from '../src/core/delivery/claim.js';
import { recipientOf, sendDue } from '../src/core/delivery/dispatch.js';
import { twilioSmsProvider } from '../src/providers/twilio.js';
import { feedbackChat } from '../test/support/community.js';
import { peakRssMb } from './rss.js';
import { ensureAttributeSlots, loadAttributeSlots, slotColumns } from '../src/core/members/attribute-slots.js';

const url = process.env.DATABASE_URL!;
const providerUrl = process.env.PROVIDER_URL!;
const [mode, arg1, arg2] = process.argv.slice(2);
const { client, db } = openDatabase(url, undefined, { thread: process.env.DB_THREAD !== '0' });
await tuneEmbeddedFile(client, url);
await migrateDatabase(db);

const settings = { cooldownDays: 0, publicBaseUrl: 'https://invites.example.org' };
const postmark = { serverToken: 'bench', from: 'invitations@research.example.org', messageStream: 'broadcast' };
const deps: DeliveryDeps = {
  db,
  clock: systemClock,
  logger: silentLogger,
  settings,
  providers: {
    email: postmarkEmailProvider({ ...postmark, apiUrl: providerUrl }),
    sms: twilioSmsProvider({ accountSid: `AC${'0'.repeat(32)}`, authToken: 'bench', from: '+15005550006', apiUrl: providerUrl }),
  },
  delivery: { ...defaultDeliverySettings, emailRate: 0, smsRate: 0, smsQuietHours: null },
  runnerId: 'bench',
  waitUntil: () => {},
};

async function addMembers(count: number): Promise<void> {
  const now = Date.now();
  const chunk = 200_000;
  const firstName = sql.identifier(slotColumns((await ensureAttributeSlots(db, ['first_name'])).get('first_name')!).value);
  for (let from = 0; from < count; from += chunk) {
    await db.run(sql`WITH RECURSIVE n(i) AS (SELECT CAST(${from} AS INTEGER) UNION ALL SELECT i + 1 FROM n WHERE i < ${Math.min(from + chunk, count) - 1})
      INSERT INTO members (external_id, email, phone, preferred_locale, time_zone, subscribed, created_at, updated_at, ${firstName})
      SELECT 'b' || printf('%07d', i), 'member' || i || '@example.com', '+1416' || printf('%07d', i), 'en-US', 'America/Toronto', 1,
        ${now}, ${now}, 'Name' || (i % 997)
      FROM n`);
  }
}

async function prepare(count: number, channel: 'email' | 'sms'): Promise<void> {
  await saveChat(db, feedbackChat, Date.now(), { upsert: true });
  await addMembers(count);
  await createInvitation(
    deps,
    { chatId: 'feedback', name: 'Bench', locale: 'en-US', scheduleMode: 'fixed', timeZone: 'UTC', closesAt: new Date(Date.now() + 7 * 86_400_000).toISOString(), target: { type: 'all' }, sameLocaleOnly: false, liveAudience: true, message: { channel } } as never,
    'api:bench',
  );
}

async function send(): Promise<Record<string, number>> {
  const started = performance.now();
  await openDueInvitations(deps);
  const opened = performance.now();
  const openPeakRssMb = peakRssMb();
  console.error(`opened in ${Math.round(opened - started)} ms, peak RSS so far ${Math.round(openPeakRssMb)} MB`);
  const report = await sendDue(deps);
  const done = performance.now();
  return { openMs: opened - started, sendMs: done - opened, sent: report.sent, failed: report.failed + report.unknown + report.retrying, openPeakRssMb, peakRssMb: peakRssMb() };
}

/**
 * The runner's own batch, K in flight, nothing else: the invitation prepared here is opened, one
 * batch of 500 is claimed and rendered as the runner renders it (composer, Postmark fields), and
 * that batch is serialized and posted N / 500 times.
 */
async function floor(count: number, inFlight: number): Promise<Record<string, number>> {
  await openDueInvitations(deps);
  const [inv] = await db.select().from(invitations).where(eq(invitations.status, 'open'));
  if (!inv) throw new Error('floor: prepare an invitation first');
  const compose = composer(inv, await getChat(db, inv.chatId), settings.publicBaseUrl);
  const claimOptions = { invitationSeq: inv.seq, runnerId: 'floor', now: Date.now(), leaseMs: 60_000, size: 500, slots: await loadAttributeSlots(db) };
  const rows = (await claimBatch(db, claimOptions, 'bat_floor')) ?? [];
  if (rows.length !== 500) throw new Error(`floor: prepare at least 500 members (claimed ${rows.length})`);
  const batch = rows.map((row) => postmarkMessage(postmark, compose.email(recipientOf(row), 'bat_floor')));
  const batches = Math.ceil(count / 500);
  let next = 0;
  const started = performance.now();
  const worker = async () => {
    while (next < batches) {
      next++;
      const res = await fetch(`${providerUrl}/email/batch`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', accept: 'application/json', 'x-postmark-server-token': 'bench' },
        body: JSON.stringify(batch),
      });
      const results = (await res.json()) as { ErrorCode: number }[];
      if (results.some((r) => r.ErrorCode !== 0)) throw new Error('the provider refused a floor batch');
    }
  };
  await Promise.all(Array.from({ length: inFlight }, worker));
  return { ms: performance.now() - started, sent: batches * 500, batchBytes: Buffer.byteLength(JSON.stringify(batch)) };
}

async function idle(): Promise<Record<string, number>> {
  await saveChat(db, feedbackChat, Date.now(), { upsert: true });
  await addMembers(1_000);
  const past = Date.now() - 30 * 86_400_000;
  await db.run(sql`WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 10000)
    INSERT INTO invitations (id, chat_id, name, locale, schedule_mode, time_zone, opens_at, closes_at, target, channel, created_by, status, close_reason, opened_at, closed_at, created_at, updated_at, activity_at, summary_at, slack_channel_id)
    SELECT 'inv_past' || printf('%08d', i), 'feedback', 'Past ' || i, 'en-US', 'fixed', 'UTC', ${past} - i * 60000, ${past} + 86400000, '{"type":"all"}', 'email', 'api:bench', 'closed', 'close_time',
      ${past}, ${past} + 86400000, ${past} - 86400000, ${past}, ${past}, ${past}, 'C0BENCH'
    FROM n`);
  const times: number[] = [];
  for (let i = 0; i < 25; i++) {
    const started = performance.now();
    await runTick(deps);
    times.push(performance.now() - started);
  }
  times.sort((a, b) => a - b);
  return { medianMs: times[Math.floor(times.length / 2)]!, maxMs: times[times.length - 1]!, pastInvitations: 10_000 };
}

let result: Record<string, number> | undefined;
if (mode === 'prepare') await prepare(Number(arg1), arg2 === 'sms' ? 'sms' : 'email');
else if (mode === 'send') result = await send();
else if (mode === 'floor') result = await floor(Number(arg1), Number(arg2 ?? 2));
else if (mode === 'idle') result = await idle();
else throw new Error(`unknown mode ${mode}`);
client.close();
if (result) console.log(JSON.stringify(result));
