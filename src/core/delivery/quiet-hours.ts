// SMS quiet hours in the member's own zone: a message due at night waits for the morning.
import { zoneOffset } from '../time.js';

const HOUR = 3_600_000;
const DAY = 24 * HOUR;

function offsetIn(timeZone: string, instant: number): number {
  try {
    return zoneOffset(instant, timeZone);
  } catch {
    return 0; // a zone Intl does not know: UTC
  }
}

/** Null when `now` is outside quiet hours in `timeZone`, else the instant they end there. */
export function quietUntil(now: number, timeZone: string, hours: { start: number; end: number }): number | null {
  const offset = offsetIn(timeZone, now);
  const local = now + offset;
  const hour = (local % DAY) / HOUR;
  const quiet = hours.start > hours.end ? hour >= hours.start || hour < hours.end : hour >= hours.start && hour < hours.end;
  if (!quiet) return null;
  let endLocal = Math.floor(local / DAY) * DAY + hours.end * HOUR;
  if (endLocal <= local) endLocal += DAY;
  // Back to an instant with the offset in force at the end (a DST change during the night moves it).
  const guess = endLocal - offset;
  return endLocal - offsetIn(timeZone, guess);
}
