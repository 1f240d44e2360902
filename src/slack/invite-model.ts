// Everything the "New invitation" modal shows, read from the database for the user's choices so far.
import { listChats } from '../core/chats/service.js';
import type { CoreDeps } from '../core/deps.js';
import { measureSmsWithLink, messageTemplatesFor } from '../core/invitations/prepare.js';
import { attributeKeys } from '../core/members/attribute-keys.js';
import { coreFields, reservedFieldNames } from '../core/targeting/filter/ast.js';
import { MAX_STATIC_OPTIONS, type InviteModalMeta, type InviteModalModel } from './views/invite-modal.js';

/** The chat named by `/invite NAME`: by id or by name, case-insensitive. */
export function findChatByName(chats: { id: string; name: string }[], text: string): { id: string; name: string } | undefined {
  const wanted = text.trim().toLowerCase();
  if (!wanted) return undefined;
  return chats.find((c) => c.id.toLowerCase() === wanted) ?? chats.find((c) => c.name.toLowerCase() === wanted) ?? chats.find((c) => c.name.toLowerCase().startsWith(wanted));
}

export async function inviteModel(
  deps: CoreDeps,
  meta: InviteModalMeta,
  extra: { audience?: string[]; audienceZones?: string[]; smsBody?: string; confirmation?: string; chatQuery?: string; initial?: Record<string, Record<string, unknown>> } = {},
): Promise<InviteModalModel> {
  // One read of the chats (with their locales) serves the select, the choice and its templates.
  const all = await listChats(deps.db);
  const chats = all.map((c) => ({ id: c.id, name: c.name })).sort((a, b) => a.name.localeCompare(b.name));
  const chosen = meta.chat ?? (extra.chatQuery ? findChatByName(chats, extra.chatQuery)?.id : undefined);
  const chat = all.find((c) => c.id === chosen);
  const locales = chat?.locales.map((l) => l.locale) ?? [];
  // A single-locale chat fixes the locale; a locale the chat does not have is forgotten.
  const locale = locales.length === 1 ? locales[0] : meta.locale && locales.includes(meta.locale) ? meta.locale : undefined;
  const fixedMeta: InviteModalMeta = { ...meta, chat: chat?.id, locale };
  const templates = chat && locale ? messageTemplatesFor(chat, locale) : undefined;
  const smsBody = extra.smsBody ?? templates?.smsBody;
  const attributes = meta.target === 'filter' ? await attributeKeys(deps.db, MAX_STATIC_OPTIONS) : [];
  const fields = [...Object.keys(coreFields), ...attributes.filter((a) => !reservedFieldNames.has(a))].slice(0, MAX_STATIC_OPTIONS);
  return {
    meta: fixedMeta,
    chats: chats.slice(0, MAX_STATIC_OPTIONS),
    chatCount: chats.length,
    fields,
    chat,
    templates,
    sms: smsBody ? measureSmsWithLink(smsBody, deps.settings.publicBaseUrl) : undefined,
    audience: extra.audience,
    audienceZones: extra.audienceZones,
    confirmation: extra.confirmation,
    initial: extra.initial,
    now: deps.clock.now(),
  };
}
