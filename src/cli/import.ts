// npm run import -- <members|responses|chats> FILE [--skip-invalid]   (README.md, "Import")
import { openCliContext, runCli } from './context.js';
import { importUsage, parseImportArgs, UsageError } from './import-args.js';
import { runImport } from './import-command.js';

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
  const ctx = await openCliContext();
  // Ctrl-C between chunks removes the staged rows instead of leaving them for the daily cleanup.
  const interrupt = new AbortController();
  process.once('SIGINT', () => interrupt.abort());
  try {
    return await runImport(ctx.db, args, { stdout: process.stdout, stderr: process.stderr }, { signal: interrupt.signal });
  } finally {
    ctx.close();
  }
});
