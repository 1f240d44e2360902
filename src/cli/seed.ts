// npm run seed: loads the demo community (3 chats, 5,000 members, answers, 6 past invitations) into DATABASE_URL.
// Deterministic and idempotent: times are relative to the current UTC day, every write is an upsert.
import { generateCommunity } from '../core/seed/community.js';
import { loadCommunity } from '../core/seed/load.js';
import { seedSummary } from '../core/seed/summary.js';
import { openCliContext, runCli } from './context.js';
import { formatCount as n, formatDuration } from './progress.js';

runCli(async () => {
  const started = performance.now();
  const ctx = await openCliContext();
  try {
    const community = generateCommunity(Date.now());
    await loadCommunity(ctx.db, community);
    const s = await seedSummary(ctx.db, community.today);
    console.log(
      [
        `Seeded the demo community in ${formatDuration(performance.now() - started)}. The database now holds:`,
        `  chats           ${n(s.chats)} (${community.chats.map((c) => c.id).join(', ')} from the seed)`,
        `  members         ${n(s.members)}: ${n(s.unsubscribed)} unsubscribed, ${n(s.frCA)} fr-CA, ${n(s.noEmail)} without email, ${n(s.noPhone)} without phone`,
        `  opt-outs        email ${n(s.emailOptOuts)}, email suppressed ${n(s.emailSuppressed)}, SMS ${n(s.smsOptOuts)}`,
        `  responses       ${n(s.responses)} from ${n(s.respondents)} members`,
        `  invitations     ${n(s.invitations)}, ${n(s.invitedLast7Days)} members invited in the last 7 days (cooldown)`,
        `  participations  ${n(s.participations)}: ${n(s.sent)} sent, ${n(s.delivered)} delivered, ${n(s.bouncedOrFailed)} bounced or failed, ` +
          `${n(s.clicked)} clicked, ${n(s.completed)} completed (${n(s.completers)} members)`,
      ].join('\n'),
    );
  } finally {
    ctx.close();
  }
});
