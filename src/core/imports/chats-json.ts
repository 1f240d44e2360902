// Chats JSON import: the body the chat API accepts, one object or an array of them.
import type { Db } from '../../db/client.js';
import { chatInput, type ChatInput } from '../chats/input.js';
import { saveChat } from '../chats/service.js';
import { fieldPath } from '../errors.js';
import { ImportFileError, Rejections } from './rejections.js';

export interface ChatImportResult {
  total: number;
  imported: number;
  rejected: Rejections;
  committed: boolean;
}

export function parseChatsJson(text: string): unknown[] {
  let value: unknown;
  try {
    value = JSON.parse(text.charCodeAt(0) === 0xfeff ? text.slice(1) : text);
  } catch (error) {
    throw new ImportFileError(`Not valid JSON: ${error instanceof Error ? error.message : String(error)}`);
  }
  if (Array.isArray(value)) return value;
  if (value !== null && typeof value === 'object') return [value];
  throw new ImportFileError('Expected a chat object or an array of chat objects.');
}

function label(item: unknown, index: number): string {
  const id = item !== null && typeof item === 'object' && 'id' in item ? item.id : undefined;
  return typeof id === 'string' ? `chats[${index}] (${JSON.stringify(id)})` : `chats[${index}]`;
}

/** Validates every chat first, so a bad one stops the file before any chat is written. */
export async function importChats(db: Db, text: string, opts: { now: number; skipInvalid?: boolean }): Promise<ChatImportResult> {
  const items = parseChatsJson(text);
  const rejected = new Rejections();
  const valid: ChatInput[] = [];
  const indexOfId = new Map<string, number>();
  items.forEach((item, index) => {
    const parsed = chatInput.safeParse(item);
    if (!parsed.success) {
      const problems = parsed.error.issues.map((i) => ({ column: fieldPath(i.path) || '(chat)', message: i.message }));
      return rejected.add({ line: index, label: label(item, index), problems });
    }
    const earlier = indexOfId.get(parsed.data.id);
    if (earlier !== undefined) {
      return rejected.add({ line: index, label: label(item, index), problems: [{ column: 'id', message: `already in chats[${earlier}]` }] });
    }
    indexOfId.set(parsed.data.id, index);
    valid.push(parsed.data);
  });
  if (rejected.count > 0 && !opts.skipInvalid) return { total: items.length, imported: 0, rejected, committed: false };
  for (const chat of valid) await saveChat(db, chat, opts.now, { upsert: true });
  return { total: items.length, imported: valid.length, rejected, committed: true };
}
