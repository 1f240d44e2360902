// A small random community (members, attributes of mixed types, responses, participations) stored in
// the database and kept as OracleMember objects, and the filter domain whose values hit it.
import { sql } from 'drizzle-orm';
import fc from 'fast-check';
import type { Db } from '../../src/db/client.js';
import { chatResponses, chats, invitations, members, participations } from '../../src/db/schema.js';
import type { Filter } from '../../src/core/targeting/filter/ast.js';
import { compileFilter } from '../../src/core/targeting/filter/compile.js';
import { loadAttributeSlots, rebuildAttributeSlots } from '../../src/core/members/attribute-slots.js';
import type { FilterDomain } from './arbitraries.js';
import type { OracleMember } from './oracle.js';

const DAY = 86_400_000;
/** UTC midnight, so date-only values can sit exactly on "within last N days" bounds. */
export const NOW = Date.UTC(2024, 5, 15);

const ymd = (t: number) => new Date(t).toISOString().slice(0, 10);
const ago = (days: number) => NOW - days * DAY;

/** Dates a filter may use; members store the same instants, sometimes written differently. */
const filterDates = [0, 1, 5, 10, 30].flatMap((k) => [
  ymd(ago(k)),
  `${ymd(ago(k))}T12:00:00Z`,
  `${ymd(ago(k))}T12:00`,
  `${ymd(ago(k))}T14:00:00+02:00`,
]);
const storedDates = [...[0, 1, 5, 10, 30, 31].map((k) => ymd(ago(k))), `${ymd(ago(5))} 12:00`, `${ymd(ago(1))}T12:00:00.000Z`, `${ymd(ago(10))}T09:00:00-03:00`, ymd(ago(-3))];
const texts = ['CA', 'ca', 'Ca', 'US', "O'Neil", 'é', 'pro', 'Pro', 'free', 'a%b', 'a_b', 'x\\y', '18', 'true', '2024-99-99 nope'];

export const chatIds = ['onboarding', 'survey', "o'brien"];
const questions = ['q1', 'q2'];
const answers = ['yes', 'no', 'Yes'];
const maxParticipations = 3;

export const communityDomain: FilterDomain = {
  attributes: fc.constantFrom('country', 'age', 'vip', 'joined', 'plan.tier', 'missing'),
  // attribute texts, member column values, and LIKE / ordering / date look-alike edge cases, equally often
  strings: fc.oneof(
    fc.constantFrom(...texts),
    fc.constantFrom('a@x.org', 'A@x.org', 'b@y.com', '+15145550123', 'en-US', 'fr-CA', 'UTC', 'America/Toronto', 'email', 'sms', 'm1', 'm10'),
    fc.constantFrom('C', 'c', 'P', 'a_', 'A%', '%', '_', '\\', 'x\\', '9', '@x', 'F', '2024-02-30'),
  ),
  numbers: fc.constantFrom(-1, 0, 1, 9, 10, 18, 18.5),
  dates: fc.constantFrom(...filterDates),
  days: fc.constantFrom(0, 1, 5, 10, 30),
  chats: fc.constantFrom(...chatIds),
  questions: fc.constantFrom(...questions),
  answers: fc.constantFrom(...answers),
  metricValues: fc.integer({ min: 0, max: 12 }),
  maxDepth: 3,
};

const attributeValue: Record<string, fc.Arbitrary<string | number | boolean>> = {
  country: fc.oneof(fc.constantFrom(...texts), fc.constantFrom(1)),
  age: fc.oneof(fc.constantFrom(9, 10, 18, 18.5, -1, 40), fc.constantFrom('18', '9')),
  vip: fc.oneof(fc.boolean(), fc.constantFrom('true', 'no')),
  joined: fc.oneof(fc.constantFrom(...storedDates), fc.constantFrom(20240101, '2024-99-99 nope')),
  'plan.tier': fc.constantFrom('pro', 'Pro', 'free', 'a%b', 'a_b', 'x\\y', 'é'),
};

const participation = fc
  .record({
    chat: fc.constantFrom(...chatIds),
    daysAgo: fc.integer({ min: 0, max: 20 }),
    shift: fc.constantFrom(0, 1, -1, DAY / 2),
    clicked: fc.boolean(),
    completed: fc.boolean(),
  })
  .map(({ chat, daysAgo, shift, clicked, completed }) => {
    const targetedAt = ago(daysAgo) + shift;
    return { chat, targetedAt, clickedAt: clicked ? targetedAt + 3_600_000 : null, completedAt: completed ? targetedAt + 7_200_000 : null };
  });

