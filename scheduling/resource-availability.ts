import { BusyTime, busyByResource } from './busy-time';
import type { BusyInterval, ResourceSchedule } from './model';
import { type OpenBlocks, gridStarts, openBlocks } from './slot-grid';
import type { SlotQuery } from './slot-query';

/** What the slot search needs to know about one resource for one query. */
export interface ResourceAvailability {
  resource: ResourceSchedule;
  open: OpenBlocks;
  /** This resource's grid starts that fit its hours (busy time not considered), ascending. */
  gridStarts: number[];
  busy: BusyTime;
}

/**
 * Resources that share a schedule (same zone, hours, overrides, validity) share its open
 * blocks and grid, computed once; with many identical resources this is most of the work.
 */
function scheduleKey(resource: ResourceSchedule): string {
  return JSON.stringify([
    resource.timezone,
    resource.weekly,
    resource.overrides,
    resource.validFrom,
    resource.validUntil,
  ]);
}

export function resourceAvailabilities(query: SlotQuery, busy: BusyInterval[]): ResourceAvailability[] {
  const from = query.earliestStart - query.bufferBeforeMs;
  const spanAfterStart = query.durationMs + query.bufferAfterMs;
  const to = query.endOfStarts + spanAfterStart;
  const span = query.bufferBeforeMs + spanAfterStart;
  const busyOf = busyByResource(busy);
  const shared = new Map<string, { open: OpenBlocks; gridStarts: number[] }>();
  return query.resources.map((resource) => {
    const key = scheduleKey(resource);
    let grid = shared.get(key);
    if (!grid) {
      const open = openBlocks(resource, from, to, query.now);
      grid = {
        open,
        gridStarts: gridStarts(
          open,
          query.stepMs,
          query.bufferBeforeMs,
          spanAfterStart,
          query.earliestStart,
          query.endOfStarts,
        ),
      };
      shared.set(key, grid);
    }
    const relevant = (busyOf.get(resource.id) ?? []).filter((b) => b.end > from && b.start < to);
    const isJoinable = (b: BusyInterval) =>
      query.seatsPerSlot > 1 &&
      b.end - b.start === span &&
      (query.seatsTaken.get(b.start + query.bufferBeforeMs)?.has(resource.id) ?? false);
    return { resource, open: grid.open, gridStarts: grid.gridStarts, busy: new BusyTime(relevant, span, isJoinable) };
  });
}

/** Seats still free for this resource at a start; 1 for one-to-one services. */
export function seatsLeft(query: SlotQuery, resourceId: string, start: number): number {
  if (query.seatsPerSlot <= 1) return 1;
  return query.seatsPerSlot - (query.seatsTaken.get(start)?.get(resourceId) ?? 0);
}

/** Whether [from, to) lies inside one open block. Linear, for one-off checks. */
export function isInsideOpenTime(open: OpenBlocks, from: number, to: number): boolean {
  const blocks = open.blocks;
  for (let i = 0; i < blocks.length && blocks[i] <= from; i += 2) {
    if (blocks[i + 1] >= to) return true;
  }
  return false;
}
