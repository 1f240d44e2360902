// npm run outbox: what the runner would have sent, newest first, when no provider is configured.
//   npm run outbox                 the last 10 messages
//   npm run outbox -- --limit 50   more
//   npm run outbox -- --html       with the HTML part of emails
import { desc } from 'drizzle-orm';
import { z } from 'zod';
import { outbox } from '../db/schema.js';
import { openCliContext, runCli } from './context.js';

const args = z.object({ limit: z.coerce.number().int().min(1).max(1000).default(10), html: z.boolean().default(false) });

function parseArgs(argv: string[]) {
  const raw: Record<string, unknown> = {};
  for (let i = 0; i < argv.length; i++) {
    if (argv[i] === '--limit') raw.limit = argv[++i];
    else if (argv[i] === '--html') raw.html = true;
    else throw new Error(`unknown option ${argv[i]} (use --limit N, --html)`);
  }
  const parsed = args.safeParse(raw);
  if (!parsed.success) throw new Error(`--${String(parsed.error.issues[0]!.path[0])}: ${parsed.error.issues[0]!.message}`);
  return parsed.data;
}

runCli(async () => {
  const options = parseArgs(process.argv.slice(2));
  const ctx = await openCliContext();
  try {
    const rows = await ctx.db.select().from(outbox).orderBy(desc(outbox.id)).limit(options.limit);
    if (rows.length === 0) {
      console.log('The outbox is empty: no invitation has sent anything yet (npm run tick runs the runner once).');
      return;
    }
    for (const row of rows) {
      console.log(`#${row.id} ${row.channel} to ${row.recipient} at ${new Date(row.createdAt).toISOString()} (delivery ${row.deliveryId})`);
      if (row.subject) console.log(`Subject: ${row.subject}`);
      console.log(row.textBody.trimEnd());
      if (options.html && row.htmlBody) console.log(row.htmlBody);
      console.log('');
    }
  } finally {
    ctx.close();
  }
});
