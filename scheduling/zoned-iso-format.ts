import { offsetStretches } from './zone-offsets';
import { isoInZone } from './zoned-time';

const DAY_MS = 86_400_000;

const two = (value: number) => (value < 10 ? `0${value}` : String(value));

/**
 * isoInZone for many instants of one window (a slot list): the window's offsets are looked up
 * once, then each instant is formatted with string arithmetic instead of a Luxon DateTime, which
 * costs microseconds per slot and dominated the availability answer. Anything outside the window,
 * with sub-second parts, or in an offset with seconds (historic zones) goes to isoInZone, so the
 * output is the same as isoInZone's for every instant.
 */
export function isoFormatterInZone(zone: string, from: number, to: number): (ms: number) => string {
  // Slots end up to a day past the window's last start.
  const stretches = offsetStretches(zone, from - DAY_MS, to + DAY_MS);
  return (ms) => {
    const stretch = stretches.find((candidate) => ms >= candidate.start && ms < candidate.end);
    if (!stretch || ms % 1000 !== 0 || stretch.offsetMs % 60_000 !== 0) return isoInZone(ms, zone);
    const local = new Date(ms + stretch.offsetMs);
    const year = local.getUTCFullYear();
    if (year < 1000 || year > 9999) return isoInZone(ms, zone);
    const offsetMinutes = Math.abs(stretch.offsetMs) / 60_000;
    return `${year}-${two(local.getUTCMonth() + 1)}-${two(local.getUTCDate())}T${two(local.getUTCHours())}:`
      + `${two(local.getUTCMinutes())}:${two(local.getUTCSeconds())}${stretch.offsetMs < 0 ? '-' : '+'}`
      + `${two(Math.floor(offsetMinutes / 60))}:${two(offsetMinutes % 60)}`;
  };
}
