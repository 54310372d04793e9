import type { ListSlotsInput, Slot } from './model';
import { type ResourceAvailability, resourceAvailabilities, seatsLeft } from './resource-availability';
import { type SlotQuery, toSlotQuery } from './slot-query';

/**
 * Bookable slots over [rangeStart, rangeEnd), sorted by start.
 *
 * Candidate starts are the union of every involved resource's grid starts, so resources with
 * different hours still produce slots; at each candidate every group must be satisfied
 * ('all': every member free, 'one': at least one). A member is free when the slot's buffered
 * range lies in its open time, overlaps none of its busy time, and it has at least `spaces`
 * seats left. Work is a sweep over sorted blocks and busy lists: no per-minute loops.
 *
 * Throws RangeError on input that cannot describe a schedule (unknown zone, malformed times,
 * a duration the service does not offer, a group naming a resource not given).
 */
export function listSlots(input: ListSlotsInput): Slot[] {
  const query = toSlotQuery(input);
  if (query.earliestStart >= query.endOfStarts) return [];
  const resources = resourceAvailabilities(query, input.busy);
  return slotsAtCandidates(query, resources, unionOfGridStarts(resources));
}

function unionOfGridStarts(resources: ResourceAvailability[]): ArrayLike<number> {
  const distinct = [...new Set(resources.map((r) => r.gridStarts))];
  if (distinct.length === 1) return distinct[0];
  let total = 0;
  for (const starts of distinct) total += starts.length;
  const all = new Float64Array(total);
  let at = 0;
  for (const starts of distinct) {
    all.set(starts, at);
    at += starts.length;
  }
  all.sort();
  const unique: number[] = [];
  for (let i = 0; i < all.length; i++) if (i === 0 || all[i] !== all[i - 1]) unique.push(all[i]);
  return unique;
}

/**
 * Seats left per candidate for one resource (0 = not free), visiting only the candidates that
 * fall inside its open blocks: other resources' grids mostly land in this one's closed time.
 */
function seatsPerCandidate(query: SlotQuery, availability: ResourceAvailability, candidates: ArrayLike<number>): Int32Array {
  const seats = new Int32Array(candidates.length);
  const { blocks } = availability.open;
  const id = availability.resource.id;
  const spanAfterStart = query.durationMs + query.bufferAfterMs;
  let c = 0;
  for (let b = 0; b < blocks.length; b += 2) {
    const lowest = blocks[b] + query.bufferBeforeMs;
    const highest = blocks[b + 1] - spanAfterStart;
    c = firstAtLeast(candidates, lowest, c);
    for (; c < candidates.length && candidates[c] <= highest; c++) {
      const start = candidates[c];
      if (!availability.busy.overlapsInSweep(start - query.bufferBeforeMs, start + spanAfterStart)) {
        seats[c] = seatsLeft(query, id, start);
      }
    }
  }
  return seats;
}

/** Index of the first value >= target in an ascending array, searching from `from`. */
function firstAtLeast(values: ArrayLike<number>, target: number, from: number): number {
  let lo = from;
  let hi = values.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (values[mid] < target) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

function slotsAtCandidates(query: SlotQuery, resources: ResourceAvailability[], candidates: ArrayLike<number>): Slot[] {
  const seats = resources.map((r) => seatsPerCandidate(query, r, candidates));
  const ids = resources.map((r) => r.resource.id);
  const indexOf = new Map(ids.map((id, index) => [id, index]));
  const groups = query.groups.map((group) => ({
    id: group.id,
    all: group.mode === 'all',
    members: group.resourceIds.map((id) => indexOf.get(id)!),
  }));
  const slots: Slot[] = [];
  for (let c = 0; c < candidates.length; c++) {
    let spacesLeft = Infinity;
    const groupsOut: Slot['groups'] = [];
    let satisfied = true;
    for (const group of groups) {
      const free: string[] = [];
      let groupSpaces = group.all ? Infinity : 0;
      for (const index of group.members) {
        const left = seats[index][c];
        if (left >= query.spaces) {
          free.push(ids[index]);
          groupSpaces = group.all ? Math.min(groupSpaces, left) : Math.max(groupSpaces, left);
        } else if (group.all) {
          satisfied = false;
          break;
        }
      }
      if (!satisfied || (!group.all && free.length === 0)) {
        satisfied = false;
        break;
      }
      groupsOut.push({ id: group.id, resources: free });
      spacesLeft = Math.min(spacesLeft, groupSpaces);
    }
    if (!satisfied) continue;
    const start = candidates[c];
    slots.push({
      start,
      end: start + query.durationMs,
      // One group: its free list is the slot's (shared, not copied: callers never change them).
      resources: groupsOut.length === 1 ? groupsOut[0].resources : [...new Set(groupsOut.flatMap((g) => g.resources))],
      groups: groupsOut,
      spacesLeft: spacesLeft === Infinity ? query.seatsPerSlot : spacesLeft,
    });
  }
  return slots;
}
