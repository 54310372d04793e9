import { DateTime } from 'luxon';
import { instantOfWallTime, isSecondOccurrence } from './wall-time';

export const MAX_OCCURRENCES = 366;
/** Every occurrence lies within this many years of the first; it also bounds the work of one rule. */
export const MAX_RECURRENCE_YEARS = 10;

export type RecurrenceResult =
  | { ok: true; starts: number[] }
  | { ok: false; message: string };

type Frequency = 'DAILY' | 'WEEKLY' | 'MONTHLY' | 'YEARLY';
const WEEKDAYS = ['MO', 'TU', 'WE', 'TH', 'FR', 'SA', 'SU'];

interface WeekdayRule { weekday: number; ordinal: number | null }

interface Rule {
  freq: Frequency;
  interval: number;
  count: number | null;
  /** An instant (UNTIL with Z) or a local date (UNTIL as YYYYMMDD). */
  until: { instant: number } | { date: string } | null;
  byDay: WeekdayRule[] | null;
  byMonthDay: number[] | null;
  byMonth: number[] | null;
  /** 0 = Monday. */
  weekStart: number;
}

class RuleError extends Error {}

function integers(part: string, value: string, min: number, max: number): number[] {
  return value.split(',').map((item) => {
    const number = Number(item);
    if (!/^[+-]?\d+$/.test(item) || number < min || number > max || (number === 0 && min < 0)) {
      throw new RuleError(`${part}=${item} is outside ${min}..${max}`);
    }
    return number;
  });
}

function weekday(code: string, part: string): number {
  const index = WEEKDAYS.indexOf(code);
  if (index < 0) throw new RuleError(`${part}: ${code} is not a weekday (MO, TU, WE, TH, FR, SA, SU)`);
  return index;
}

/**
 * The subset of RFC 5545 RRULE that sessions need: FREQ (DAILY, WEEKLY, MONTHLY, YEARLY),
 * INTERVAL, COUNT or UNTIL, BYDAY (with ordinals such as 1MO or -1FR for a month), BYMONTHDAY,
 * BYMONTH, WKST. The time of day is the start's; anything else is refused by name.
 */
function parseRule(text: string): Rule {
  const rule: Rule = { freq: 'DAILY', interval: 1, count: null, until: null, byDay: null, byMonthDay: null, byMonth: null, weekStart: 0 };
  let freq: string | null = null;
  for (const item of text.trim().replace(/^RRULE:/i, '').split(';').filter(Boolean)) {
    const [rawName, value, ...rest] = item.split('=');
    const name = rawName.toUpperCase();
    if (value === undefined || rest.length > 0 || value === '') throw new RuleError(`"${item}" is not NAME=VALUE`);
    switch (name) {
      case 'FREQ':
        if (!['DAILY', 'WEEKLY', 'MONTHLY', 'YEARLY'].includes(value)) {
          throw new RuleError(`FREQ=${value}: sessions repeat DAILY, WEEKLY, MONTHLY or YEARLY`);
        }
        freq = value;
        break;
      case 'INTERVAL': [rule.interval] = integers(name, value, 1, 1000); break;
      case 'COUNT': [rule.count] = integers(name, value, 1, MAX_OCCURRENCES); break;
      case 'UNTIL': {
        const match = /^(\d{4})(\d{2})(\d{2})(?:T(\d{2})(\d{2})(\d{2})Z)?$/.exec(value);
        if (!match) throw new RuleError(`UNTIL=${value} is not YYYYMMDD or YYYYMMDDTHHMMSSZ`);
        const [, year, month, day, hour, minute, second] = match;
        rule.until = hour
          ? { instant: Date.UTC(+year, +month - 1, +day, +hour, +minute, +second) }
          : { date: `${year}-${month}-${day}` };
        break;
      }
      case 'BYDAY':
        rule.byDay = value.split(',').map((item) => {
          const match = /^([+-]?\d{1,2})?([A-Z]{2})$/.exec(item);
          if (!match) throw new RuleError(`BYDAY=${item} is not a weekday such as MO or 1MO`);
          const ordinal = match[1] ? integers(name, match[1], -5, 5)[0] : null;
          return { weekday: weekday(match[2], name), ordinal };
        });
        break;
      case 'BYMONTHDAY': rule.byMonthDay = integers(name, value, -31, 31); break;
      case 'BYMONTH': rule.byMonth = integers(name, value, 1, 12); break;
      case 'WKST': rule.weekStart = weekday(value, name); break;
      default:
        throw new RuleError(`${name} is not supported (FREQ, INTERVAL, COUNT, UNTIL, BYDAY, BYMONTHDAY, BYMONTH, WKST are)`);
    }
  }
  if (!freq) throw new RuleError('needs FREQ');
  rule.freq = freq as Frequency;
  if (!rule.count === !rule.until) throw new RuleError(`needs UNTIL or COUNT, one of them (at most ${MAX_OCCURRENCES} occurrences)`);
  if (rule.freq === 'WEEKLY' && rule.byMonthDay) throw new RuleError('BYMONTHDAY is not allowed with FREQ=WEEKLY (RFC 5545)');
  const ordinals = rule.byDay?.some((day) => day.ordinal !== null);
  if (ordinals && !(rule.freq === 'MONTHLY' || (rule.freq === 'YEARLY' && rule.byMonth))) {
    throw new RuleError('BYDAY with an ordinal (1MO, -1FR) is supported for MONTHLY, or YEARLY with BYMONTH');
  }
  return rule;
}

