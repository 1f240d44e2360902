// npm run db:migrate — applies pending migrations to DATABASE_URL and exits.
import { openCliContext, runCli } from './context.js';

runCli(async () => {
  const ctx = await openCliContext();
  ctx.close();
  console.log('Database is up to date.');
});
