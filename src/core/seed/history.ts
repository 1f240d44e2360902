// Plays the demo invitations forward: audience, delivery funnel, completions and the answers
// completers gave, so participation filters and metrics have something to find.
import type { NewInvitation } from '../../db/schema.js';
import type { ChatInput } from '../chats/input.js';
import { randomToken } from '../ids.js';
import type { ResponseInput } from '../responses/input.js';
import { EARLIEST_ZONE, LATEST_ZONE, zonedLocalToInstant } from '../time.js';
import { seedQuestions } from './chats.js';
import { answers, funnel, type SeedParticipation } from './funnel.js';
import { invitationPlans, type InvitationPlan } from './invitations.js';
import { DAY, type SeedMember } from './people.js';
import type { Random } from './random.js';

const MINUTE = 60_000;
const COOLDOWN_DAYS = 7;

export interface SeedHistory {
  invitations: NewInvitation[];
  participations: SeedParticipation[];
  responses: ResponseInput[];
}

/** The channel a member can be reached on at `at`, honouring opt-outs and suppressions. */
function reachable(m: SeedMember, channel: 'email' | 'sms', at: number): boolean {
  const before = (t: number | null) => t !== null && t <= at;
  if (channel === 'email') return !!m.input.email && !before(m.emailOptOutAt) && !before(m.emailSuppressedAt);
  return !!m.input.phone && !before(m.smsOptOutAt) && !before(m.smsSuppressedAt);
}

function channelFor(m: SeedMember, plan: InvitationPlan, at: number): 'email' | 'sms' | undefined {
  const preferred = plan.channel === 'preference' ? (m.input.preferredChannel ?? 'email') : plan.channel;
  if (reachable(m, preferred, at)) return preferred;
  if (plan.channel !== 'preference') return undefined;
  const other = preferred === 'email' ? 'sms' : 'email';
  return reachable(m, other, at) ? other : undefined;
}

function shuffled<T>(list: T[], random: Random): T[] {
  const out = [...list];
  for (let i = out.length - 1; i > 0; i--) {
    const j = random.int(0, i);
    [out[i], out[j]] = [out[j]!, out[i]!];
  }
  return out;
}

/** One member's path through an invitation: sent, delivered or not, clicked, completed. */
function templatesOf(chats: ChatInput[], plan: InvitationPlan) {
  const locale = chats.find((c) => c.id === plan.chatId)!.locales.find((l) => l.locale === plan.locale)!;
  const email = plan.channel !== 'sms';
  const sms = plan.channel !== 'email';
  return { emailSubject: email ? locale.emailSubject : null, emailBody: email ? locale.emailBody : null, smsBody: sms ? locale.smsBody : null };
}

