// The whole demo community as plain data: same seed and day, same community.
import type { ChatInput } from '../chats/input.js';
import { seedChats } from './chats.js';
import { playHistory, type SeedHistory } from './history.js';
import { DAY, generateMembers, type SeedMember } from './people.js';
import { seededRandom } from './random.js';

export const DEFAULT_SEED = 20261201;
export const DEFAULT_MEMBERS = 5000;

export interface SeedCommunity {
  /** Start of the UTC day the community is generated for: every time in it is relative to this. */
  today: number;
  chats: ChatInput[];
  members: SeedMember[];
  history: SeedHistory;
}

/** Times follow the day, so "invited in the last 7 days" stays true whenever the seed runs. */
export function generateCommunity(now: number, opts: { seed?: number; members?: number } = {}): SeedCommunity {
  const today = Math.floor(now / DAY) * DAY;
  const random = seededRandom(opts.seed ?? DEFAULT_SEED);
  const members = generateMembers(random, opts.members ?? DEFAULT_MEMBERS, today);
  return { today, chats: seedChats, members, history: playHistory(random, members, seedChats, today) };
}
