// npm run import -- <members|responses|chats> FILE [--skip-invalid]   (README.md, "Import")
import { openCliContext, runCli } from './context.js';
import { importUsage, parseImportArgs, UsageError } from './import-args.js';
import { runImport } from './import-command.js';
import { patientFetch } from './patient-fetch.js';

// A responses file is merged by one atomic batch, which on a libSQL server may outlast the HTTP
// client's default 300 s (a million members merged that way took about six minutes on sqld).
// Members are written chunk by chunk in one transaction, each request short.
const IMPORT_STATEMENT_TIMEOUT_MS = 60 * 60_000;

runCli(async () => {
  let args;
  try {
    args = parseImportArgs(process.argv.slice(2));
  } catch (error) {
    if (!(error instanceof UsageError)) throw error;
    console.error(`${error.message}\n\n${importUsage}`);
    return 2;
  }
  if (args === 'help') {
    console.log(importUsage);
    return 0;
  }
  const ctx = await openCliContext({ fetch: await patientFetch(IMPORT_STATEMENT_TIMEOUT_MS) });
  // Ctrl-C between chunks rolls the members transaction back, or removes staged responses at
  // once instead of leaving them for the daily cleanup.
  const interrupt = new AbortController();
  process.once('SIGINT', () => interrupt.abort());
  try {
    return await runImport(ctx.db, args, { stdout: process.stdout, stderr: process.stderr }, { signal: interrupt.signal });
  } finally {
    ctx.close();
  }
});
