import { DateTime } from 'luxon';
import { dateOfDayNumber, dayNumberOf } from './local-calendar';
import type { Slot } from './model';
import { localDateInZone } from './zoned-time';
import { zoneNamed } from './zone-offsets';

/** The first real instant of a local date (midnight, or later if midnight falls in a gap). */
function startOfLocalDay(day: number, zone: string): number {
  const date = dateOfDayNumber(day);
  // Luxon moves a wall time in a gap forward, which is exactly the day's first instant.
  return DateTime.fromISO(date, { zone: zoneNamed(zone) }).startOf('day').toMillis();
}

/** Local dates from..to, both inclusive, as [rangeStart, rangeEnd) in epoch ms. */
export function localDateRange(from: string, to: string, zone: string): { rangeStart: number; rangeEnd: number } {
  const first = dayNumberOf(from);
  const last = dayNumberOf(to);
  if (last < first) throw new RangeError(`local date range ${from}..${to} ends before it starts`);
  return { rangeStart: startOfLocalDay(first, zone), rangeEnd: startOfLocalDay(last + 1, zone) };
}

export interface LocalDaySlots {
  date: string;
  slots: Slot[];
}

/**
 * Every local date from..to (inclusive) in the zone, empty days included, each with the slots
 * that start on it. Slots outside the dates are left out.
 */
export function groupSlotsByLocalDay(slots: Slot[], zone: string, from: string, to: string): LocalDaySlots[] {
  const first = dayNumberOf(from);
  const last = dayNumberOf(to);
  const days: LocalDaySlots[] = [];
  const byDate = new Map<string, Slot[]>();
  for (let day = first; day <= last; day++) {
    const entry = { date: dateOfDayNumber(day), slots: [] as Slot[] };
    days.push(entry);
    byDate.set(entry.date, entry.slots);
  }
  for (const slot of slots) byDate.get(localDateInZone(slot.start, zone))?.push(slot);
  return days;
}
