import { DAY_MS } from './local-calendar';
import type { ResourceSchedule } from './model';
import { openIntervalsForDays, utcDayNumber } from './working-hours';

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
  const lastDay = utcDayNumber(to) + 1;
  // Instants in [firstDay * DAY_MS, (lastDay) * DAY_MS) all have local dates in the computed
  // days; only a block that is open at the lower edge may have started earlier than computed.
  let firstDay = utcDayNumber(from);
  let intervals = openIntervalsForDays(resource, firstDay - 1, lastDay);
  // Step back a week at a time: most blocks end within a day, so this rarely runs twice.
  const floorDay = utcDayNumber(lookbackFloor);
  while (firstDay > floorDay && isOpenAt(intervals, firstDay * DAY_MS)) {
    firstDay = Math.max(floorDay, firstDay - 7);
    intervals = openIntervalsForDays(resource, firstDay - 1, lastDay);
  }
  const lowerEdge = firstDay * DAY_MS;
  const blocks: number[] = [];
  const anchors: number[] = [];
  for (let i = 0; i < intervals.length; i += 2) {
    const start = intervals[i];
    const end = intervals[i + 1];
    if (end <= from || start >= to) continue;
    const unknownStart = start <= lowerEdge;
    blocks.push(start, end);
    anchors.push(unknownStart || start <= lookbackFloor ? 0 : start);
  }
  return { blocks, anchors };
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

function isOpenAt(intervals: number[], instant: number): boolean {
  for (let i = 0; i < intervals.length && intervals[i] <= instant; i += 2) {
    if (intervals[i + 1] > instant) return true;
  }
  return false;
}
