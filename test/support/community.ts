// Small, explicit fixtures for API and targeting tests (the demo seed is for people, not assertions).
import type { Db } from '../../src/db/client.js';
import { saveChat } from '../../src/core/chats/service.js';
import type { MemberInput } from '../../src/core/members/input.js';
import { upsertMembers } from '../../src/core/members/upsert.js';

export const onboardingChat = {
  id: 'onboarding',
  name: 'Onboarding',
  locales: [{ locale: 'en-US', url: 'https://chats.example.com/onboarding/en' }],
};

export const feedbackChat = {
  id: 'feedback',
  name: 'Product feedback',
  defaultLocale: 'en-US',
  locales: [
    { locale: 'en-US', url: 'https://chats.example.com/feedback/en', displayName: 'Feedback', accentColor: '#0B5FFF' },
    { locale: 'fr-CA', url: 'https://chats.example.com/feedback/fr', displayName: 'Rétroaction', smsBody: 'Donnez votre avis {{link}}' },
  ],
};

export function member(id: string, overrides: Partial<MemberInput> = {}): MemberInput {
  return {
    id,
    email: `${id}@example.com`,
    phone: null,
    preferredLocale: 'en-US',
    timezone: 'America/Toronto',
    preferredChannel: null,
    subscribed: true,
    attributes: {},
    ...overrides,
  };
}

export async function seedChats(db: Db, now: number): Promise<void> {
  await saveChat(db, onboardingChat, now, { upsert: true });
  await saveChat(db, feedbackChat, now, { upsert: true });
}

export async function seedMembers(db: Db, members: MemberInput[], now: number): Promise<void> {
  await upsertMembers(db, members, now);
}
