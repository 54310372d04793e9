import { DateTime } from 'luxon';
import { RRule } from 'rrule';

export const MAX_OCCURRENCES = 366;

export type RecurrenceResult =
  | { ok: true; starts: number[] }
  | { ok: false; message: string };

/**
 * Expands an RFC 5545 RRULE in the session's zone: "every Monday 18:00" stays 18:00 local across
 * daylight-saving changes. rrule.js computes in floating time (local wall clock written as UTC),
 * so the first start goes in as its wall-clock time and every occurrence comes back out through
 * Luxon in the zone. A local time that does not exist on a day (spring forward) moves forward
 * by the gap, as Luxon resolves it.
 */
export function expandRecurrence(rule: string, firstStart: number, zone: string): RecurrenceResult {
  let options;
  try {
    options = RRule.parseString(rule.replace(/^RRULE:/i, ''));
  } catch (error) {
    return { ok: false, message: `is not an RRULE: ${(error as Error).message}` };
  }
  if (options.dtstart || options.tzid) return { ok: false, message: 'must not carry DTSTART or TZID: start and timezone are fields of their own' };
  if (options.freq === undefined || options.freq === null) return { ok: false, message: 'needs FREQ' };
  if (!options.until && !options.count) return { ok: false, message: `needs UNTIL or COUNT (at most ${MAX_OCCURRENCES} occurrences)` };
  const local = DateTime.fromMillis(firstStart, { zone });
  const floating = Date.UTC(local.year, local.month - 1, local.day, local.hour, local.minute, local.second);
  let until = options.until;
  if (until) {
    // UNTIL is an instant (with Z) in RFC 5545; compare in the same floating time as the starts.
    const untilLocal = DateTime.fromJSDate(until, { zone });
    until = new Date(Date.UTC(untilLocal.year, untilLocal.month - 1, untilLocal.day, untilLocal.hour, untilLocal.minute, untilLocal.second));
  }
  let rrule: RRule;
  try {
    rrule = new RRule({ ...options, until, dtstart: new Date(floating) });
  } catch (error) {
    return { ok: false, message: `is not a valid rule: ${(error as Error).message}` };
  }
  const starts: number[] = [];
  rrule.all((date) => {
    starts.push(date.getTime());
    return starts.length <= MAX_OCCURRENCES;
  });
  if (starts.length > MAX_OCCURRENCES) return { ok: false, message: `makes more than ${MAX_OCCURRENCES} occurrences` };
  if (starts.length === 0) return { ok: false, message: 'makes no occurrence' };
  return {
    ok: true,
    starts: starts.map((floatingStart) => {
      const wall = new Date(floatingStart);
      return DateTime.fromObject({
        year: wall.getUTCFullYear(), month: wall.getUTCMonth() + 1, day: wall.getUTCDate(),
        hour: wall.getUTCHours(), minute: wall.getUTCMinutes(), second: wall.getUTCSeconds(),
      }, { zone }).toMillis();
    }),
  };
}
