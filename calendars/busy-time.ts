// ical.js is an ES module with a CommonJS build under its "require" export. The production build
// is CommonJS (tsconfig.build.json, node16), where TypeScript refuses the import of a module typed as
// ESM although Node resolves it to that CommonJS build; development (bundler resolution) does not.
// @ts-ignore TS1479 in the CommonJS build only
import ICAL from 'ical.js';
import { instantOfWallTime } from '../scheduling/wall-time';
import { canonicalZoneName } from '../scheduling/zone-names';
import { bookingIdFromUid, CalendarRefusedError } from './provider';

const DAY_MS = 86_400_000;
/**
 * A rule that yields this many occurrences before the window's end, or takes longer than this to
 * follow there, is refused, not followed forever (FREQ=SECONDLY since 1970 would never end).
 */
const MAX_OCCURRENCES_PER_EVENT = 50_000;
const MAX_EXPANSION_MS = 1_000;

export interface BusyRules {
  /** Occurrences that touch [from, to) are kept (the service's horizon). */
  window: { from: Date; to: Date };
  /** STATUS:TENTATIVE blocks too. */
  includeTentative: boolean;
  /** Floating times and all-day events are read in the resource's zone. */
  resourceTimeZone: string;
}

export interface BusyObjectTime {
  /** The UID of the object's events; '' if it has none. */
  uid: string;
  intervals: { start: Date; end: Date }[];
}

/** Epoch ms of a time's wall clock read as UTC, the form instantOfWallTime takes. */
function wallMs(time: ICAL.Time): number {
  return Date.UTC(time.year, time.month - 1, time.day, time.hour, time.minute, time.second);
}

/**
 * The instant of a date-time as its property wrote it: UTC as is; a TZID that names an IANA zone
 * by the runtime's zone rules (more current than a file's VTIMEZONE); any other TZID by the file's
 * VTIMEZONE of that name; floating times (and unknown zones) in the resource's zone.
 */
function instantOf(time: ICAL.Time, tzid: string | null, zones: Map<string, ICAL.Timezone>, fallbackZone: string): number {
  if (time.zone === ICAL.Timezone.utcTimezone || time.zone?.tzid === 'UTC') return time.toUnixTime() * 1000;
  if (tzid) {
    const iana = canonicalZoneName(tzid);
    if (iana) return instantOfWallTime(wallMs(time), iana);
    const vtimezone = zones.get(tzid);
    if (vtimezone) {
      const zoned = time.clone();
      zoned.zone = vtimezone;
      return zoned.toUnixTime() * 1000;
    }
  }
  return instantOfWallTime(wallMs(time), fallbackZone);
}

function tzidOf(component: ICAL.Component, name: 'dtstart' | 'dtend'): string | null {
  const value = component.getFirstProperty(name)?.getParameter('tzid');
  return typeof value === 'string' ? value : null;
}

/** Whether an event (or one occurrence's override) takes the resource's time. */
function blocks(component: ICAL.Component, includeTentative: boolean): boolean {
  const status = String(component.getFirstPropertyValue('status') ?? '').toUpperCase();
  if (status === 'CANCELLED') return false;
  if (status === 'TENTATIVE' && !includeTentative) return false;
  return String(component.getFirstPropertyValue('transp') ?? '').toUpperCase() !== 'TRANSPARENT';
}

/**
 * The busy time of one calendar object (a VCALENDAR with one event and its overrides, as CalDAV
 * holds them) or of a whole feed, by UID: recurring events expanded over the window with their
 * EXDATEs and RECURRENCE-ID overrides, each in its own zone; all-day events as the resource's
 * local days; transparent, cancelled (and, unless wanted, tentative) ones left out, and the
 * events this service wrote for its own bookings too (they are allocations already).
 */
