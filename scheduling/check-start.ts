import type { CheckStartInput, CheckStartResult, ResourceGroup, Slot, StartRefusal } from './model';
import { type ResourceAvailability, isInsideOpenTime, resourceAvailabilities } from './resource-availability';
import { allowedDuration, horizonLimit, noticeLimit, toSlotQuery } from './slot-query';
import { fillingOrder } from './group-fill';
import { listSlots } from './slots';
import { wallTimeInZone } from './zoned-time';

/**
 * Whether a customer may book exactly `start`, and if not, the most specific reason.
 *
 * The verdict is listSlots' own: the start is bookable iff listSlots lists it (so the two can
 * never disagree); only a refusal is then explained, checking from the broadest rule down:
 * duration, notice, horizon, working hours, buffers, grid, and finally bookings and seats.
 * `preferredResourceIds` narrows the choice inside 'one' groups: if it names members of a
 * group and none of them is free, the start is refused even though listSlots lists it.
 */
export function checkStart(input: CheckStartInput): CheckStartResult {
  const { start } = input;
  const durationMinutes = allowedDuration(input);
  if (durationMinutes === null) {
    return refuse(
      'invalid_duration',
      `${input.durationMinutes} minutes is not a duration of this service (allowed: ${input.service.durationsMinutes.join(', ')})`,
    );
  }
  const listInput = { ...input, rangeStart: start, rangeEnd: start + 1 };
  const query = toSlotQuery(listInput);
  const zone = input.resources[0]?.timezone ?? 'UTC';
  const at = (ms: number) => `${wallTimeInZone(ms, zone)} (${zone})`;
  if (start < noticeLimit(input)) {
    return refuse(
      'min_notice',
      `${at(start)} is less than ${input.service.minNoticeMinutes} minutes from now; the earliest start is ${at(noticeLimit(input))}`,
    );
  }
  if (start > horizonLimit(input)) {
    return refuse('beyond_horizon', `${at(start)} is more than ${input.service.horizonDays} days ahead`);
  }

  const [slot] = listSlots(listInput);
  if (slot && slot.start === start) {
    return choose(slot, query.groups, input.preferredResourceIds ?? [], query.seatsTaken.get(start), at);
  }

  const resources = resourceAvailabilities(query, input.busy);
  const byId = new Map(resources.map((r) => [r.resource.id, r]));
  const end = start + query.durationMs;
  const bufferedFrom = start - query.bufferBeforeMs;
  const bufferedTo = end + query.bufferAfterMs;
  const inHours = (r: ResourceAvailability) => isInsideOpenTime(r.open, start, end);
  const buffersFit = (r: ResourceAvailability) => {
    if (!inHours(r) || !isInsideOpenTime(r.open, bufferedFrom, bufferedTo)) return false;
    // Busy time touching only the buffers is a buffer conflict; busy time over the slot
    // itself is an ordinary booking and reported as such below.
    const slotBusy = r.busy.overlapsAnywhere(start, end, bufferedFrom);
    return slotBusy || !r.busy.overlapsAnywhere(bufferedFrom, bufferedTo, bufferedFrom);
  };

  for (const group of query.groups) {
    const members = group.resourceIds.map((id) => byId.get(id)!);
    if (!satisfies(group, members, inHours)) {
      const names = describe(group, members, (r) => !inHours(r));
      return refuse('outside_hours', `${wallTimeInZone(start, zoneOf(members, zone))} is outside the working hours of ${names}`);
    }
  }
  for (const group of query.groups) {
    const members = group.resourceIds.map((id) => byId.get(id)!);
    if (!satisfies(group, members, buffersFit)) {
      const names = describe(group, members, (r) => !buffersFit(r));
      return refuse(
        'buffer_conflict',
        `${wallTimeInZone(start, zoneOf(members, zone))} leaves no room for the ${input.service.bufferBeforeMinutes}-minute buffer before and ${input.service.bufferAfterMinutes}-minute buffer after within the working hours and bookings of ${names}`,
      );
    }
  }
  if (!resources.some((r) => r.gridStarts.includes(start))) {
    const step = query.stepMs / 60_000;
    return refuse('not_on_slot_grid', `${at(start)} is not on the ${step}-minute slot grid`);
  }
  const spaces = query.spaces > 1 ? ` with ${query.spaces} spaces` : '';
  return refuse('no_resource_free', `no resource is free${spaces} at ${at(start)}`);
}

function refuse(reason: StartRefusal, message: string): CheckStartResult {
  return { ok: false, reason, message };
}

function satisfies(
  group: ResourceGroup,
  members: ResourceAvailability[],
  test: (r: ResourceAvailability) => boolean,
): boolean {
  return group.mode === 'all' ? members.every(test) : members.some(test);
}

function zoneOf(members: ResourceAvailability[], fallback: string): string {
  return members[0]?.resource.timezone ?? fallback;
}

function describe(
  group: ResourceGroup,
  members: ResourceAvailability[],
  failing: (r: ResourceAvailability) => boolean,
): string {
  const named = (r: ResourceAvailability) => `resource ${r.resource.id} (${r.resource.timezone})`;
  if (group.mode === 'all') return members.filter(failing).map(named).join(', ');
  if (members.length === 1) return named(members[0]);
  return `every resource of group ${group.id}: ${members.map(named).join(', ')}`;
}

function choose(
  slot: Slot,
  groups: ResourceGroup[],
  preferred: string[],
  seatsTaken: ReadonlyMap<string, number> | undefined,
  at: (ms: number) => string,
): CheckStartResult {
  const chosen: string[] = [];
  for (const group of groups) {
    const free = slot.groups.find((g) => g.id === group.id)!.resources;
    if (group.mode === 'all') {
      chosen.push(...free);
      continue;
    }
    const wanted = preferred.filter((id) => group.resourceIds.includes(id));
    const acceptable = wanted.length === 0 ? free : wanted.filter((id) => free.includes(id));
    if (acceptable.length === 0) {
      return refuse('no_resource_free', `the preferred resource ${wanted.join(' or ')} is not free at ${at(slot.start)}`);
    }
    chosen.push(fillingOrder(acceptable, seatsTaken)[0]);
  }
  return { ok: true, slot, chosenResourceIds: [...new Set(chosen)] };
}
