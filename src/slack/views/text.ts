// Small Block Kit text helpers shared by every view.
import type { PlainTextElement } from '@slack/types';

export function plain(text: string): PlainTextElement {
  return { type: 'plain_text', text, emoji: true };
}

/** Cuts text to Slack's limit for the field, marking the cut. */
export function truncate(text: string, max: number): string {
  return text.length <= max ? text : `${text.slice(0, max - 1)}…`;
}

/** Escapes user text for mrkdwn (&, <, > are control characters there). */
export function escapeMrkdwn(text: string): string {
  return text.replaceAll('&', '&amp;').replaceAll('<', '&lt;').replaceAll('>', '&gt;');
}

/** Escaped user text within `max` characters (escaping can quadruple the length). */
export function escapedWithin(text: string, max: number): string {
  const escaped = escapeMrkdwn(text);
  if (escaped.length <= max) return escaped;
  // Never leave half an entity (&am…) behind the cut.
  return `${escaped.slice(0, max - 1).replace(/&[a-z]*$/, '')}…`;
}
