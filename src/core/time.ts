// Wall-clock ↔ instant conversions in IANA zones, with Intl only (runs on Node and Workers).

const formatters = new Map<string, Intl.DateTimeFormat>();

function formatter(timeZone: string): Intl.DateTimeFormat {
  let f = formatters.get(timeZone);
  if (!f) {
    f = new Intl.DateTimeFormat('en-US', {
      timeZone,
      hourCycle: 'h23',
      year: 'numeric',
      month: '2-digit',
      day: '2-digit',
      hour: '2-digit',
      minute: '2-digit',
      second: '2-digit',
    });
    formatters.set(timeZone, f);
  }
  return f;
}

/** Milliseconds to add to UTC to get the wall clock of `timeZone` at `instant`. */
export function zoneOffset(instant: number, timeZone: string): number {
  const parts: Record<string, number> = {};
  for (const p of formatter(timeZone).formatToParts(new Date(instant))) {
    if (p.type !== 'literal') parts[p.type] = Number(p.value);
  }
  const asUtc = Date.UTC(parts.year!, parts.month! - 1, parts.day!, parts.hour!, parts.minute!, parts.second!);
  return asUtc - Math.floor(instant / 1000) * 1000;
}

export const localDateTimePattern = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2})$/;

/**
 * The instant at which the wall clock of `timeZone` shows `local` (YYYY-MM-DDTHH:MM).
 * In a DST gap the time is moved forward by the gap, as calendars do; in an overlap the first one wins.
 */
export function zonedLocalToInstant(local: string, timeZone: string): number {
  const m = localDateTimePattern.exec(local);
  if (!m) throw new RangeError(`not a local date-time: ${local}`);
  const wall = Date.UTC(+m[1]!, +m[2]! - 1, +m[3]!, +m[4]!, +m[5]!);
  const first = wall - zoneOffset(wall, timeZone);
  const second = wall - zoneOffset(first, timeZone);
  const exact = [first, second].filter((c) => instantToZonedLocal(c, timeZone) === local);
  return exact.length > 0 ? Math.min(...exact) : Math.max(first, second);
}

/** The wall clock of `timeZone` at `instant`, as YYYY-MM-DDTHH:MM. */
export function instantToZonedLocal(instant: number, timeZone: string): string {
  return new Date(instant + zoneOffset(instant, timeZone)).toISOString().slice(0, 16);
}

// The first and last zones on Earth to reach a wall-clock time: bounds for "member local" schedules.
export const EARLIEST_ZONE = 'Pacific/Kiritimati';
export const LATEST_ZONE = 'Etc/GMT+12';
