import { DAY_MS, dayNumberOf, minutesOfLocalTime } from './local-calendar';
import type { ResourceSchedule, Weekday } from './model';
import { mergeIntervals, openIntervalsForDays, utcDayNumber } from './working-hours';

const WEEKDAYS: Weekday[] = ['monday', 'tuesday', 'wednesday', 'thursday', 'friday', 'saturday', 'sunday'];

/**
 * Where slots may start for one resource.
 *
 * The grid is anchored at the start of each merged open block (a maximal stretch of open
 * time, so 09:00-12:00 + 12:00-17:00 is one block from 09:00): candidates are
 * anchor + k * step, counted in real elapsed time from the block's UTC start. Elapsed time is
 * unambiguous where wall time is not (a gap or a repeated hour inside a block). A candidate is
 * kept when its whole buffered range [start - before, start + duration + after) fits in the
 * block. We deliberately do not shift the first candidate by the buffer before: with open 09:00,
 * step 30 and a 10-minute buffer, the first start is 09:30, not 09:10, so slots stay on the
 * round times people expect.
 *
 * A block that has been open since `now - ANCHOR_LOOKBACK` or earlier (a resource open around
 * the clock) has no useful start; its grid is anchored at the Unix epoch instead, which is
 * stable from one request to the next. Looking back from `now`, not from the requested range,
 * keeps every request with the same `now` on the same grid.
 */
export const ANCHOR_LOOKBACK_MS = 31 * DAY_MS;

export interface OpenBlocks {
  /** Sorted disjoint [start, end) pairs, epoch ms. */
  blocks: number[];
  /** One grid anchor per block. */
  anchors: number[];
}

/** Open blocks of the resource that reach into [from, to), with their grid anchors. */
export function openBlocks(resource: ResourceSchedule, from: number, to: number, now: number): OpenBlocks {
  const lookbackFloor = now - ANCHOR_LOOKBACK_MS;
  const firstDay = utcDayNumber(from);
  // Instants in [firstDay * DAY_MS, ...) all have local dates in the computed days; only the
  // block open at that lower edge may have started earlier than computed.
  const intervals = openIntervalsForDays(resource, firstDay - 1, utcDayNumber(to) + 1);
  const lowerEdge = firstDay * DAY_MS;
  const blocks: number[] = [];
  const anchors: number[] = [];
  for (let i = 0; i < intervals.length; i += 2) {
    const start = intervals[i];
    const end = intervals[i + 1];
    if (end <= from || start >= to) continue;
    const realStart = start <= lowerEdge ? blockStart(resource, firstDay, utcDayNumber(lookbackFloor)) : start;
    blocks.push(start, end);
    anchors.push(realStart <= lookbackFloor ? 0 : realStart);
  }
  return { blocks, anchors };
}

/**
 * Where the block open at `edgeDay * DAY_MS` starts, or -Infinity when it started at or before
 * `floorDay * DAY_MS` (its grid is then anchored at the epoch anyway).
 *
 * Bounded by the schedule, not by the distance to the floor: it looks back a week at a time,
 * computing only that week, and a week without overrides that is open throughout has a weekly
 * schedule open around the clock, so the only earlier closures are override days and the day
 * before validity; it jumps straight to the latest of those. Each step thus passes a closed
 * weekly moment or an override, so a request for 2999 costs what one for next week does.
 */
export function blockStart(resource: ResourceSchedule, edgeDay: number, floorDay: number): number {
  const aroundTheClock = weekIsOpenAroundTheClock(resource);
  const closingDays = specialDays(resource);
  let day = edgeDay;
  while (day > floorDay) {
    const lowDay = Math.max(floorDay, day - 7);
    const intervals = openIntervalsForDays(resource, lowDay - 1, day);
    const start = startOfBlockAt(intervals, day * DAY_MS);
    if (start > lowDay * DAY_MS) return start;
    let next = lowDay;
    if (aroundTheClock) {
      // Instants from (special + 2) days to lowDay have local dates after the last special day.
      const special = latestAtOrBefore(closingDays, lowDay);
      next = special === undefined ? floorDay : Math.max(floorDay, Math.min(lowDay, special + 2));
    }
    day = next;
  }
  return -Infinity;
}

/** Start of the interval containing `instant`; the instant is known to be open. */
function startOfBlockAt(intervals: number[], instant: number): number {
  for (let i = 0; i < intervals.length && intervals[i] <= instant; i += 2) {
    if (intervals[i + 1] > instant) return intervals[i];
  }
  return instant;
}

function weekIsOpenAroundTheClock(resource: ResourceSchedule): boolean {
  return WEEKDAYS.every((weekday) => {
    const minutes: number[] = [];
    for (const interval of resource.weekly[weekday] ?? []) {
      minutes.push(minutesOfLocalTime(interval.start), minutesOfLocalTime(interval.end));
    }
    const merged = mergeIntervals(minutes);
    return merged.length === 2 && merged[0] === 0 && merged[1] === 1440;
  });
}

/** Days whose hours may differ from the weekly schedule: overrides, and the day before validity. */
function specialDays(resource: ResourceSchedule): number[] {
  const days = resource.overrides.map((o) => dayNumberOf(o.date));
  if (resource.validFrom !== null) days.push(dayNumberOf(resource.validFrom) - 1);
  return days.sort((a, b) => a - b);
}

function latestAtOrBefore(sortedDays: number[], day: number): number | undefined {
  let found: number | undefined;
  for (const d of sortedDays) {
    if (d > day) break;
    found = d;
  }
  return found;
}

/**
 * Grid starts in [earliestStart, endOfStarts) whose buffered range fits in an open block,
 * ascending.
 */
export function gridStarts(
  open: OpenBlocks,
  stepMs: number,
  bufferBeforeMs: number,
  spanAfterStartMs: number,
  earliestStart: number,
  endOfStarts: number,
): number[] {
  const starts: number[] = [];
  const { blocks, anchors } = open;
  for (let b = 0; b < anchors.length; b++) {
    const blockStart = blocks[2 * b];
    const blockEnd = blocks[2 * b + 1];
    const anchor = anchors[b];
    const lowest = Math.max(blockStart + bufferBeforeMs, earliestStart);
    const highest = Math.min(blockEnd - spanAfterStartMs, endOfStarts - 1);
    for (let s = anchor + Math.ceil((lowest - anchor) / stepMs) * stepMs; s <= highest; s += stepMs) {
      starts.push(s);
    }
  }
  return starts;
}