const member = fc.record({
  email: fc.constantFrom('a@x.org', 'A@x.org', 'b@y.com', null),
  phone: fc.constantFrom('+15145550123', null),
  preferredLocale: fc.constantFrom('en-US', 'fr-CA', null),
  timeZone: fc.constantFrom('UTC', 'America/Toronto'),
  preferredChannel: fc.constantFrom('email' as const, 'sms' as const, null),
  subscribed: fc.boolean(),
  createdAt: fc.constantFrom(...[0, 1, 5, 10, 30, 45].map(ago), ago(3) + 1234),
  updatedAt: fc.constantFrom(ago(0), ago(2) + 5, ago(40)),
  attributes: fc.record(attributeValue, { requiredKeys: [] }),
  responses: fc.uniqueArray(fc.record({ chat: fc.constantFrom(...chatIds), question: fc.constantFrom(...questions), value: fc.constantFrom(...answers) }), {
    maxLength: 4,
    selector: (r) => `${r.chat}\u0000${r.question}`,
  }),
  participations: fc.array(participation, { maxLength: maxParticipations }),
});

export const communityArbitrary: fc.Arbitrary<OracleMember[]> = fc
  .array(member, { minLength: 40, maxLength: 60 })
  .map((ms) => ms.map((m, i) => ({ externalId: `m${i + 1}`, ...m }) as OracleMember));

// Participations find their chat through their invitation: one past invitation per chat and
// position k in a member's list, so a member's participations never share one.
function pastInvitations(chats: string[]) {
  return chats.flatMap((chat, c) =>
    Array.from({ length: maxParticipations }, (_, k) => ({
      seq: 1 + c * maxParticipations + k, id: `inv_past_${c}_${k}`, chatId: chat, name: 'past', locale: 'en-US', scheduleMode: 'fixed' as const,
      timeZone: 'UTC', opensAt: ago(60), closesAt: ago(50), target: { type: 'all' }, channel: 'email' as const, createdBy: 'test',
      status: 'closed' as const, createdAt: ago(60), updatedAt: ago(60),
    })),
  );
}

/** A hand-made member for edge-case tests: nothing set but what `over` says. */
export function oracleMember(externalId: string, over: Partial<OracleMember> = {}): OracleMember {
  return {
    externalId,
    email: null,
    phone: null,
    preferredLocale: null,
    timeZone: 'UTC',
    preferredChannel: null,
    subscribed: true,
    createdAt: NOW,
    updatedAt: NOW,
    attributes: {},
    responses: [],
    participations: [],
    ...over,
  };
}

/** Replaces the community in the database with `community` (one atomic batch). */
export async function storeCommunity(db: Db, community: OracleMember[]): Promise<void> {
  const id = (i: number) => i + 1;
  const chatsUsed = [...new Set(community.flatMap((m) => m.participations.map((p) => p.chat)))];
  const invitationRows = pastInvitations(chatsUsed);
  const seqOf = (chat: string, k: number) => invitationRows[chatsUsed.indexOf(chat) * maxParticipations + k]!.seq;
  const responseRows = community.flatMap((m, i) => m.responses.map((r) => ({ memberId: id(i), chatId: r.chat, question: r.question, value: r.value, answeredAt: NOW })));
  const participationRows = community.flatMap((m, i) =>
    m.participations.map((p, k) => ({
      invitationSeq: seqOf(p.chat, k),
      memberId: id(i),
      token: `token-${i}-${k}`,
      channel: 'email' as const,
      targetedAt: p.targetedAt,
      clickedAt: p.clickedAt,
      completedAt: p.completedAt,
    })),
  );
  await db.batch([
    db.delete(members),
    db.delete(chatResponses),
    db.delete(participations),
    db.delete(invitations),
    ...(chatsUsed.length > 0
      ? [
          db.insert(chats).values(chatsUsed.map((chat) => ({ id: chat, name: chat, defaultLocale: 'en-US', createdAt: NOW, updatedAt: NOW }))).onConflictDoNothing(),
          db.insert(invitations).values(invitationRows),
        ]
      : []),
    // fast-check may build attributes without a prototype, which drizzle cannot tell from SQL values
    ...(community.length > 0
      ? [db.insert(members).values(community.map(({ responses: _r, participations: _p, ...m }, i) => ({ id: id(i), ...m, attributes: { ...m.attributes } })))]
      : []),
    ...(responseRows.length > 0 ? [db.insert(chatResponses).values(responseRows)] : []),
    ...(participationRows.length > 0 ? [db.insert(participations).values(participationRows)] : []),
  ]);
  await rebuildAttributeSlots(db);
}

/** External ids the compiled filter selects, sorted. */
export async function selectMatching(db: Db, filter: Filter, now = NOW): Promise<string[]> {
  const rows = await db.all<{ external_id: string }>(sql`SELECT m.external_id FROM members m WHERE ${compileFilter(filter, { now, slots: await loadAttributeSlots(db) })}`);
  return rows.map((r) => r.external_id).sort();
}
