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

function closesAtText(ctx: RenderContext): string {
  try {
    return new Intl.DateTimeFormat(ctx.locale, { dateStyle: 'long', timeStyle: 'short', timeZone: ctx.member.timeZone }).format(ctx.closesAt);
  } catch {
    // An unknown zone or locale still gets a readable time.
    return new Intl.DateTimeFormat('en-US', { dateStyle: 'long', timeStyle: 'short', timeZone: 'UTC' }).format(ctx.closesAt) + ' UTC';
  }
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
