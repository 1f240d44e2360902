// The demo's past invitations: which chat, when, to whom, through which channel, and how each closed.
// Two ran within the last week, so the default 7-day cooldown holds some members back.
import type { CloseReason, MessageChannel } from '../../db/schema.js';
import type { Target } from '../targeting/target.js';
import { DAY, type SeedMember } from './people.js';

export interface InvitationPlan {
  id: string;
  chatId: string;
  name: string;
  description: string;
  locale: string;
  channel: MessageChannel;
  target: Target;
  /** Who the target means, in JS over the generated members (the seed has no audience resolver). */
  matches(member: SeedMember, history: { completed(memberId: string, chatId: string): boolean }): boolean;
  /** Keep this many of the eligible members (a sample), or all when absent. */
  sampleSize?: number;
  /** Days before today it opened, and the UTC hour; member_local ones open at 09:00 in each zone. */
  opensDaysAgo: number;
  openHourUtc: number;
  scheduleMode: 'fixed' | 'member_local';
  durationDays: number;
  closeReason: CloseReason;
  /** For manual closes: days after opening that someone closed it. */
  closedAfterDays?: number;
  responseLimit?: number;
  sameLocaleOnly: boolean;
  createdBy: string;
  approvedBy?: string;
  slackChannelId?: string;
}

const signedUpWithinDays = (m: SeedMember, days: number, today: number) => m.createdAt >= today - days * DAY;

export function invitationPlans(today: number, vipIds: string[]): InvitationPlan[] {
  return [
    {
      id: 'inv_seed_onboarding_w1',
      chatId: 'onboarding',
      name: 'Onboarding check-in, wave 1',
      description: 'A random 2,000 members tell us how their start went.',
      locale: 'en-US',
      channel: 'email',
      target: { type: 'sample', size: 2000, from: { type: 'all' }, seed: 'seed-onboarding-w1' },
      matches: () => true,
      sampleSize: 2000,
      opensDaysAgo: 120,
      openHourUtc: 14,
      scheduleMode: 'fixed',
      durationDays: 10,
      closeReason: 'close_time',
      sameLocaleOnly: false,
      createdBy: 'U0SEEDRES01',
      slackChannelId: 'C0SEEDRSRCH',
    },
    {
      id: 'inv_seed_feedback_fr',
      chatId: 'product-feedback',
      name: 'Commentaires produit (fr-CA)',
      description: 'French-speaking members, each by the channel they prefer.',
      locale: 'fr-CA',
      channel: 'preference',
      target: {
        type: 'filter',
        filter: { type: 'field', field: 'preferred_locale', op: 'eq', value: 'fr-CA' },
        expression: 'preferred_locale = "fr-CA"',
      },
      matches: (m) => m.input.preferredLocale === 'fr-CA',
      opensDaysAgo: 60,
      openHourUtc: 13,
      scheduleMode: 'fixed',
      durationDays: 14,
      closeReason: 'close_time',
      sameLocaleOnly: true,
      createdBy: 'U0SEEDRES02',
    },
    {
      id: 'inv_seed_feedback_sms',
      chatId: 'product-feedback',
      name: 'Paid plans feedback by SMS',
      description: 'Closed itself at 150 completions.',
      locale: 'en-US',
      channel: 'sms',
      target: {
        type: 'filter',
        filter: { type: 'field', field: 'plan', op: 'in', values: ['pro', 'team'] },
        expression: 'plan in ("pro", "team")',
      },
      matches: (m) => m.input.attributes.plan !== 'free' && m.input.preferredLocale !== 'fr-CA',
      opensDaysAgo: 40,
      openHourUtc: 15,
      scheduleMode: 'fixed',
      durationDays: 14,
      closeReason: 'response_limit',
      responseLimit: 150,
      sameLocaleOnly: false,
      createdBy: 'U0SEEDRES01',
      approvedBy: 'U0SEEDLEAD1',
    },
    {
      id: 'inv_seed_pricing',
      chatId: 'pricing-study',
      name: 'Pricing study with onboarded members',
      description: 'Opened at 09:00 in each member’s zone; closed by hand once we had enough.',
      locale: 'en-US',
      channel: 'email',
      target: {
        type: 'filter',
        filter: {
          type: 'and',
          conditions: [
            { type: 'participation', event: 'completed', chat: 'onboarding' },
            { type: 'field', field: 'age', op: 'gte', value: 25 },
          ],
        },
        expression: 'completed("onboarding") and age >= 25',
      },
      matches: (m, h) => h.completed(m.input.id, 'onboarding') && Number(m.input.attributes.age) >= 25,
      opensDaysAgo: 20,
      openHourUtc: 9,
      scheduleMode: 'member_local',
      durationDays: 10,
      closeReason: 'manual',
      closedAfterDays: 8,
      sameLocaleOnly: false,
      createdBy: 'U0SEEDRES03',
    },
    {
      id: 'inv_seed_onboarding_w2',
      chatId: 'onboarding',
      name: 'Onboarding check-in, wave 2',
      description: 'Members who joined in the last year, each by the channel they prefer.',
      locale: 'en-US',
      channel: 'preference',
      target: {
        type: 'filter',
        filter: { type: 'field', field: 'signup_date', op: 'within_last_days', days: 365 },
        expression: 'signup_date within last 365 days',
      },
      matches: (m) => signedUpWithinDays(m, 365, today),
      opensDaysAgo: 6,
      openHourUtc: 14,
      scheduleMode: 'fixed',
      durationDays: 5,
      closeReason: 'close_time',
      sameLocaleOnly: false,
      createdBy: 'U0SEEDRES01',
      slackChannelId: 'C0SEEDRSRCH',
    },
    {
      id: 'inv_seed_vip_pulse',
      chatId: 'product-feedback',
      name: 'VIP pulse',
      description: 'A handful of VIP members, by id.',
      locale: 'en-US',
      channel: 'email',
      target: { type: 'members', ids: vipIds },
      matches: (m) => vipIds.includes(m.input.id),
      opensDaysAgo: 3,
      openHourUtc: 16,
      scheduleMode: 'fixed',
      durationDays: 3,
      closeReason: 'manual',
      closedAfterDays: 1,
      sameLocaleOnly: false,
      createdBy: 'U0SEEDRES02',
    },
  ];
}
