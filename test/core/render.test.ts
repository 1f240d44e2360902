import { describe, expect, it } from 'vitest';
import { renderTemplate, type RenderContext } from '../../src/core/messages/render.js';

const ctx = (over: Partial<RenderContext> = {}, attributes: Record<string, unknown> = {}): RenderContext => ({
  locale: 'en-US',
  chatName: 'Onboarding',
  link: 'https://x.example/i/abc',
  closesAt: Date.parse('2026-12-09T22:00:00Z'),
  member: { timeZone: 'America/Toronto', attributes },
  ...over,
});

describe('renderTemplate', () => {
  it('fills link, chat name, attributes and the close time in the member’s zone and the locale', () => {
    const out = renderTemplate('Hi {{first_name}}, {{ chat_name }} ({{country}}) until {{closes_at}}: {{link}}', ctx({}, { first_name: 'Ana', country: 'CA' }));
    expect(out).toBe('Hi Ana, Onboarding (CA) until December 9, 2026 at 5:00 PM: https://x.example/i/abc');
    const fr = renderTemplate('Jusqu’au {{closes_at}} !', ctx({ locale: 'fr-CA', member: { timeZone: 'Europe/Paris', attributes: {} } }));
    expect(fr).toBe('Jusqu’au 9 décembre 2026 à 23 h 00 !');
  });

  it('never leaves a raw placeholder: missing values have defined fallbacks', () => {
    expect(renderTemplate('Hi {{first_name}}, {{unknown_attr}}.', ctx())).toBe('Hi there,.');
    expect(renderTemplate('Bonjour {{first_name}}, merci', ctx({ locale: 'fr-CA' }))).toBe('Bonjour, merci');
    expect(renderTemplate('Bonjour {{first_name}}, merci', ctx({ locale: 'fr-CA' }))).not.toMatch(/\{\{/);
  });

  it('an unknown time zone still renders a time', () => {
    expect(renderTemplate('{{closes_at}}', ctx({ member: { timeZone: 'Mars/Olympus', attributes: {} } }))).toBe('December 9, 2026 at 10:00 PM UTC');
  });
});
