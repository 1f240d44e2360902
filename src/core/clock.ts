/** Time is a dependency: production passes systemClock, tests pass a clock they move by hand. */
export interface Clock {
  now(): number;
}

export const systemClock: Clock = { now: () => Date.now() };
