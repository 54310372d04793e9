import type { Slot } from './model';

const DAY_MS = 86_400_000;

/**
 * Local dates that hold every instant of [start, end) in any zone: a zone's local date is at most
 * one day from the UTC date (offsets lie within -12:00..+14:00). Slots do not depend on the range
 * they are listed in, so listing these dates and keeping the starts within the window
 * (startsWithin) gives exactly the window's slots, before the answer's zone is even known.
 */
export function localDatesAround(start: number, end: number): { from: string; to: string } {
  const date = (ms: number) => new Date(ms).toISOString().slice(0, 10);
  return { from: date(start - DAY_MS), to: date(end - 1 + DAY_MS) };
}

/** The slots starting in [start, end). */
export function startsWithin(slots: Slot[], start: number, end: number): Slot[] {
  return slots.filter((slot) => slot.start >= start && slot.start < end);
}
