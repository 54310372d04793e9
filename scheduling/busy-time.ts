import type { BusyInterval } from './model';
import { mergeIntervals } from './working-hours';

/**
 * One resource's busy time, ready for overlap questions.
 *
 * Group appointments (seatsPerSlot > 1): the caller passes every allocation as busy, group
 * bookings included, exactly as the database stores them, and names the group bookings in
 * GroupSeatsTaken. A busy interval that equals the buffered range of a slot at a start where
 * this resource has seats taken is that group booking's allocation: it does not block joining
 * that same start (same start and same duration), and blocks every other start like any
 * booking. Matching the exact range, rather than trusting GroupSeatsTaken alone, keeps a group
 * booking of another duration from being joined by mistake.
 */
export class BusyTime {
  /** Merged [start, end) pairs of the allocations that block every start. */
  private readonly blocking: number[];
  /** Starts of joinable allocations, ascending; each spans exactly `joinableSpan`. */
  private readonly joinable: number[];
  private blockingCursor = 0;
  private joinableCursor = 0;

  constructor(
    intervals: BusyInterval[],
    private readonly joinableSpan: number,
    isJoinable: (interval: BusyInterval) => boolean,
  ) {
    const blocking: number[] = [];
    const joinable: number[] = [];
    for (const interval of intervals) {
      if (interval.end <= interval.start) continue;
      if (isJoinable(interval)) joinable.push(interval.start);
      else blocking.push(interval.start, interval.end);
    }
    this.blocking = mergeIntervals(blocking);
    this.joinable = joinable.sort((a, b) => a - b);
  }

  /**
   * Whether a slot whose buffered range is [from, to) overlaps busy time it cannot share.
   * Calls must come with non-decreasing `from` (a sweep); use `overlapsAnywhere` otherwise.
   */
  overlapsInSweep(from: number, to: number): boolean {
    const blocking = this.blocking;
    while (this.blockingCursor < blocking.length && blocking[this.blockingCursor + 1] <= from) {
      this.blockingCursor += 2;
    }
    if (this.blockingCursor < blocking.length && blocking[this.blockingCursor] < to) return true;
    if (this.joinable.length === 0) return false;
    const joinable = this.joinable;
    const span = this.joinableSpan;
    while (this.joinableCursor < joinable.length && joinable[this.joinableCursor] + span <= from) {
      this.joinableCursor++;
    }
    for (let i = this.joinableCursor; i < joinable.length && joinable[i] < to; i++) {
      // The joinable allocation that starts where this range starts is the one being joined.
      if (joinable[i] !== from) return true;
    }
    return false;
  }

  /**
   * Whether [from, to) overlaps busy time, ignoring the joinable allocation that starts at
   * `joinedFrom` (the buffered start of the slot being checked). Linear, for one-off checks.
   */
  overlapsAnywhere(from: number, to: number, joinedFrom: number): boolean {
    for (let i = 0; i < this.blocking.length; i += 2) {
      if (this.blocking[i] < to && this.blocking[i + 1] > from) return true;
    }
    for (const start of this.joinable) {
      if (start < to && start + this.joinableSpan > from && start !== joinedFrom) {
        return true;
      }
    }
    return false;
  }
}

/** Busy intervals grouped by resource id. */
export function busyByResource(busy: BusyInterval[]): Map<string, BusyInterval[]> {
  const byResource = new Map<string, BusyInterval[]>();
  for (const interval of busy) {
    let list = byResource.get(interval.resourceId);
    if (!list) byResource.set(interval.resourceId, (list = []));
    list.push(interval);
  }
  return byResource;
}
