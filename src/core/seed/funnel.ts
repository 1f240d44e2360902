// One member's path through an invitation: targeted, sent, delivered or not, clicked, completed,
// with drop-off at each step shaped like a real email or SMS campaign.
import type { ResponseInput } from '../responses/input.js';
import { seedQuestions } from './chats.js';
import { DAY } from './people.js';
import type { Random } from './random.js';

const MINUTE = 60_000;

export interface SeedParticipation {
  invitationId: string;
  memberId: string;
  chatId: string;
  /** Minted when the first message goes out: a member cancelled before sending has none. */
  token: string | null;
  channel: 'email' | 'sms';
  targetedAt: number;
  sentAt: number | null;
  deliveredAt: number | null;
  failedAt: number | null;
  bouncedAt: number | null;
  failureCode: string | null;
  failureReason: string | null;
  clickedAt: number | null;
  completedAt: number | null;
  completedAfterClose: boolean | null;
  cancelledAt: number | null;
  cancelReason: string | null;
}

type Targeted = Pick<SeedParticipation, 'invitationId' | 'memberId' | 'chatId' | 'token' | 'channel' | 'targetedAt'>;

/** `latest`: nothing happens after it (the seed's "now", minus a margin). */
export function funnel(random: Random, base: Targeted, closesAt: number, latest: number): SeedParticipation {
  const p: SeedParticipation = {
    ...base, sentAt: null, deliveredAt: null, failedAt: null, bouncedAt: null, failureCode: null, failureReason: null,
    clickedAt: null, completedAt: null, completedAfterClose: null, cancelledAt: null, cancelReason: null,
  };
  if (random.chance(0.01)) {
    p.cancelledAt = base.targetedAt + random.int(1, 30) * MINUTE;
    p.cancelReason = 'member unsubscribed before sending';
    p.token = null;
    return p;
  }
  p.sentAt = base.targetedAt + random.int(5, 900) * 1000;
  if (base.channel === 'email' && random.chance(0.03)) {
    p.bouncedAt = p.sentAt + random.int(20, 300) * 1000;
    [p.failureCode, p.failureReason] = random.pick([
      ['HardBounce', 'The server was unable to deliver your message (unknown user, mailbox not found).'],
      ['SoftBounce', 'Mailbox full.'],
    ] as const);
    return p;
  }
  if (base.channel === 'sms' && random.chance(0.04)) {
    p.failedAt = p.sentAt + random.int(5, 60) * 1000;
    [p.failureCode, p.failureReason] = random.pick([
      ['30003', 'Unreachable destination handset'],
      ['30006', 'Landline or unreachable carrier'],
    ] as const);
    return p;
  }
  p.deliveredAt = p.sentAt + random.int(2, 90) * 1000;
  if (!random.chance(base.channel === 'email' ? 0.4 : 0.32)) return p;
  const delay = random.weighted([[random.int(1, 60) * MINUTE, 6], [random.int(1, 23) * 60 * MINUTE, 3], [random.int(1, 4) * DAY, 1]]);
  const clickedAt = p.deliveredAt + delay;
  if (clickedAt > Math.min(closesAt + DAY, latest)) return p;
  p.clickedAt = clickedAt;
  const completedAt = clickedAt + random.int(4, 25) * MINUTE;
  if (!random.chance(0.65) || completedAt > latest) return p;
  p.completedAt = completedAt;
  p.completedAfterClose = p.completedAt > closesAt;
  return p;
}

/** What a completer answered, a minute or two per question before completing. */
export function answers(random: Random, p: SeedParticipation): ResponseInput[] {
  const questions = Object.entries(seedQuestions[p.chatId] ?? {});
  return questions.map(([question, choices], i) => ({
    memberId: p.memberId,
    chatId: p.chatId,
    question,
    value: random.weighted(choices),
    answeredAt: new Date(p.completedAt! - (questions.length - i) * random.int(30, 180) * 1000).toISOString(),
  }));
}
