import fc from 'fast-check';
import { type LocalInterval, type ResourceSchedule, type Weekday, checkStart } from '../../scheduling';
import { openBlocks } from '../../scheduling/slot-grid';
import * as workingHours from '../../scheduling/working-hours';
import { DAY, MINUTE, resource, service } from './availability-fixtures';

// Wrapped (not replaced) so the test can count the local days each check computes.
jest.mock('../../scheduling/working-hours', () => {
  const actual = jest.requireActual('../../scheduling/working-hours');
  return { ...actual, openIntervalsForDays: jest.fn(actual.openIntervalsForDays) };
});

const WEEKDAYS: Weekday[] = ['monday', 'tuesday', 'wednesday', 'thursday', 'friday', 'saturday', 'sunday'];
const ALL_DAY: LocalInterval[] = [{ start: '00:00', end: '24:00' }];
const ANCHOR_LOOKBACK = 31 * DAY;

/** The naive anchoring, a week back at a time, kept as the reference the engine's cost is compared with. */
function previousOpenBlocks(r: ResourceSchedule, from: number, to: number, now: number) {
  const { openIntervalsForDays, utcDayNumber } = workingHours;
  const isOpenAt = (intervals: number[], instant: number) => {
    for (let i = 0; i < intervals.length && intervals[i] <= instant; i += 2) {
      if (intervals[i + 1] > instant) return true;
    }
    return false;
  };
  const lookbackFloor = now - ANCHOR_LOOKBACK;
  const lastDay = utcDayNumber(to) + 1;
  let firstDay = utcDayNumber(from);
  let intervals = openIntervalsForDays(r, firstDay - 1, lastDay);
  const floorDay = utcDayNumber(lookbackFloor);
  while (firstDay > floorDay && isOpenAt(intervals, firstDay * DAY)) {
    firstDay = Math.max(floorDay, firstDay - 7);
    intervals = openIntervalsForDays(r, firstDay - 1, lastDay);
  }
  const lowerEdge = firstDay * DAY;
  const anchors: number[] = [];
  for (let i = 0; i < intervals.length; i += 2) {
    if (intervals[i + 1] <= from || intervals[i] >= to) continue;
    anchors.push(intervals[i] <= lowerEdge || intervals[i] <= lookbackFloor ? 0 : intervals[i]);
  }
  return anchors;
}

const hhmm = (m: number) => `${String(Math.floor(m / 60)).padStart(2, '0')}:${String(m % 60).padStart(2, '0')}`;
const dateOf = (ms: number) => new Date(ms).toISOString().slice(0, 10);
const NOW = Date.parse('2026-06-10T08:17:00Z');

/** Mostly open days (often around the clock) with closures and overrides scattered over weeks. */
const dayArb: fc.Arbitrary<LocalInterval[] | undefined> = fc.oneof(
  fc.constant(ALL_DAY),
  fc.constant(ALL_DAY),
  fc.constant(undefined),
  fc
    .tuple(fc.integer({ min: 0, max: 95 }), fc.integer({ min: 1, max: 96 }))
    .filter(([a, b]) => a < b)
    .map(([a, b]) => [{ start: hhmm(a * 15), end: hhmm(b * 15) }]),
);

const scheduleArb: fc.Arbitrary<ResourceSchedule> = fc.record({
  id: fc.constant('r'),
  timezone: fc.constantFrom('UTC', 'Europe/Paris', 'America/New_York', 'Pacific/Kiritimati', 'Australia/Lord_Howe'),
  weekly: fc.oneof(
    fc.constant(Object.fromEntries(WEEKDAYS.map((w) => [w, ALL_DAY]))),
    fc.array(dayArb, { minLength: 7, maxLength: 7 }).map((days) =>
      Object.fromEntries(WEEKDAYS.map((w, i) => [w, days[i]]).filter(([, v]) => v !== undefined)),
    ),
  ),
  overrides: fc.uniqueArray(
    fc.record({ date: fc.integer({ min: -60, max: 60 }).map((d) => dateOf(NOW + d * DAY)), intervals: fc.array(dayArb.map((d) => d ?? []), { maxLength: 1 }).map((x) => x.flat()) }),
    { maxLength: 6, selector: (o) => o.date },
  ),
  validFrom: fc.option(fc.integer({ min: -80, max: 20 }).map((d) => dateOf(NOW + d * DAY)), { nil: null, freq: 3 }),
  validUntil: fc.constant(null),
});

describe('slot-grid anchoring', () => {
  it('anchors every block exactly as the week-by-week walk did, on dates near now', () => {
    fc.assert(
      fc.property(
        scheduleArb,
        fc.integer({ min: -40 * 24, max: 90 * 24 }),
        fc.integer({ min: 1, max: 72 }),
        (schedule, startHour, hours) => {
          const from = NOW + startHour * 60 * MINUTE;
          const to = from + hours * 60 * MINUTE;
          expect(openBlocks(schedule, from, to, NOW).anchors).toEqual(previousOpenBlocks(schedule, from, to, NOW));
        },
      ),
      { numRuns: 300 },
    );
  });

  it('costs the same order of work for a start in 2999 as for one in 2027', () => {
    const daysComputed = jest.mocked(workingHours.openIntervalsForDays);
    const work = (input: Parameters<typeof checkStart>[0]) => {
      daysComputed.mockClear();
      const started = process.hrtime.bigint();
      checkStart(input);
      const elapsed = Number(process.hrtime.bigint() - started);
      const days = daysComputed.mock.calls.reduce((sum, [, first, last]) => sum + (last - first + 1), 0);
      return { days, elapsed };
    };
    fc.assert(
      fc.property(scheduleArb, fc.integer({ min: 0, max: 24 * 4 - 1 }), (schedule, quarter) => {
        const base = { resources: [schedule], service: service({ durationsMinutes: [30] }), busy: [], now: NOW };
        const near = Date.parse('2027-03-03T00:00:00Z') + quarter * 15 * MINUTE;
        const far = Date.parse('2999-03-06T00:00:00Z') + quarter * 15 * MINUTE; // also a Wednesday
        const nearWork = work({ ...base, start: near });
        const farWork = work({ ...base, start: far });
        // A far start may need one more week of look-back at most (a different override hit).
        expect(farWork.days).toBeLessThanOrEqual(nearWork.days + 10);
      }),
      { numRuns: 100 },
    );
    // Wall time too, best of several runs so a busy machine does not decide it.
    const allDay = resource({ weekly: Object.fromEntries(WEEKDAYS.map((w) => [w, ALL_DAY])) });
    const input = (iso: string) => ({ resources: [allDay], service: service({ durationsMinutes: [30] }), busy: [], now: NOW, start: Date.parse(iso) });
    const best = (iso: string) => Math.min(...Array.from({ length: 9 }, () => work(input(iso)).elapsed));
    const near = best('2027-03-03T10:00:00Z');
    const far = best('2999-03-06T10:00:00Z');
    expect(far).toBeLessThan(near * 10);
  });
});
