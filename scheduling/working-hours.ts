import {
  DAY_MS,
  MINUTE_MS,
  dayNumberOf,
  minutesOfLocalTime,
  weekdayOfDayNumber,
} from './local-calendar';
import type { LocalInterval, ResourceSchedule } from './model';
import { offsetStretches } from './zone-offsets';

/**
 * A resource's open time in UTC: sorted, disjoint, non-touching [start, end) pairs in epoch ms.
 *
 * An instant is open when its local wall time, on its local date, lies inside that date's
 * intervals (the override for the date if there is one, else the weekday's), and the date lies
 * within [validFrom, validUntil]. That per-instant rule is the whole definition: wall times in
 * a spring-forward gap never occur, so they open nothing; wall times in an autumn repeat occur
 * twice, so they open both real occurrences. Touching intervals merge, also across midnight,
 * so a slot may span them.
 */
export type OpenIntervals = number[];

/** The schedule parsed once: local minutes per day, validity as day numbers. */
interface ParsedSchedule {
  timezone: string;
  weekly: number[][]; // indexed by day number mod 7, as in weekdayOfDayNumber
  overrides: Map<number, number[]>;
  validFrom: number;
  validUntil: number;
}

function parseIntervals(intervals: LocalInterval[] | undefined, owner: string): number[] {
  const minutes: number[] = [];
  for (const interval of intervals ?? []) {
    const start = minutesOfLocalTime(interval.start);
    const end = minutesOfLocalTime(interval.end);
    if (end <= start) {
      throw new RangeError(`${owner}: interval ${interval.start}-${interval.end} must end after it starts`);
    }
    minutes.push(start, end);
  }
  return minutes;
}

function parse(resource: ResourceSchedule): ParsedSchedule {
  const weekly: number[][] = [];
  for (let index = 0; index < 7; index++) {
    const weekday = weekdayOfDayNumber(index);
    weekly[index] = parseIntervals(resource.weekly[weekday], `resource ${resource.id} ${weekday}`);
  }
  const overrides = new Map<number, number[]>();
  for (const override of resource.overrides) {
    overrides.set(
      dayNumberOf(override.date),
      parseIntervals(override.intervals, `resource ${resource.id} override ${override.date}`),
    );
  }
  return {
    timezone: resource.timezone,
    weekly,
    overrides,
    validFrom: resource.validFrom === null ? -Infinity : dayNumberOf(resource.validFrom),
    validUntil: resource.validUntil === null ? Infinity : dayNumberOf(resource.validUntil),
  };
}

/** Local-minute intervals [start, end, ...] that apply on a local day number. */
function localIntervalsOn(schedule: ParsedSchedule, day: number): number[] {
  if (day < schedule.validFrom || day > schedule.validUntil) return [];
  return schedule.overrides.get(day) ?? schedule.weekly[((day % 7) + 7) % 7];
}

/** Sorts [start, end] pairs and merges overlapping or touching ones. */
export function mergeIntervals(pairs: number[]): number[] {
  const order: number[] = [];
  for (let i = 0; i < pairs.length; i += 2) order.push(i);
  order.sort((a, b) => pairs[a] - pairs[b]);
  const merged: number[] = [];
  for (const i of order) {
    const start = pairs[i];
    const end = pairs[i + 1];
    if (merged.length > 0 && start <= merged[merged.length - 1]) {
      if (end > merged[merged.length - 1]) merged[merged.length - 1] = end;
    } else {
      merged.push(start, end);
    }
  }
  return merged;
}

/**
 * Open time of the resource for instants whose local date is in [firstDay, lastDay]. Instants of
 * other local dates are left out, so a caller that needs [from, to) exactly asks for the days
 * from the day before `from` to the day after `to` (no zone is a whole day off UTC).
 */
export function openIntervalsForDays(
  resource: ResourceSchedule,
  firstDay: number,
  lastDay: number,
): OpenIntervals {
  const schedule = parse(resource);
  // Local wall time L happens at UTC L - offset; offsets stay within ±1 day.
  const stretches = offsetStretches(
    schedule.timezone,
    firstDay * DAY_MS - DAY_MS,
    (lastDay + 1) * DAY_MS + DAY_MS,
  );
  const pieces: number[] = [];
  for (let day = firstDay; day <= lastDay; day++) {
    const local = localIntervalsOn(schedule, day);
    const midnight = day * DAY_MS;
    for (let i = 0; i < local.length; i += 2) {
      const wallStart = midnight + local[i] * MINUTE_MS;
      const wallEnd = midnight + local[i + 1] * MINUTE_MS;
      for (const stretch of stretches) {
        const start = Math.max(stretch.start, wallStart - stretch.offsetMs);
        const end = Math.min(stretch.end, wallEnd - stretch.offsetMs);
        if (start < end) pieces.push(start, end);
      }
    }
  }
  return mergeIntervals(pieces);
}

/** The local day number an instant falls on, ignoring the zone: callers add a day of margin. */
export function utcDayNumber(ms: number): number {
  return Math.floor(ms / DAY_MS);
}
