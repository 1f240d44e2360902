import type { Db } from '../db/client.js';
import type { Clock } from './clock.js';
import type { Logger } from './logger.js';

/** What the core needs from its surroundings; entry points build it, tests pass their own clock. */
export interface CoreDeps {
  db: Db;
  clock: Clock;
  logger: Logger;
  settings: {
    /** Workspace cooldown: no more than one invitation per member per this many days (0 = off). */
    cooldownDays: number;
    publicBaseUrl: string;
  };
}