export function busyTimeOf(ics: string, rules: BusyRules): BusyObjectTime[] {
  let root: ICAL.Component;
  try {
    root = new ICAL.Component(ICAL.parse(ics));
  } catch (error) {
    throw new CalendarRefusedError(`not an iCalendar text: ${(error as Error).message.slice(0, 200)}`);
  }
  if (root.name !== 'vcalendar') throw new CalendarRefusedError(`not an iCalendar text: it begins with ${root.name.toUpperCase()}, not VCALENDAR`);
  const zones = new Map<string, ICAL.Timezone>();
  for (const vtimezone of root.getAllSubcomponents('vtimezone')) {
    const tzid = vtimezone.getFirstPropertyValue('tzid');
    if (typeof tzid === 'string') zones.set(tzid, new ICAL.Timezone(vtimezone));
  }

  const byUid = new Map<string, { master: ICAL.Component | null; overrides: ICAL.Component[] }>();
  for (const vevent of root.getAllSubcomponents('vevent')) {
    const uid = String(vevent.getFirstPropertyValue('uid') ?? '');
    const entry = byUid.get(uid) ?? { master: null, overrides: [] };
    if (vevent.hasProperty('recurrence-id')) entry.overrides.push(vevent);
    else entry.master = vevent;
    byUid.set(uid, entry);
  }

  const from = rules.window.from.getTime();
  const to = rules.window.to.getTime();
  const result: BusyObjectTime[] = [];
  for (const [uid, { master, overrides }] of byUid) {
    if (bookingIdFromUid(uid)) continue;
    const intervals: { start: Date; end: Date }[] = [];
    const keep = (component: ICAL.Component, start: ICAL.Time, end: ICAL.Time) => {
      if (!blocks(component, rules.includeTentative)) return;
      let startMs: number;
      let endMs: number;
      if (start.isDate) {
        // An all-day event blocks the resource's whole local days, from midnight to midnight.
        startMs = instantOfWallTime(wallMs(start), rules.resourceTimeZone);
        const lastDay = end && end.compare(start) > 0 ? end : null;
        endMs = lastDay ? instantOfWallTime(wallMs(lastDay), rules.resourceTimeZone)
          : instantOfWallTime(wallMs(start) + DAY_MS, rules.resourceTimeZone);
      } else {
        startMs = instantOf(start, tzidOf(component, 'dtstart'), zones, rules.resourceTimeZone);
        endMs = end ? instantOf(end, tzidOf(component, 'dtend') ?? tzidOf(component, 'dtstart'), zones, rules.resourceTimeZone) : startMs;
      }
      if (endMs <= startMs || endMs <= from || startMs >= to) return;
      intervals.push({ start: new Date(startMs), end: new Date(endMs) });
    };

    if (!master) {
      // Overrides without their series (a shared single occurrence): each stands alone.
      for (const override of overrides) {
        const event = new ICAL.Event(override);
        keep(override, event.startDate, event.endDate);
      }
    } else {
      const event = new ICAL.Event(master);
      if (!event.startDate) continue;
      for (const override of overrides) event.relateException(override);
      if (!event.isRecurring()) {
        keep(master, event.startDate, event.endDate);
      } else {
        const iterator = event.iterator();
        let count = 0;
        const giveUpAt = Date.now() + MAX_EXPANSION_MS;
        for (let next = iterator.next(); next; next = iterator.next()) {
          if (++count > MAX_OCCURRENCES_PER_EVENT || (count % 1000 === 0 && Date.now() > giveUpAt)) {
            throw new CalendarRefusedError(`event ${uid.slice(0, 100)} repeats too often to expand (more than ${MAX_OCCURRENCES_PER_EVENT} occurrences or ${MAX_EXPANSION_MS} ms before the end of the service's horizon)`);
          }
          // The series' own occurrences are floating wall times read in the master's zone (keep
          // takes it from the item's DTSTART); an override says its own.
          const details = event.getOccurrenceDetails(next);
          const item = details.item.component;
          if (instantOf(next, tzidOf(master, 'dtstart'), zones, rules.resourceTimeZone) >= to) break;
          keep(item, details.startDate, details.endDate);
        }
        // Overrides moved to a time the series never reaches are busy too.
        for (const override of overrides) {
          const recurrenceId = override.getFirstPropertyValue('recurrence-id') as ICAL.Time | null;
          if (recurrenceId && instantOf(recurrenceId, null, zones, rules.resourceTimeZone) >= to) {
            const moved = new ICAL.Event(override);
            keep(override, moved.startDate, moved.endDate);
          }
        }
      }
    }
    result.push({ uid, intervals });
  }
  return result;
}
