import { DateTime } from 'luxon';
import type { BusyInterval, ListSlotsInput, ResourceGroup, ResourceSchedule, Slot } from '../../scheduling';
import { ANCHOR_LOOKBACK_MS } from '../../scheduling';

/**
 * A deliberately naive availability engine to check the real one against. It walks minute by
 * minute in UTC, asks Luxon for each minute's local wall time, and decides open/closed from the
 * schedule text. It shares no code with scheduling/ beyond the types and the anchor lookback
 * constant; it assumes every time in its input falls on a whole minute.
 */

const MINUTE = 60_000;
const DAY = 86_400_000;
const WEEKDAYS = ['monday', 'tuesday', 'wednesday', 'thursday', 'friday', 'saturday', 'sunday'] as const;

function minutesOf(hhmm: string): number {
  const [h, m] = hhmm.split(':').map(Number);
  return h * 60 + m;
}

function makeOpenMinute(resource: ResourceSchedule): (minute: number) => boolean {
  const memo = new Map<number, boolean>();
  return (minute) => {
    const known = memo.get(minute);
    if (known !== undefined) return known;
    const local = DateTime.fromMillis(minute, { zone: resource.timezone });
    const date = local.toISODate()!;
    const wall = local.hour * 60 + local.minute;
    let open = false;
    const valid =
      (resource.validFrom === null || date >= resource.validFrom) &&
      (resource.validUntil === null || date <= resource.validUntil);
    if (valid) {
      const override = resource.overrides.find((o) => o.date === date);
      const weekday = WEEKDAYS[local.weekday - 1];
      const intervals = override ? override.intervals : (resource.weekly[weekday] ?? []);
      open = intervals.some((i) => minutesOf(i.start) <= wall && wall < minutesOf(i.end));
    }
    memo.set(minute, open);
    return open;
  };
}

export function referenceSlots(input: ListSlotsInput): Slot[] {
  const service = input.service;
  const durationMinutes = input.durationMinutes ?? service.durationsMinutes[0];
  if (!service.durationsMinutes.includes(durationMinutes)) throw new RangeError('duration not allowed');
  const duration = durationMinutes * MINUTE;
  const step = (service.slotStepMinutes ?? durationMinutes) * MINUTE;
  const before = service.bufferBeforeMinutes * MINUTE;
  const after = service.bufferAfterMinutes * MINUTE;
  const seatsPerSlot = Math.max(1, service.seatsPerSlot);
  const spaces = input.spaces ?? 1;
  const lookbackFloor = input.now - ANCHOR_LOOKBACK_MS;

  let firstStart = Math.max(input.rangeStart, input.now + service.minNoticeMinutes * MINUTE);
  let endOfStarts = input.rangeEnd;
  if (service.horizonDays !== null) endOfStarts = Math.min(endOfStarts, input.now + service.horizonDays * DAY + 1);
  firstStart = Math.ceil(firstStart / MINUTE) * MINUTE;

  const groups: ResourceGroup[] =
    input.groups && input.groups.length > 0
      ? input.groups
      : [{ id: 'default', mode: input.mode ?? 'one', resourceIds: input.resources.map((r) => r.id) }];
  const involved = [...new Set(groups.flatMap((g) => g.resourceIds))];
  const byId = new Map(input.resources.map((r) => [r.id, r]));
  const openMinute = new Map(involved.map((id) => [id, makeOpenMinute(byId.get(id)!)]));

  const fitsHours = (id: string, s: number) => {
    const open = openMinute.get(id)!;
    for (let m = s - before; m < s + duration + after; m += MINUTE) if (!open(m)) return false;
    return true;
  };
  const onGrid = (id: string, s: number) => {
    const open = openMinute.get(id)!;
    let blockStart = s;
    while (blockStart > lookbackFloor && open(blockStart - MINUTE)) blockStart -= MINUTE;
    const anchor = blockStart <= lookbackFloor ? 0 : blockStart;
    return (((s - anchor) % step) + step) % step === 0;
  };
  const seatsTaken = (id: string, s: number) =>
    (input.groupSeats ?? [])
      .filter((g) => g.start === s && g.resourceIds.includes(id))
      .reduce((sum, g) => sum + g.spaces, 0);
  const isJoinedBooking = (b: BusyInterval, s: number) =>
    seatsPerSlot > 1 && b.start === s - before && b.end === s + duration + after && seatsTaken(b.resourceId, s) > 0;
  const seatsLeftIfFree = (id: string, s: number): number => {
    if (!fitsHours(id, s)) return 0;
    const blocking = input.busy.filter((b) => b.resourceId === id && !isJoinedBooking(b, s));
    for (let m = s - before; m < s + duration + after; m += MINUTE) {
      if (blocking.some((b) => b.start < m + MINUTE && b.end > m)) return 0;
    }
    return seatsPerSlot > 1 ? seatsPerSlot - seatsTaken(id, s) : 1;
  };

  const slots: Slot[] = [];
  for (let s = firstStart; s < endOfStarts; s += MINUTE) {
    if (!involved.some((id) => fitsHours(id, s) && onGrid(id, s))) continue;
    const out: Slot['groups'] = [];
    let spacesLeft = Infinity;
    let ok = true;
    for (const group of groups) {
      const seats = group.resourceIds.map((id) => seatsLeftIfFree(id, s));
      const free = group.resourceIds.filter((_, i) => seats[i] >= spaces);
      const freeSeats = seats.filter((n) => n >= spaces);
      if (group.mode === 'all' ? free.length !== group.resourceIds.length : free.length === 0) {
        ok = false;
        break;
      }
      out.push({ id: group.id, resources: free });
      const groupSpaces = group.mode === 'all' ? Math.min(...freeSeats) : Math.max(...freeSeats);
      spacesLeft = Math.min(spacesLeft, groupSpaces);
    }
    if (!ok) continue;
    slots.push({
      start: s,
      end: s + duration,
      resources: [...new Set(out.flatMap((g) => g.resources))],
      groups: out,
      spacesLeft: spacesLeft === Infinity ? seatsPerSlot : spacesLeft,
    });
  }
  return slots;
}
