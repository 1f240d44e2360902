// One member's email as the runner renders it: the text part as written, the HTML part escaped
// value by value, in paragraphs, with the personal link made a link.
import { describe, expect, it } from 'vitest';
import type { ChatWithLocales } from '../../src/core/chats/service.js';
import { composer, type Recipient } from '../../src/core/delivery/compose.js';
import type { Invitation } from '../../src/db/schema.js';

const chat = {
  id: 'feedback',
  name: 'Product feedback',
  locales: [{ locale: 'en-US', url: 'https://chats.example.com/feedback/en', displayName: 'Feedback', accentColor: '#0B5FFF', logoUrl: null, emailSenderName: null }],
} as unknown as ChatWithLocales;

function invitation(emailBody: string, reminders: Invitation['reminders'] = []): Invitation {
  return { id: 'inv_1', seq: 1, locale: 'en-US', closesAt: Date.parse('2026-12-08T13:00:00Z'), emailSubject: 'Hi {{first_name}}', emailBody, smsBody: null, reminders } as unknown as Invitation;
}

function recipient(attributes: Record<string, unknown>, step = 0): Recipient {
  return { deliveryId: 7, step, token: 'a1b2c3', email: 'm01@example.com', phone: null, timeZone: 'America/Toronto', attributes };
}

const LINK = 'https://invites.example.org/i/a1b2c3';

function paragraphsOf(html: string): string[] {
  return [...html.matchAll(/<p style="margin:0 0 16px">(.*?)<\/p>/gs)].map((m) => m[1]!);
}

describe('email composer', () => {
  it('escapes member values in the HTML part and keeps them as written in the text part', () => {
    const email = composer(invitation('Hello {{first_name}} from {{city}}.\nJoin: {{link}}'), chat, 'https://invites.example.org/').email(
      recipient({ first_name: '<script>alert("x")</script>', city: 'Tom & Jerry\'s' }),
      'bat_1',
    );
    expect(email.textBody.startsWith(`Hello <script>alert("x")</script> from Tom & Jerry's.\nJoin: ${LINK}\n`)).toBe(true);
    expect(paragraphsOf(email.htmlBody)).toEqual([
      `Hello &#60;script&#62;alert(&#34;x&#34;)&#60;/script&#62; from Tom &#38; Jerry&#39;s.<br>Join: <a href="${LINK}" style="color:#0B5FFF">${LINK}</a>`,
    ]);
    expect(email.htmlBody).not.toContain('<script>');
    expect(email.subject).toBe('Hi <script>alert("x")</script>');
  });

  it('makes paragraphs of blank-line-separated text, escaping the template text too', () => {
    const email = composer(invitation('Dear {{first_name}},\n\n\nA <short> chat & more\nsecond line\n\n{{link}}'), chat, 'https://invites.example.org').email(recipient({ first_name: 'Ana' }), 'bat_1');
    expect(paragraphsOf(email.htmlBody)).toEqual(['Dear Ana,', 'A &#60;short&#62; chat &#38; more<br>second line', `<a href="${LINK}" style="color:#0B5FFF">${LINK}</a>`]);
    // The button and the unsubscribe link carry the member's own token.
    expect(email.htmlBody).toContain(`<a href="${LINK}" style="display:inline-block`);
    expect(email.htmlBody).toContain('<a href="https://invites.example.org/u/a1b2c3" style="color:#555">Unsubscribe</a>');
  });

  it('a missing value takes its fallback in both parts, with no space left before a comma', () => {
    const compose = composer(invitation('Hi {{first_name}}, from {{city}} , see {{link}}'), chat, 'https://invites.example.org');
    // Absent, or null as the runner's claim reads an unset attribute.
    for (const attributes of [{}, { first_name: null, city: null }]) {
      const email = compose.email(recipient(attributes), 'bat_1');
      expect(email.textBody.startsWith(`Hi there, from, see ${LINK}\n`)).toBe(true);
      expect(paragraphsOf(email.htmlBody)).toEqual([`Hi there, from, see <a href="${LINK}" style="color:#0B5FFF">${LINK}</a>`]);
      expect(email.htmlBody).not.toContain('{{');
    }
  });

  it('a reminder uses its own body, and the invitation subject with a prefix', () => {
    const compose = composer(invitation('First {{link}}', [{ afterHours: 48, maxCount: 1, minGapHours: 24, emailBody: 'Still time, {{first_name}}: {{link}}' }]), chat, 'https://invites.example.org');
    const first = compose.email(recipient({ first_name: 'Ana' }), 'bat_1');
    const reminder = compose.email(recipient({ first_name: 'Ana' }, 1), 'bat_2');
    expect(paragraphsOf(first.htmlBody)).toEqual([`First <a href="${LINK}" style="color:#0B5FFF">${LINK}</a>`]);
    expect(paragraphsOf(reminder.htmlBody)).toEqual([`Still time, Ana: <a href="${LINK}" style="color:#0B5FFF">${LINK}</a>`]);
    expect(reminder.subject).toBe('Reminder: Hi Ana');
  });
});
