import fc from 'fast-check';
import { MAX_SLOTS_PER_REQUEST, sliceLength } from '../../bookings/availability';
import { type BusyInterval, listSlots, localDateRange, type Slot } from '../../scheduling';
import { DAY, LONG_AGO, MINUTE, resource, service } from './availability-fixtures';

describe('the pieces GET /v1/availability computes a range in', () => {
  it('are sized by work: 50 resources over 60 days at a 15-minute step are two pieces; never under 6 hours, never over the slot cap', () => {
    expect(Math.ceil((60 * DAY) / sliceLength(50, 15 * MINUTE))).toBe(2);
    expect(sliceLength(1, 15 * MINUTE)).toBe(MAX_SLOTS_PER_REQUEST * 15 * MINUTE);
    expect(sliceLength(100, MINUTE)).toBe(4000 * MINUTE);
    expect(sliceLength(10_000, MINUTE)).toBe(6 * 60 * MINUTE);
  });

  it('add up to the slots of the whole range, wherever the cuts fall', () => {
    const zones = ['Europe/Paris', 'America/New_York', 'Asia/Kolkata', 'UTC'];
    fc.assert(fc.property(
      fc.integer({ min: 1, max: 3 }),
      fc.constantFrom(5, 15, 30),
      fc.constantFrom(30, 60),
      fc.array(fc.record({ resource: fc.nat(2), minute: fc.nat(10 * 24 * 60), length: fc.integer({ min: 15, max: 180 }) }), { maxLength: 30 }),
      fc.array(fc.integer({ min: 60, max: 3 * 24 * 60 }), { minLength: 1, maxLength: 12 }),
      (count, step, duration, bookings, cuts) => {
        const resources = Array.from({ length: count }, (_, i) => resource({
          id: `r${i}`,
          timezone: zones[i % zones.length],
          weekly: { monday: [{ start: '09:00', end: '17:00' }], tuesday: [{ start: '00:00', end: '24:00' }], saturday: [{ start: '22:00', end: '24:00' }] },
        }));
        // 2026-03-23..04-01 in Paris crosses the change to summer time (29 March).
        const range = localDateRange('2026-03-23', '2026-04-01', 'Europe/Paris');
        const busy: BusyInterval[] = bookings.map((b) => ({
          resourceId: `r${b.resource % count}`,
          start: range.rangeStart + b.minute * MINUTE,
          end: range.rangeStart + (b.minute + b.length) * MINUTE,
        }));
        const input = {
          resources, service: service({ durationsMinutes: [duration], slotStepMinutes: step, bufferBeforeMinutes: 5, bufferAfterMinutes: 10 }),
          busy, now: LONG_AGO,
        };
        const whole = listSlots({ ...input, ...range });
        const pieces: Slot[] = [];
        let at = range.rangeStart;
        for (let i = 0; at < range.rangeEnd; i++) {
          const end = Math.min(range.rangeEnd, at + cuts[i % cuts.length] * MINUTE);
          pieces.push(...listSlots({ ...input, rangeStart: at, rangeEnd: end }));
          at = end;
        }
        expect(pieces).toEqual(whole);
      },
    ), { numRuns: 60 });
  });
});
