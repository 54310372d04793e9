import { offsetStretches } from './zone-offsets';
import { isoInZone } from './zoned-time';

const DAY_MS = 86_400_000;

const two = (value: number) => (value < 10 ? `0${value}` : String(value));

/** `HH:MM:` for every minute of a day, built once: most of an ISO time is shared by many slots. */
const MINUTES_OF_DAY: string[] = Array.from({ length: 1440 }, (_, minute) => `${two(Math.floor(minute / 60))}:${two(minute % 60)}:`);
const SECONDS: string[] = Array.from({ length: 60 }, (_, second) => two(second));

/**
 * isoInZone for many instants of one window (a slot list): the window's offsets are looked up
 * once, then each instant is formatted with string arithmetic instead of a Luxon DateTime, which
 * costs microseconds per slot and dominated the availability answer. Each local date's
 * `YYYY-MM-DDT` and each offset's `+HH:MM` are built once and joined with a precomputed `HH:MM:`
 * (building every instant from a dozen pieces made 2 MB of short-lived strings per 1,600 slots).
 * Anything outside the window, with sub-second parts, or in an offset with seconds (historic
 * zones) goes to isoInZone, so the output is the same as isoInZone's for every instant.
 */
export function isoFormatterInZone(zone: string, from: number, to: number): (ms: number) => string {
  // Slots end up to a day past the window's last start.
  const stretches = offsetStretches(zone, from - DAY_MS, to + DAY_MS).map((stretch) => {
    const offsetMinutes = Math.abs(stretch.offsetMs) / 60_000;
    const suffix = `${stretch.offsetMs < 0 ? '-' : '+'}${two(Math.floor(offsetMinutes / 60))}:${two(offsetMinutes % 60)}`;
    return { ...stretch, suffix };
  });
  const datePrefixes = new Map<number, string | null>();
  const datePrefix = (localDay: number): string | null => {
    let prefix = datePrefixes.get(localDay);
    if (prefix === undefined) {
      const local = new Date(localDay * DAY_MS);
      const year = local.getUTCFullYear();
      prefix = year < 1000 || year > 9999 ? null : `${year}-${two(local.getUTCMonth() + 1)}-${two(local.getUTCDate())}T`;
      datePrefixes.set(localDay, prefix);
    }
    return prefix;
  };
  let last = 0;
  return (ms) => {
    // Slots come in order: the stretch of the previous instant is nearly always this one's.
    if (!(stretches[last] && ms >= stretches[last].start && ms < stretches[last].end)) {
      last = stretches.findIndex((candidate) => ms >= candidate.start && ms < candidate.end);
    }
    const stretch = stretches[last];
    if (!stretch || ms % 1000 !== 0 || stretch.offsetMs % 60_000 !== 0) return isoInZone(ms, zone);
    const local = ms + stretch.offsetMs;
    const localDay = Math.floor(local / DAY_MS);
    const prefix = datePrefix(localDay);
    if (prefix === null) return isoInZone(ms, zone);
    const secondOfDay = (local - localDay * DAY_MS) / 1000;
    return prefix + MINUTES_OF_DAY[Math.floor(secondOfDay / 60)] + SECONDS[secondOfDay % 60] + stretch.suffix;
  };
}
