import { IANAZone } from 'luxon';

/**
 * A zone's UTC offset as a step function of time. The engine converts wall-clock intervals to
 * UTC by intersecting them with the stretches of constant offset, which yields exactly the
 * instants whose local time lies in the interval, including around DST gaps and repeats
 * (where converting the two edges alone would be wrong).
 *
 * Luxon does not expose transitions, so they are found by sampling the offset every 12 hours
 * and bisecting to the millisecond where it changes. Two transitions less than 12 hours apart
 * would be missed; no zone in the tz database has those in the years a booking system sees.
 * Results are memoised per zone and UTC year: the same input always gives the same output,
 * so the cache does not make the engine impure, only faster.
 */

export interface OffsetStretch {
  /** UTC epoch ms, half-open. */
  start: number;
  end: number;
  offsetMs: number;
}

const SAMPLE_MS = 12 * 3_600_000;
const transitionsByZoneYear = new Map<string, number[]>();
const zones = new Map<string, IANAZone>();

export function zoneNamed(name: string): IANAZone {
  let zone = zones.get(name);
  if (!zone) {
    if (!IANAZone.isValidZone(name)) throw new RangeError(`"${name}" is not an IANA time zone`);
    zone = IANAZone.create(name);
    zones.set(name, zone);
  }
  return zone;
}

function offsetMs(zone: IANAZone, ts: number): number {
  return zone.offset(ts) * 60_000;
}

function transitionsInYear(zoneName: string, year: number): number[] {
  const key = `${zoneName}|${year}`;
  const cached = transitionsByZoneYear.get(key);
  if (cached) return cached;
  const zone = zoneNamed(zoneName);
  const from = Date.UTC(year, 0, 1);
  const to = Date.UTC(year + 1, 0, 1);
  const transitions: number[] = [];
  let previousTs = from;
  let previousOffset = offsetMs(zone, from);
  for (let ts = Math.min(from + SAMPLE_MS, to); ; ts = Math.min(ts + SAMPLE_MS, to)) {
    const offset = offsetMs(zone, ts);
    if (offset !== previousOffset) {
      // Invariant: offset(lo) = previousOffset, offset(hi) differs; hi ends as the first new ms.
      let lo = previousTs;
      let hi = ts;
      while (hi - lo > 1) {
        const mid = Math.floor((lo + hi) / 2);
        if (offsetMs(zone, mid) === previousOffset) lo = mid;
        else hi = mid;
      }
      transitions.push(hi);
    }
    previousTs = ts;
    previousOffset = offset;
    if (ts === to) break;
  }
  // A transition exactly at midnight of 1 January is found here, as the end of this year's
  // sampling; the next year's sampling starts on the new offset and cannot see it.
  transitionsByZoneYear.set(key, transitions);
  return transitions;
}

/** The stretches of constant offset covering [from, to), in order. */
export function offsetStretches(zoneName: string, from: number, to: number): OffsetStretch[] {
  const zone = zoneNamed(zoneName);
  const firstYear = new Date(from).getUTCFullYear();
  const lastYear = new Date(to).getUTCFullYear();
  const cuts: number[] = [];
  for (let year = firstYear; year <= lastYear; year++) {
    for (const t of transitionsInYear(zoneName, year)) if (t > from && t < to) cuts.push(t);
  }
  const stretches: OffsetStretch[] = [];
  let start = from;
  for (const cut of [...cuts, to]) {
    stretches.push({ start, end: cut, offsetMs: offsetMs(zone, start) });
    start = cut;
  }
  return stretches;
}
