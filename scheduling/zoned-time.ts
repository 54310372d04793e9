import { DateTime } from 'luxon';
import { zoneNamed } from './zone-offsets';

/** ISO 8601 with the zone's offset and no milliseconds, e.g. '2026-03-29T03:00:00+02:00'. */
export function isoInZone(ms: number, zone: string): string {
  const iso = DateTime.fromMillis(ms, { zone: zoneNamed(zone) }).toISO({ suppressMilliseconds: true });
  if (iso === null) throw new RangeError(`${ms} is not a representable instant`);
  return iso;
}

/** Local wall time for messages, e.g. '2026-03-30T09:00'. */
export function wallTimeInZone(ms: number, zone: string): string {
  return DateTime.fromMillis(ms, { zone: zoneNamed(zone) }).toFormat("yyyy-MM-dd'T'HH:mm");
}

/** The local date 'YYYY-MM-DD' of an instant in a zone. */
export function localDateInZone(ms: number, zone: string): string {
  return DateTime.fromMillis(ms, { zone: zoneNamed(zone) }).toFormat('yyyy-MM-dd');
}
