import type { FieldProblem } from '../errors.js';
import { EARLIEST_ZONE, LATEST_ZONE, localDateTimePattern, zonedLocalToInstant } from '../time.js';

export const OPEN_GRACE_MS = 60_000;

export interface ScheduleInput {
  scheduleMode: 'fixed' | 'member_local';
  timeZone: string;
  opensAt?: string | undefined;
  closesAt: string;
}

export interface ResolvedSchedule {
  scheduleMode: 'fixed' | 'member_local';
  timeZone: string;
  opensLocal: string | null;
  closesLocal: string | null;
  /** fixed: the instants; member_local: the first open and the last close anywhere on Earth. */
  opensAt: number;
  closesAt: number;
}

function instant(value: string, timeZone: string): number {
  return localDateTimePattern.test(value) ? zonedLocalToInstant(value, timeZone) : Date.parse(value);
}

/**
 * Turns the form's times into stored instants and checks the window: closes after it opens, and
 * opens now or later (with a minute of grace) unless `opensAtUnchanged` (an edit that keeps it).
 */
export function resolveSchedule(
  input: ScheduleInput,
  now: number,
  opts: { checkOpensInFuture: boolean },
): { schedule: ResolvedSchedule; problems: FieldProblem[] } {
  const problems: FieldProblem[] = [];
  let schedule: ResolvedSchedule;
  if (input.scheduleMode === 'member_local') {
    const opensLocal = input.opensAt ?? new Date(now).toISOString().slice(0, 16);
    for (const [field, value] of [['opensAt', opensLocal], ['closesAt', input.closesAt]] as const) {
      if (!localDateTimePattern.test(value)) problems.push({ path: field, message: 'must be a local time such as 2026-12-01T09:00 when scheduleMode is member_local' });
    }
    if (problems.length > 0) return { schedule: { ...input, opensLocal: null, closesLocal: null, opensAt: now, closesAt: now }, problems };
    schedule = {
      scheduleMode: 'member_local',
      timeZone: input.timeZone,
      opensLocal,
      closesLocal: input.closesAt,
      opensAt: zonedLocalToInstant(opensLocal, EARLIEST_ZONE),
      closesAt: zonedLocalToInstant(input.closesAt, LATEST_ZONE),
    };
    if (input.closesAt <= opensLocal) problems.push({ path: 'closesAt', message: 'must be after the opening time' });
  } else {
    schedule = {
      scheduleMode: 'fixed',
      timeZone: input.timeZone,
      opensLocal: null,
      closesLocal: null,
      opensAt: input.opensAt === undefined ? now : instant(input.opensAt, input.timeZone),
      closesAt: instant(input.closesAt, input.timeZone),
    };
    if (schedule.closesAt <= schedule.opensAt) problems.push({ path: 'closesAt', message: 'must be after the opening time' });
  }
  if (opts.checkOpensInFuture && schedule.opensAt < now - OPEN_GRACE_MS) {
    problems.push({ path: 'opensAt', message: 'must be now or in the future' });
  }
  return { schedule, problems };
}
