import { DateTime } from 'luxon';
import { dateOfDayNumber, dayNumberOf } from './local-calendar';
import type { Slot } from './model';
import { localDateInZone } from './zoned-time';
import { offsetStretches } from './zone-offsets';

const HOUR = 3_600_000;

/**
 * The first real instant of a local date: the earliest instant whose wall time is the date's
 * midnight or later. Where midnight falls in a gap that is the gap's end; where midnight happens
 * twice (clocks go back at midnight, as in Havana or the Azores) it is the first of the two, so
 * the repeated hour belongs to the new day and to no other.
 */
function startOfLocalDay(day: number, zone: string): number {
  const date = dateOfDayNumber(day);
  const wallMidnight = DateTime.fromISO(date, { zone: 'utc' }).toMillis();
  // Offsets stay within ±26 hours, so the instant lies in this window whatever the zone.
  for (const stretch of offsetStretches(zone, wallMidnight - 27 * HOUR, wallMidnight + 27 * HOUR)) {
    // Within a stretch the wall time is instant + offset, rising: its first instant at or past midnight.
    const first = Math.max(stretch.start, wallMidnight - stretch.offsetMs);
    if (first < stretch.end) return first;
  }
  throw new RangeError(`no instant of ${date} in ${zone}`);
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