/** A local calendar date as a day number, so calendar arithmetic needs no zone. */
const DAY_MS = 86_400_000;
const dayNumber = (date: DateTime) => Math.round(Date.UTC(date.year, date.month - 1, date.day) / DAY_MS);

/** Whether `date` is one of the rule's days, counted from `first` (the start's local date). */
function matches(rule: Rule, first: DateTime, date: DateTime): boolean {
  const weekdayOf = (d: DateTime) => d.weekday - 1;
  switch (rule.freq) {
    case 'DAILY':
      if ((dayNumber(date) - dayNumber(first)) % rule.interval !== 0) return false;
      break;
    case 'WEEKLY': {
      const weekOf = (d: DateTime) => Math.floor((dayNumber(d) - ((weekdayOf(d) - rule.weekStart + 7) % 7)) / 7);
      if ((weekOf(date) - weekOf(first)) % rule.interval !== 0) return false;
      break;
    }
    case 'MONTHLY':
      if (((date.year - first.year) * 12 + date.month - first.month) % rule.interval !== 0) return false;
      break;
    case 'YEARLY':
      if ((date.year - first.year) % rule.interval !== 0) return false;
      break;
  }
  // Unnamed parts default to the start's, as RFC 5545 (and every calendar) reads them.
  const byMonth = rule.byMonth ?? (rule.freq === 'YEARLY' && !rule.byMonthDay && !rule.byDay ? [first.month] : null);
  const byMonthDay = rule.byMonthDay
    ?? ((rule.freq === 'MONTHLY' || rule.freq === 'YEARLY') && !rule.byDay ? [first.day] : null);
  const byDay = rule.byDay ?? (rule.freq === 'WEEKLY' ? [{ weekday: weekdayOf(first), ordinal: null }] : null);
  if (byMonth && !byMonth.includes(date.month)) return false;
  if (byMonthDay && !byMonthDay.some((day) => (day > 0 ? day : date.daysInMonth! + day + 1) === date.day)) return false;
  if (byDay && !byDay.some(({ weekday, ordinal }) => {
    if (weekday !== weekdayOf(date)) return false;
    if (ordinal === null) return true;
    const fromStart = Math.floor((date.day - 1) / 7) + 1;
    const fromEnd = -(Math.floor((date.daysInMonth! - date.day) / 7) + 1);
    return ordinal === fromStart || ordinal === fromEnd;
  })) return false;
  return true;
}

/**
 * Expands a recurrence rule in the session's zone: each occurrence is a local date at the start's
 * local time, so "every Monday 18:00" stays 18:00 across daylight-saving changes. A local time
 * that does not exist that day moves forward by the gap; one that happens twice is its first
 * occurrence (RFC 5545 §3.3.5), or its second when the series' own start was the second one. The
 * answer depends on the rule, the start and the zone only, never on the date it is asked on. The
 * walk goes day by day over at most MAX_RECURRENCE_YEARS, so no rule, however it is written, costs
 * more than that; the start must itself be an occurrence, so what the caller asked for is what is
 * created.
 */
export function expandRecurrence(text: string, firstStart: number, zone: string): RecurrenceResult {
  let rule: Rule;
  try {
    rule = parseRule(text);
  } catch (error) {
    if (error instanceof RuleError) return { ok: false, message: error.message };
    throw error;
  }
  const local = DateTime.fromMillis(firstStart, { zone });
  // The walk is over calendar dates (UTC has no gaps); each date then gets the start's local time.
  const first = DateTime.utc(local.year, local.month, local.day);
  const horizon = first.plus({ years: MAX_RECURRENCE_YEARS });
  const until = rule.until;
  if (until && ('instant' in until ? until.instant > horizon.plus({ days: 1 }).toMillis() : until.date > horizon.toISODate()!)) {
    return { ok: false, message: `UNTIL lies more than ${MAX_RECURRENCE_YEARS} years after start` };
  }
  if (!matches(rule, first, first)) return { ok: false, message: 'start must be an occurrence of the rule (e.g. a Monday for BYDAY=MO)' };
  const occurrence = isSecondOccurrence(firstStart, zone) ? 'second' : 'first';
  const starts: number[] = [];
  for (let date = first; date <= horizon; date = date.plus({ days: 1 })) {
    if (!matches(rule, first, date)) continue;
    const wall = Date.UTC(date.year, date.month - 1, date.day, local.hour, local.minute, local.second, local.millisecond);
    const start = instantOfWallTime(wall, zone, occurrence);
    if (until && ('instant' in until ? start > until.instant : date.toISODate()! > until.date)) break;
    starts.push(start);
    if (starts.length > MAX_OCCURRENCES) return { ok: false, message: `makes more than ${MAX_OCCURRENCES} occurrences` };
    if (starts.length === rule.count) break;
  }
  if (rule.count && starts.length < rule.count) return { ok: false, message: `makes occurrences more than ${MAX_RECURRENCE_YEARS} years after start` };
  return { ok: true, starts };
}
