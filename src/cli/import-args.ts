// Command line of `npm run import`: what to import, from where, and how strictly.
import { parseArgs } from 'node:util';

export const importKinds = ['members', 'responses', 'chats'] as const;
export type ImportKind = (typeof importKinds)[number];

export interface ImportArgs {
  kind: ImportKind;
  file: string;
  skipInvalid: boolean;
}

export const importUsage = `Usage: npm run import -- <members|responses|chats> FILE [--skip-invalid]

  members FILE.csv     id,email,phone,preferred_locale,timezone,subscribed[,preferred_channel], then attribute columns
  responses FILE.csv   member_id,chat_id,question,value,answered_at
  chats FILE.json      a chat object or an array of them, as the chat API accepts

  --skip-invalid       import the valid rows even if some are rejected (default: nothing is imported)
See README.md, "Import".`;

export class UsageError extends Error {
  override name = 'UsageError';
}

/** Parses argv (without node and script); throws UsageError with a one-line reason. */
export function parseImportArgs(argv: string[]): ImportArgs | 'help' {
  let parsed;
  try {
    parsed = parseArgs({
      args: argv,
      allowPositionals: true,
      options: { 'skip-invalid': { type: 'boolean', default: false }, help: { type: 'boolean', short: 'h', default: false } },
    });
  } catch (error) {
    throw new UsageError(error instanceof Error ? error.message : String(error));
  }
  if (parsed.values.help) return 'help';
  const [kind, file, ...extra] = parsed.positionals;
  if (!kind || !(importKinds as readonly string[]).includes(kind)) {
    throw new UsageError(kind ? `Unknown import "${kind}": use members, responses or chats.` : 'Say what to import: members, responses or chats.');
  }
  if (!file) throw new UsageError(`Give the file to import: npm run import -- ${kind} FILE`);
  if (extra.length > 0) throw new UsageError(`Unexpected argument "${extra[0]}": import one file at a time.`);
  return { kind: kind as ImportKind, file, skipInvalid: parsed.values['skip-invalid'] };
}
