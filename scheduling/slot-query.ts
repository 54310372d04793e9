import { offeredDuration } from './durations';
import { DAY_MS, MINUTE_MS } from './local-calendar';
import type { GroupSeatsTaken, ListSlotsInput, ResourceGroup, ResourceSchedule } from './model';
import { zoneNamed } from './zone-offsets';

/**
 * A slot request with every rule turned into milliseconds and every group resolved to
 * schedules, so the slot search and the start check read the same numbers.
 */
export interface SlotQuery {
  durationMs: number;
  stepMs: number;
  bufferBeforeMs: number;
  bufferAfterMs: number;
  /** Starts allowed by notice and horizon, intersected with the requested range: [from, to). */
  earliestStart: number;
  endOfStarts: number;
  groups: ResourceGroup[];
  /** Every resource some group needs, each once, in first-seen order. */
  resources: ResourceSchedule[];
  seatsPerSlot: number;
  spaces: number;
  /** Seats taken per start and resource; only for group appointments (seatsPerSlot > 1). */
  seatsTaken: Map<number, Map<string, number>>;
  now: number;
}

export function allowedDuration(input: Pick<ListSlotsInput, 'service' | 'durationMinutes'>): number | null {
  return offeredDuration(input.service.durationsMinutes, input.durationMinutes);
}

export function noticeLimit(input: Pick<ListSlotsInput, 'service' | 'now'>): number {
  return input.now + input.service.minNoticeMinutes * MINUTE_MS;
}

/** The last allowed start (inclusive), or Infinity. */
export function horizonLimit(input: Pick<ListSlotsInput, 'service' | 'now'>): number {
  const days = input.service.horizonDays;
  return days === null ? Infinity : input.now + days * DAY_MS;
}

export function resolveGroups(input: Pick<ListSlotsInput, 'groups' | 'mode' | 'resources'>): ResourceGroup[] {
  if (input.groups && input.groups.length > 0) return input.groups;
  return [{ id: 'default', mode: input.mode ?? 'one', resourceIds: input.resources.map((r) => r.id) }];
}

function seatsTakenByStart(groupSeats: GroupSeatsTaken[] | undefined): Map<number, Map<string, number>> {
  const byStart = new Map<number, Map<string, number>>();
  for (const taken of groupSeats ?? []) {
    let perResource = byStart.get(taken.start);
    if (!perResource) byStart.set(taken.start, (perResource = new Map()));
    for (const id of taken.resourceIds) perResource.set(id, (perResource.get(id) ?? 0) + taken.spaces);
  }
  return byStart;
}

export function toSlotQuery(input: ListSlotsInput): SlotQuery {
  const durationMinutes = allowedDuration(input);
  if (durationMinutes === null) {
    throw new RangeError(
      `duration ${input.durationMinutes} is not one of the service's durations (${input.service.durationsMinutes.join(', ')})`,
    );
  }
  const step = input.service.slotStepMinutes ?? durationMinutes;
  if (!Number.isInteger(step) || step <= 0) throw new RangeError(`slot step ${step} must be a positive whole number of minutes`);
  const groups = resolveGroups(input);
  const byId = new Map(input.resources.map((r) => [r.id, r]));
  const resources: ResourceSchedule[] = [];
  const seen = new Set<string>();
  for (const group of groups) {
    for (const id of group.resourceIds) {
      if (seen.has(id)) continue;
      const resource = byId.get(id);
      if (!resource) throw new RangeError(`group ${group.id} names resource ${id}, which was not given`);
      zoneNamed(resource.timezone);
      seen.add(id);
      resources.push(resource);
    }
  }
  const seatsPerSlot = Math.max(1, input.service.seatsPerSlot);
  return {
    durationMs: durationMinutes * MINUTE_MS,
    stepMs: step * MINUTE_MS,
    bufferBeforeMs: input.service.bufferBeforeMinutes * MINUTE_MS,
    bufferAfterMs: input.service.bufferAfterMinutes * MINUTE_MS,
    earliestStart: Math.max(input.rangeStart, noticeLimit(input)),
    endOfStarts: Math.min(input.rangeEnd, horizonLimit(input) + 1),
    groups,
    resources,
    seatsPerSlot,
    spaces: input.spaces ?? 1,
    seatsTaken: seatsPerSlot > 1 ? seatsTakenByStart(input.groupSeats) : new Map(),
    now: input.now,
  };
}
