import { zoneNamed } from './zone-offsets';

/**
 * A local wall time and the instants it names in a zone: none in a skipped hour, two in a
 * repeated one, else one. Worked out from the zone's stretches of constant offset alone, so the
 * answer never depends on the clock (Luxon's `fromObject` guesses with today's offset, and a
 * repeated hour then resolves one way in July and the other in November).
 */

const HOUR_MS = 3_600_000;
/** UTC offsets lie within -12:00..+14:00, so the instants of a wall time lie within these bounds of it. */
const BEFORE_MS = 15 * HOUR_MS;
const AFTER_MS = 13 * HOUR_MS;

/**
 * The offsets in force before and after the wall time's window. They differ only where the window
 * holds an offset change; like the engine's zone-offsets, this assumes no zone changes its offset
 * twice within a day.
 */
function offsetsAround(wallMs: number, zone: string): { before: number; after: number } {
  const named = zoneNamed(zone);
  return { before: named.offset(wallMs - BEFORE_MS) * 60_000, after: named.offset(wallMs + AFTER_MS) * 60_000 };
}

/** `wallMs` is the wall time read as if it were UTC (Date.UTC of its fields). Sorted, earliest first. */
export function instantsAtWallTime(wallMs: number, zone: string): number[] {
  const named = zoneNamed(zone);
  const { before, after } = offsetsAround(wallMs, zone);
  const offsets = before === after ? [before] : [before, after];
  return offsets.map((offset) => wallMs - offset)
    .filter((instant, index) => named.offset(instant) * 60_000 === offsets[index])
    .sort((a, b) => a - b);
}

function wallTimeOf(instant: number, zone: string): number {
  return instant + zoneNamed(zone).offset(instant) * 60_000;
}

/** Whether the instant's local time in the zone happens twice (it lies in a repeated hour). */
export function isRepeatedWallTime(instant: number, zone: string): boolean {
  return instantsAtWallTime(wallTimeOf(instant, zone), zone).length > 1;
}

/** Whether the instant is the later of the two that share its local time. */
export function isSecondOccurrence(instant: number, zone: string): boolean {
  const instants = instantsAtWallTime(wallTimeOf(instant, zone), zone);
  return instants.length > 1 && instant === instants[instants.length - 1];
}

/**
 * The instant of a wall time: in a repeated hour the first occurrence (RFC 5545 §3.3.5), or the
 * second when asked; in a skipped hour the wall time moves forward by the gap (02:30 on a
 * spring-forward night in New York is 03:30 EDT), as RFC 5545 reads such a time.
 */
export function instantOfWallTime(wallMs: number, zone: string, occurrence: 'first' | 'second' = 'first'): number {
  const instants = instantsAtWallTime(wallMs, zone);
  if (instants.length > 0) return occurrence === 'second' ? instants[instants.length - 1] : instants[0];
  // In a gap: read with the offset in force before it, which lands the same distance past its end.
  return wallMs - offsetsAround(wallMs, zone).before;
}
