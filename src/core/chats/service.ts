import { asc, eq, inArray } from 'drizzle-orm';
import type { Db } from '../../db/client.js';
import { chatLocales, chats, type Chat, type ChatLocale } from '../../db/schema.js';
import { ConflictError, NotFoundError, ValidationError } from '../errors.js';
import type { ChatInput, ChatLocaleInput, ChatPatch } from './input.js';

export type ChatWithLocales = Chat & { locales: ChatLocale[] };

function localeRows(chatId: string, locales: ChatLocaleInput[]) {
  return locales.map((l) => ({ chatId, ...l }));
}

export async function getChat(db: Db, id: string): Promise<ChatWithLocales> {
  const [chat] = await db.select().from(chats).where(eq(chats.id, id));
  if (!chat) throw new NotFoundError('chat', id);
  const locales = await db.select().from(chatLocales).where(eq(chatLocales.chatId, id)).orderBy(asc(chatLocales.locale));
  return { ...chat, locales };
}

export async function listChats(db: Db): Promise<ChatWithLocales[]> {
  const all = await db.select().from(chats).orderBy(asc(chats.name));
  if (all.length === 0) return [];
  const locales = await db
    .select()
    .from(chatLocales)
    .where(inArray(chatLocales.chatId, all.map((c) => c.id)))
    .orderBy(asc(chatLocales.locale));
  return all.map((c) => ({ ...c, locales: locales.filter((l) => l.chatId === c.id) }));
}

/** Creates a chat; with `upsert`, replaces an existing one of the same id (what imports do). */
export async function saveChat(db: Db, input: ChatInput, now: number, opts: { upsert: boolean }): Promise<ChatWithLocales> {
  const defaultLocale = input.defaultLocale ?? input.locales[0]!.locale;
  const existing = await db.select({ id: chats.id }).from(chats).where(eq(chats.id, input.id));
  if (existing.length > 0 && !opts.upsert) throw new ConflictError(`chat ${input.id} already exists`);
  await db.batch([
    db
      .insert(chats)
      .values({ id: input.id, name: input.name, defaultLocale, createdAt: now, updatedAt: now })
      .onConflictDoUpdate({ target: chats.id, set: { name: input.name, defaultLocale, updatedAt: now } }),
    db.delete(chatLocales).where(eq(chatLocales.chatId, input.id)),
    db.insert(chatLocales).values(localeRows(input.id, input.locales)),
  ]);
  return getChat(db, input.id);
}

export async function updateChat(db: Db, id: string, patch: ChatPatch, now: number): Promise<ChatWithLocales> {
  const current = await getChat(db, id);
  const locales = patch.locales ?? current.locales;
  const defaultLocale = patch.defaultLocale ?? (locales.some((l) => l.locale === current.defaultLocale) ? current.defaultLocale : locales[0]!.locale);
  if (!locales.some((l) => l.locale === defaultLocale)) {
    throw new ValidationError([{ path: 'defaultLocale', message: 'must be one of the chat locales' }]);
  }
  const update = db
    .update(chats)
    .set({ name: patch.name ?? current.name, defaultLocale, updatedAt: now })
    .where(eq(chats.id, id));
  if (patch.locales) {
    await db.batch([
      update,
      db.delete(chatLocales).where(eq(chatLocales.chatId, id)),
      db.insert(chatLocales).values(localeRows(id, patch.locales)),
    ]);
  } else {
    await update;
  }
  return getChat(db, id);
}
