// A request to a libSQL server, or its answer, can be lost on the way, and the HTTP client alone
// would wait 300 s. The runner's claim, record and rate reservation are safe to send again — a claim
// is keyed by its batch id, a record is guarded by batch and state, a reservation made twice only
// leaves a gap in the provider's rate — so rather than wait, it sends them again after
// a while; the first request, should it run late, changes nothing. (It cannot help when sqld itself
// stops taking writes: see the README, "A stall in sqld's default write-ahead log".)
import type { DeliveryDeps } from './deps.js';

const ATTEMPTS = 3;

const NO_ANSWER = Symbol('no answer');

/** Runs `work` (which must be safe to repeat), again if it has no answer within the runner's limit. */
export async function repeatedIfUnanswered<T>(deps: DeliveryDeps, step: string, ids: Record<string, string>, work: () => Promise<T>): Promise<T> {
  const ms = deps.delivery.databaseAnswerMs;
  for (let attempt = 1; attempt <= ATTEMPTS; attempt++) {
    let timer: ReturnType<typeof setTimeout> | undefined;
    const pending = work();
    // A late failure of an abandoned attempt is not this call's error any more.
    pending.catch(() => undefined);
    const limit = new Promise<typeof NO_ANSWER>((resolve) => (timer = setTimeout(() => resolve(NO_ANSWER), ms)));
    const result = await Promise.race([pending, limit]).finally(() => clearTimeout(timer));
    if (result !== NO_ANSWER) return result;
    deps.logger.log('warn', 'delivery.db_unanswered', { step, ...ids, attempt, ms });
  }
  throw new Error(`the database did not answer the ${step} in ${ATTEMPTS} tries of ${ms} ms`);
}