export function playHistory(random: Random, members: SeedMember[], chats: ChatInput[], today: number): SeedHistory {
  const vipIds = members.filter((m) => m.input.attributes.vip === true).slice(0, 60).map((m) => m.input.id);
  const completions = new Set<string>();
  const lastTargeted = new Map<string, number>();
  const history: SeedHistory = { invitations: [], participations: [], responses: [] };
  const lookup = { completed: (memberId: string, chatId: string) => completions.has(`${memberId}|${chatId}`) };

  for (const plan of invitationPlans(today, vipIds)) {
    const openDay = new Date(today - plan.opensDaysAgo * DAY).toISOString().slice(0, 10);
    const closeDay = new Date(today - (plan.opensDaysAgo - plan.durationDays) * DAY).toISOString().slice(0, 10);
    const local = plan.scheduleMode === 'member_local';
    const opensLocal = `${openDay}T${String(plan.openHourUtc).padStart(2, '0')}:00`;
    const closesLocal = `${closeDay}T17:00`;
    const opensAt = local ? zonedLocalToInstant(opensLocal, EARLIEST_ZONE) : Date.parse(`${opensLocal}Z`);
    const closesAt = local ? zonedLocalToInstant(closesLocal, LATEST_ZONE) : Date.parse(`${closeDay}T${String(plan.openHourUtc).padStart(2, '0')}:00Z`);

    const eligible = members.filter((m) => {
      if (m.createdAt > opensAt || (m.unsubscribedAt !== null && m.unsubscribedAt <= opensAt)) return false;
      if ((lastTargeted.get(m.input.id) ?? -Infinity) > opensAt - COOLDOWN_DAYS * DAY) return false;
      if (plan.sameLocaleOnly && m.input.preferredLocale !== plan.locale) return false;
      return plan.matches(m, lookup) && channelFor(m, plan, opensAt) !== undefined;
    });
    const audience = plan.sampleSize ? shuffled(eligible, random).slice(0, plan.sampleSize) : eligible;

    let participations = audience.map((m) => {
      const targetedAt = local ? zonedLocalToInstant(opensLocal, m.input.timezone) : opensAt + random.int(0, 120) * 1000;
      const memberCloses = local ? zonedLocalToInstant(closesLocal, m.input.timezone) : closesAt;
      const channel = channelFor(m, plan, targetedAt)!;
      const targeted = { invitationId: plan.id, memberId: m.input.id, chatId: plan.chatId, token: randomToken(), channel, targetedAt };
      return funnel(random, targeted, memberCloses, today - 60 * MINUTE);
    });

    let closedAt = plan.closedAfterDays !== undefined ? opensAt + plan.closedAfterDays * DAY : closesAt;
    if (plan.responseLimit) {
      // The invitation closed itself at its limit: later clicks found it closed.
      const order = participations.filter((p) => p.completedAt !== null).sort((a, b) => a.completedAt! - b.completedAt!);
      const last = order[plan.responseLimit - 1];
      if (last) closedAt = last.completedAt!;
      for (const p of order.slice(plan.responseLimit)) Object.assign(p, { completedAt: null, completedAfterClose: null });
    }
    if (plan.closeReason === 'manual') {
      participations = participations.map((p) =>
        p.completedAt !== null && p.completedAt > closedAt + DAY ? { ...p, completedAt: null, completedAfterClose: null } : p,
      );
    }

    for (const p of participations) {
      lastTargeted.set(p.memberId, p.targetedAt);
      if (p.completedAt !== null) {
        completions.add(`${p.memberId}|${p.chatId}`);
        history.responses.push(...answers(random, p));
      }
    }
    history.participations.push(...participations);
    const createdAt = opensAt - random.int(2, 5) * DAY;
    history.invitations.push({
      id: plan.id,
      chatId: plan.chatId,
      name: plan.name,
      description: plan.description,
      locale: plan.locale,
      scheduleMode: plan.scheduleMode,
      timeZone: 'America/Toronto',
      opensLocal: local ? opensLocal : null,
      closesLocal: local ? closesLocal : null,
      opensAt,
      closesAt,
      responseLimit: plan.responseLimit ?? null,
      target: plan.target,
      sameLocaleOnly: plan.sameLocaleOnly,
      liveAudience: true,
      cooldownDays: COOLDOWN_DAYS,
      channel: plan.channel,
      ...templatesOf(chats, plan),
      slackChannelId: plan.slackChannelId ?? null,
      slackMessageTs: plan.slackChannelId ? `${Math.floor(createdAt / 1000)}.000100` : null,
      createdBy: plan.createdBy,
      status: 'closed',
      closeReason: plan.closeReason,
      closedBy: plan.closeReason === 'manual' ? plan.createdBy : null,
      approvalRequired: plan.approvedBy !== undefined,
      approvedBy: plan.approvedBy ?? null,
      approvedAt: plan.approvedBy ? createdAt + 3 * 60 * MINUTE : null,
      scheduledAt: createdAt + 60 * MINUTE,
      openedAt: opensAt,
      closedAt,
      createdAt,
      updatedAt: closedAt,
      version: plan.closeReason === 'manual' ? 2 : 1,
    });
  }
  history.responses.push(...organicAnswers(random, members, completions));
  return history;
}

/** Some members answered a chat on their own, and only partly: "answered" is not "completed". */
function organicAnswers(random: Random, members: SeedMember[], completions: Set<string>): ResponseInput[] {
  const own = [['onboarding', 'role', 0.15], ['product-feedback', 'nps', 0.1]] as const;
  return own.flatMap(([chatId, question, share]) =>
    members
      .filter((m) => !completions.has(`${m.input.id}|${chatId}`) && random.chance(share))
      .map((m) => ({
        memberId: m.input.id,
        chatId,
        question,
        value: random.weighted(seedQuestions[chatId]![question]!),
        answeredAt: new Date(m.createdAt + random.int(1, 10) * DAY).toISOString(),
      })),
  );
}
