import fc from 'fast-check';
import { DateTime } from 'luxon';
import { groupSlotsByLocalDay, localDateRange } from '../../scheduling';
import { localDateInZone } from '../../scheduling/zoned-time';

const at = (iso: string) => DateTime.fromISO(iso).toMillis();

describe('a day whose midnight happens twice', () => {
  it.each([
    ['America/Havana', '2027-11-07', '2027-11-07T04:00:00Z', '2027-11-08T05:00:00Z'],
    ['Atlantic/Azores', '2027-10-31', '2027-10-31T00:00:00Z', '2027-11-01T01:00:00Z'],
  ])('%s %s starts at the first midnight, so the repeated hour is in it', (zone, date, start, end) => {
    expect(localDateRange(date, date, zone)).toEqual({ rangeStart: at(start), rangeEnd: at(end) });
    // The day before ends where this one starts: no instant is in both or in neither.
    const previous = DateTime.fromISO(date).minus({ days: 1 }).toISODate()!;
    expect(localDateRange(previous, previous, zone).rangeEnd).toBe(at(start));
  });

  it('a slot in the repeated hour is grouped under the day it is listed for', () => {
    const zone = 'America/Havana';
    const slot = { start: at('2027-11-07T04:30:00Z'), end: at('2027-11-07T05:00:00Z'), resourceIds: [] };
    const days = groupSlotsByLocalDay([slot as never], zone, '2027-11-06', '2027-11-07');
    expect(days.map((day) => day.slots.length)).toEqual([0, 1]);
  });
});

describe('every local day is exactly the instants whose local date it is', () => {
  const zones = ['America/Havana', 'Atlantic/Azores', 'Europe/Paris', 'America/Sao_Paulo', 'Pacific/Apia', 'Australia/Lord_Howe', 'Asia/Kolkata'];
  it('holds on random dates, around each day\'s edges', () => {
    fc.assert(fc.property(
      fc.constantFrom(...zones), fc.integer({ min: 0, max: 365 * 30 }),
      (zone, dayOffset) => {
        const date = DateTime.fromISO('2005-01-01', { zone: 'utc' }).plus({ days: dayOffset }).toISODate()!;
        const { rangeStart, rangeEnd } = localDateRange(date, date, zone);
        if (rangeEnd === rangeStart) return; // a date the zone skipped entirely (Apia, 2011-12-30)
        expect(localDateInZone(rangeStart, zone)).toBe(date);
        expect(localDateInZone(rangeStart - 1, zone)).not.toBe(date);
        expect(localDateInZone(rangeEnd - 1, zone)).toBe(date);
        expect(localDateInZone(rangeEnd, zone)).not.toBe(date);
      },
    ), { numRuns: 500 });
  });
});
