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

// The same close time in the same zone reads the same for every member: formatted once.
const closesAtTexts = new Map<string, string>();

function closesAtText(ctx: RenderContext): string {
  const key = `${ctx.locale} ${ctx.member.timeZone} ${ctx.closesAt}`;
  let text = closesAtTexts.get(key);
  if (text === undefined) {
    const format = closesAtFormat(ctx.locale, ctx.member.timeZone);
    // An unknown zone or locale still gets a readable time.
    text = format ? format.format(ctx.closesAt) : closesAtFormat('en-US', 'UTC')!.format(ctx.closesAt) + ' UTC';
    if (closesAtTexts.size > 10_000) closesAtTexts.clear();
    closesAtTexts.set(key, text);
  }
  return text;
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

/** A template split once into its text and placeholder names (odd indexes), then filled per member. */
const compiled = new Map<string, string[]>();

function partsOf(template: string): string[] {
  let parts = compiled.get(template);
  if (!parts) {
    // split() with a capturing group keeps the placeholder names at the odd indexes.
    parts = template.split(new RegExp(placeholderPattern.source));
    if (compiled.size > 1_000) compiled.clear();
    compiled.set(template, parts);
  }
  return parts;
}

/**
 * Fills every placeholder. An empty fallback leaves no stray space before a comma or a period
 * ("Bonjour ,"); spaces before ; : ! ? stay, French typography wants them. `format` turns each
 * value into what the template's text is written in (HTML, for an email's HTML part).
 */
export function renderTemplate(template: string, ctx: RenderContext, format?: (name: string, value: string) => string): string {
  const parts = partsOf(template);
  let out = parts[0]!;
  let emptied = false;
  for (let i = 1; i < parts.length; i += 2) {
    const name = parts[i]!;
    const value = valueOf(name, ctx);
    if (value === '') emptied = true;
    out += (format ? format(name, value) : value) + parts[i + 1]!;
  }
  return emptied ? out.replaceAll(/[ \t]+([,.])/g, '$1') : out;
}
