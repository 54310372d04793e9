import { DateTime } from 'luxon';
import { expandRecurrence, MAX_OCCURRENCES } from '../../scheduling';

const local = (starts: number[], zone: string) => starts.map((start) => DateTime.fromMillis(start, { zone }).toISO({ suppressMilliseconds: true }));

describe('expandRecurrence', () => {
  it('keeps the local time in the zone across daylight saving (Paris, spring and autumn)', () => {
    const first = DateTime.fromISO('2026-10-19T18:00', { zone: 'Europe/Paris' }).toMillis();
    const result = expandRecurrence('FREQ=WEEKLY;BYDAY=MO;COUNT=3', first, 'Europe/Paris');
    expect(result.ok && local(result.starts, 'Europe/Paris')).toEqual([
      '2026-10-19T18:00:00+02:00', '2026-10-26T18:00:00+01:00', '2026-11-02T18:00:00+01:00',
    ]);
    const spring = expandRecurrence('FREQ=DAILY;COUNT=3', DateTime.fromISO('2026-03-07T09:30', { zone: 'America/New_York' }).toMillis(), 'America/New_York');
    expect(spring.ok && local(spring.starts, 'America/New_York')).toEqual([
      '2026-03-07T09:30:00-05:00', '2026-03-08T09:30:00-04:00', '2026-03-09T09:30:00-04:00',
    ]);
  });

  it('includes an occurrence that falls on UNTIL', () => {
    const first = DateTime.fromISO('2026-12-01T10:00', { zone: 'UTC' }).toMillis();
    const result = expandRecurrence('FREQ=DAILY;UNTIL=20261203T100000Z', first, 'UTC');
    expect(result.ok && result.starts).toHaveLength(3);
  });

  it('refuses rules that are unbounded, too long, malformed or carry their own start', () => {
    const first = Date.parse('2026-12-01T10:00:00Z');
    for (const rule of ['FREQ=WEEKLY', `FREQ=DAILY;COUNT=${MAX_OCCURRENCES + 1}`, 'EVERY DAY', 'DTSTART:20261201T100000Z\nRRULE:FREQ=DAILY;COUNT=2']) {
      const result = expandRecurrence(rule, first, 'UTC');
      expect(result.ok).toBe(false);
      if (!result.ok) expect(result.message.length).toBeGreaterThan(5);
    }
  });
});
