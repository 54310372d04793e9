import type { Weekday } from './model';

/**
 * Local calendar dates as day numbers (days since 1970-01-01 of the proleptic Gregorian
 * calendar). Local dates and wall times are zone-free labels, so plain UTC arithmetic on them
 * is exact and far cheaper than asking Luxon for every day.
 */

export const MINUTE_MS = 60_000;
export const DAY_MS = 86_400_000;

const WEEKDAYS: Weekday[] = ['thursday', 'friday', 'saturday', 'sunday', 'monday', 'tuesday', 'wednesday'];

const DATE_PATTERN = /^(\d{4})-(\d{2})-(\d{2})$/;
const TIME_PATTERN = /^(\d{2}):(\d{2})$/;

export function dayNumberOf(date: string): number {
  const match = DATE_PATTERN.exec(date);
  if (!match) throw new RangeError(`"${date}" is not a local date of the form YYYY-MM-DD`);
  const [year, month, day] = [Number(match[1]), Number(match[2]), Number(match[3])];
  const ms = Date.UTC(year, month - 1, day);
  // Date.UTC silently rolls 2026-02-30 over into March; a schedule must not.
  const check = new Date(ms);
  if (check.getUTCMonth() !== month - 1 || check.getUTCDate() !== day) {
    throw new RangeError(`"${date}" is not a calendar date`);
  }
  return Math.round(ms / DAY_MS);
}

export function dateOfDayNumber(day: number): string {
  return new Date(day * DAY_MS).toISOString().slice(0, 10);
}

export function weekdayOfDayNumber(day: number): Weekday {
  return WEEKDAYS[((day % 7) + 7) % 7];
}

/** Minutes after local midnight; '24:00' is 1440, the end of the day. */
export function minutesOfLocalTime(time: string): number {
  const match = TIME_PATTERN.exec(time);
  if (!match) throw new RangeError(`"${time}" is not a local time of the form HH:mm`);
  const hours = Number(match[1]);
  const minutes = Number(match[2]);
  if (minutes > 59 || hours > 24 || (hours === 24 && minutes !== 0)) {
    throw new RangeError(`"${time}" is not a time of day`);
  }
  return hours * 60 + minutes;
}
