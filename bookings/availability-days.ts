import type { Kysely } from 'kysely';
import type { Database } from '../db/schema';
import { listSlots, listSlotsOfGroups, localDateRange } from '../scheduling';
import { dateOfDayNumber, dayNumberOf } from '../scheduling/local-calendar';
import { availabilityInput, sliceLength, type AvailabilityQuery } from './availability';

const nextTurn = () => new Promise((resolve) => setImmediate(resolve));

/**
 * Which local dates from..to hold at least one slot: what a month view needs, never the slots
 * themselves. The rows are loaded once; the engine then answers one day at a time (a day is at
 * most 1440 grid starts per resource), so a month of any density costs a month of days, not an
 * answer of tens of thousands of slots.
 */
export async function datesWithSlots(
  db: Kysely<Database>, organizationId: string, query: AvailabilityQuery, now: Date,
): Promise<{ zone: string; dates: Set<string> }> {
  const { zone, grouped, openGroups: _openGroups, rangeStart: _start, rangeEnd: _end, ...input } = await availabilityInput(db, organizationId, query, now);
  const dates = new Set<string>();
  const first = dayNumberOf(query.from);
  const last = dayNumberOf(query.to);
  for (let day = first; day <= last; day++) {
    if (day > first) await nextTurn();
    const date = dateOfDayNumber(day);
    const { rangeStart, rangeEnd } = localDateRange(date, date, zone);
    if (rangeEnd <= input.now) continue;
    const slice = { ...input, rangeStart, rangeEnd };
    if ((grouped ? listSlotsOfGroups(slice, grouped) : listSlots(slice)).length > 0) dates.add(date);
  }
  return { zone, dates };
}

/** A start the visitor can choose and when it would end. */
export interface DaySlot { start: number; end: number }

/**
 * Every slot starting on one local date, however dense: a day is bounded (1440 one-minute starts
 * per resource), so it needs no cap; the page groups them by hour. One start per time, whatever
 * the number of free resources.
 */
export async function slotsOfDate(
  db: Kysely<Database>, organizationId: string, query: Omit<AvailabilityQuery, 'from' | 'to'> & { date: string }, now: Date,
): Promise<{ zone: string; slots: DaySlot[] }> {
  const { zone, grouped, openGroups: _openGroups, rangeStart, rangeEnd, ...input } = await availabilityInput(
    db, organizationId, { ...query, from: query.date, to: query.date }, now,
  );
  const sliceMs = sliceLength(input.resources.length, (input.service.slotStepMinutes ?? input.durationMinutes!) * 60_000);
  const byStart = new Map<number, DaySlot>();
  for (let sliceStart = rangeStart; sliceStart < rangeEnd; sliceStart += sliceMs) {
    if (sliceStart > rangeStart) await nextTurn();
    const slice = { ...input, rangeStart: sliceStart, rangeEnd: Math.min(rangeEnd, sliceStart + sliceMs) };
    for (const slot of grouped ? listSlotsOfGroups(slice, grouped) : listSlots(slice)) {
      if (!byStart.has(slot.start)) byStart.set(slot.start, { start: slot.start, end: slot.end });
    }
  }
  return { zone, slots: [...byStart.values()].sort((a, b) => a.start - b.start) };
}
