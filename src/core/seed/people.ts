// The demo members: varied profiles, contact details and opt-outs, all fictional.
import { memberInput, type MemberInput } from '../members/input.js';
import { freshPhone, places, type Place } from './places.js';
import type { Random } from './random.js';

export const DAY = 86_400_000;

export interface SeedMember {
  input: MemberInput;
  place: Place;
  createdAt: number;
  unsubscribedAt: number | null;
  emailOptOutAt: number | null;
  emailSuppressedAt: number | null;
  emailSuppressionReason: string | null;
  smsOptOutAt: number | null;
  smsSuppressedAt: number | null;
  smsSuppressionReason: string | null;
}

const firstNames = {
  fr: ['Amélie', 'Benoît', 'Camille', 'Élodie', 'François', 'Geneviève', 'Hélène', 'Jérôme', 'Léa', 'Mathieu', 'Noémie', 'Olivier', 'Rosalie', 'Sébastien', 'Thérèse', 'Zoé'],
  en: ['Aisha', 'Ben', 'Chloe', 'David', 'Emma', 'Grace', 'Hannah', 'Isaac', 'Jack', 'Liam', 'Maya', 'Noah', 'Olivia', 'Priya', 'Ryan', 'Sofia', 'Wei', 'Yusuf'],
};
const lastNames = {
  fr: ['Tremblay', 'Gagnon', 'Roy', 'Côté', 'Bouchard', 'Gauthier', 'Morin', 'Lavoie', 'Fortin', 'Dubois', 'Lefebvre', 'Moreau'],
  en: ['Smith', 'Brown', 'Wilson', 'Taylor', 'Nguyen', 'Patel', 'Garcia', 'Kim', "O'Brien", 'Martin', 'Lee', 'Clarke'],
};
const emailReasons = ['hard bounce: mailbox does not exist', 'spam complaint', 'hard bounce: domain not found'];

/** Lower-case ASCII for the local part of an email address: Côté → cote, O'Brien → obrien. */
function asciiName(name: string): string {
  return name.normalize('NFD').replace(/[^A-Za-z]/g, '').toLowerCase();
}

const isoDay = (ms: number) => new Date(ms).toISOString().slice(0, 10);

export function generateMembers(random: Random, count: number, today: number): SeedMember[] {
  const emails = new Set<string>();
  const phones = new Set<string>();
  const members: SeedMember[] = [];
  for (let i = 1; i <= count; i++) {
    const place = random.weighted(places.map((p) => [p, p.weight] as const));
    const locale = random.weighted(place.locales);
    const language = locale?.startsWith('fr') || (locale === null && place.region === 'QC') ? 'fr' : 'en';
    const first = random.pick(firstNames[language]);
    const last = random.pick(lastNames[language]);

    let email: string | null = null;
    if (random.chance(0.95)) {
      const base = `${asciiName(first)}.${asciiName(last)}`;
      const domain = random.chance(0.7) ? 'example.com' : 'example.org';
      for (let n = 1; !email || emails.has(email); n++) email = `${base}${n === 1 ? '' : n}@${domain}`;
      emails.add(email);
    }
    let phone: string | null = null;
    if (random.chance(email ? 0.7 : 1)) {
      phone = freshPhone(place, random, phones) ?? null;
      if (phone) phones.add(phone);
    }
    if (!email && !phone) email = `member${i}@example.org`;

    const createdAt = today - random.int(20, 4 * 365) * DAY + random.int(8, 20) * 3_600_000;
    const plan = random.weighted([['free', 55], ['pro', 30], ['team', 15]] as const);
    const attributes: Record<string, string | number | boolean> = {
      first_name: first,
      last_name: last,
      country: place.country,
      city: random.pick(place.cities),
      zip: place.postalCode(random),
      age: random.weighted([[random.int(18, 24), 2], [random.int(25, 44), 5], [random.int(45, 64), 3], [random.int(65, 85), 1]]),
      plan,
      vip: random.chance(plan === 'team' ? 0.25 : 0.05),
      signup_date: isoDay(createdAt),
    };
    if (place.regionKey && place.region) attributes[place.regionKey] = place.region;
    if (random.chance(0.2)) attributes.beta_tester = true;

    const subscribed = random.chance(0.95);
    const pastTime = () => random.int(createdAt + DAY, today - DAY);
    const emailSuppressed = !!email && random.chance(0.02);
    const smsSuppressed = !!phone && random.chance(0.01);
    members.push({
      input: memberInput.parse({
        id: `m-${String(i).padStart(5, '0')}`,
        email,
        phone,
        preferredLocale: locale,
        timezone: place.timeZone,
        preferredChannel: random.weighted([[null, 55], ['email', email ? 30 : 0], ['sms', phone ? 15 : 0]] as const),
        subscribed,
        attributes,
      }),
      place,
      createdAt,
      unsubscribedAt: subscribed ? null : pastTime(),
      emailOptOutAt: email && random.chance(0.03) ? pastTime() : null,
      emailSuppressedAt: emailSuppressed ? pastTime() : null,
      emailSuppressionReason: emailSuppressed ? random.pick(emailReasons) : null,
      smsOptOutAt: phone && random.chance(0.03) ? pastTime() : null,
      smsSuppressedAt: smsSuppressed ? pastTime() : null,
      smsSuppressionReason: smsSuppressed ? 'carrier: number unreachable' : null,
    });
  }
  return members;
}
