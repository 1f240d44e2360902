// A message as one member receives it: placeholders filled in the engagement locale, times in the
// member's own zone, and a defined fallback for every missing value, so no raw {{…}} is ever sent.
import { placeholderPattern } from './templates.js';

export interface RenderContext {
  locale: string;
  chatName: string;
  link: string;
  closesAt: number;
  member: { timeZone: string; attributes: Record<string, unknown> };
}

/** What a greeting says when the member's first name is unknown ("Hi there," / "Bonjour,"). */
const nameFallback: Record<string, string> = { en: 'there', fr: '' };

// Building a DateTimeFormat costs far more than using one; a send renders thousands per second.
const formats = new Map<string, Intl.DateTimeFormat | null>();

function closesAtFormat(locale: string, timeZone: string): Intl.DateTimeFormat | null {
  const key = `${locale} ${timeZone}`;
  let format = formats.get(key);
  if (format === undefined) {
    try {
      format = new Intl.DateTimeFormat(locale, { dateStyle: 'long', timeStyle: 'short', timeZone });
    } catch {
      format = null;
    }
    formats.set(key, format);
  }
  return format;
}

function closesAtText(ctx: RenderContext): string {
  const format = closesAtFormat(ctx.locale, ctx.member.timeZone);
  // An unknown zone or locale still gets a readable time.
  if (format) return format.format(ctx.closesAt);
  return closesAtFormat('en-US', 'UTC')!.format(ctx.closesAt) + ' UTC';
}

function valueOf(name: string, ctx: RenderContext): string {
  switch (name) {
    case 'link':
      return ctx.link;
    case 'chat_name':
      return ctx.chatName;
    case 'closes_at':
      return closesAtText(ctx);
    default: {
      const value = ctx.member.attributes[name];
      if (value !== undefined && value !== null && value !== '') return String(value);
      return name === 'first_name' ? (nameFallback[ctx.locale.split('-')[0]!] ?? '') : '';
    }
  }
}

/**
 * Fills every placeholder. An empty fallback leaves no stray space before a comma or a period
 * ("Bonjour ,"); spaces before ; : ! ? stay, French typography wants them.
 */
export function renderTemplate(template: string, ctx: RenderContext): string {
  return template.replaceAll(placeholderPattern, (_, name: string) => valueOf(name, ctx)).replaceAll(/[ \t]+([,.])/g, '$1');
}
