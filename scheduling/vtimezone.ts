import { DateTime } from 'luxon';
import { isRepeatedWallTime } from './wall-time';
import { offsetStretches, zoneNamed } from './zone-offsets';

/**
 * VTIMEZONE components (RFC 5545 §3.6.5) written from the runtime's tz data, the same the
 * availability engine uses, so a calendar app that follows the file reads the instants we stored.
 * Each offset change over the span is one STANDARD or DAYLIGHT observance with its own DTSTART (no
 * RRULE: rules change, and a list of the actual transitions is right for every zone, including
 * those whose rules no RRULE can say). The span covers the whole years of its events, so a client
 * that shows neighbouring days still has the right rules.
 */

const pad = (value: number, width = 2) => String(value).padStart(width, '0');

/** ±HHMM, or ±HHMMSS when the offset has seconds. */
function utcOffset(offsetMs: number): string {
  const total = Math.round(Math.abs(offsetMs) / 1000);
  const seconds = total % 60;
  return `${offsetMs < 0 ? '-' : '+'}${pad(Math.floor(total / 3600))}${pad(Math.floor(total / 60) % 60)}${seconds ? pad(seconds) : ''}`;
}

/** The wall time of an instant at an offset, as a local DATE-TIME (no Z, no TZID). */
function localDateTime(instant: number, offsetMs: number): string {
  const d = new Date(instant + offsetMs);
  return `${pad(d.getUTCFullYear(), 4)}${pad(d.getUTCMonth() + 1)}${pad(d.getUTCDate())}T${pad(d.getUTCHours())}${pad(d.getUTCMinutes())}${pad(d.getUTCSeconds())}`;
}

/** The span a zone's block covers for events over [from, to]. */
export function vtimezoneSpan(from: number, to: number): { from: number; to: number } {
  return { from: Date.UTC(new Date(from).getUTCFullYear(), 0, 1), to: Date.UTC(new Date(to).getUTCFullYear() + 1, 0, 1) };
}

/** The VTIMEZONE of `zone` for instants in [from, to) (see vtimezoneSpan), CRLF-terminated lines. */
export function vtimezone(zone: string, from: number, to: number): string {
  const named = zoneNamed(zone);
  const stretches = offsetStretches(zone, from, to);
  const lines = ['BEGIN:VTIMEZONE', `TZID:${zone}`];
  let offsetBefore = named.offset(from - 1) * 60_000;
  for (const stretch of stretches) {
    const daylight = DateTime.fromMillis(stretch.start, { zone: named }).isInDST;
    const kind = daylight ? 'DAYLIGHT' : 'STANDARD';
    lines.push(
      `BEGIN:${kind}`,
      // The onset as the wall time before the change (RFC 5545: DTSTART is in TZOFFSETFROM).
      `DTSTART:${localDateTime(stretch.start, offsetBefore)}`,
      `TZOFFSETFROM:${utcOffset(offsetBefore)}`,
      `TZOFFSETTO:${utcOffset(stretch.offsetMs)}`,
      `END:${kind}`,
    );
    offsetBefore = stretch.offsetMs;
  }
  lines.push('END:VTIMEZONE');
  return lines.map((line) => `${line}\r\n`).join('');
}

/**
 * How one event's times are written: in its zone (TZID, with that zone's VTIMEZONE), unless its
 * start or end falls in a repeated local hour, where a local time names two instants and RFC 5545
 * reads it as the first; those events are written in UTC, which names each instant exactly.
 */
export function calendarEventTimes(start: Date, end: Date, zone: string):
  { start: DateTime; end: DateTime; timezone: string | null } {
  const inUtc = isRepeatedWallTime(start.getTime(), zone) || isRepeatedWallTime(end.getTime(), zone);
  const written = inUtc ? 'UTC' : zone;
  return {
    start: DateTime.fromJSDate(start, { zone: written }),
    end: DateTime.fromJSDate(end, { zone: written }),
    timezone: inUtc ? null : zone,
  };
}

/**
 * A VTIMEZONE source for a calendar of events (ical-generator's `timezone.generator`): each zone's
 * block spans the events written in it.
 */
export function vtimezonesFor(events: { start: Date; end: Date; zone: string }[]): (zone: string) => string | null {
  const spans = new Map<string, { from: number; to: number }>();
  for (const { start, end, zone } of events) {
    const span = spans.get(zone);
    spans.set(zone, {
      from: Math.min(span?.from ?? Infinity, start.getTime()),
      to: Math.max(span?.to ?? -Infinity, end.getTime()),
    });
  }
  return (zone) => {
    const span = spans.get(zone);
    if (!span) return null;
    const covered = vtimezoneSpan(span.from, span.to);
    return vtimezone(zone, covered.from, covered.to);
  };
}
