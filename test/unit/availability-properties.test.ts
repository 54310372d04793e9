import fc from 'fast-check';
import {
  type BusyInterval,
  type ListSlotsInput,
  type LocalInterval,
  type ResourceSchedule,
  type ServiceRules,
  type Weekday,
  checkStart,
  listSlots,
} from '../../scheduling';
import { referenceSlots } from '../../scripts/bench/reference-availability';

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;
const DAY = 24 * HOUR;
const ZONES = ['Europe/Paris', 'America/New_York', 'Asia/Kolkata', 'Australia/Lord_Howe', 'UTC'];
const WEEKDAYS: Weekday[] = ['monday', 'tuesday', 'wednesday', 'thursday', 'friday', 'saturday', 'sunday'];
/** UTC days just before DST transitions (and a leap day), so ranges cross them often. */
const BASE_DAYS = [
  '2026-03-28', // Europe spring forward 03-29
  '2026-10-24', // Europe fall back 10-25
  '2026-03-07', // New York spring forward 03-08
  '2026-10-31', // New York fall back 11-01
  '2026-04-04', // Lord Howe back half an hour 04-05
  '2026-10-03', // Lord Howe forward half an hour 10-04
  '2028-02-28',
  '2026-06-15',
].map((d) => Date.parse(`${d}T00:00:00Z`));

const hhmm = (minutes: number) =>
  `${String(Math.floor(minutes / 60)).padStart(2, '0')}:${String(minutes % 60).padStart(2, '0')}`;

/** Sorted interval edges on a 15-minute grid, often touching each other and the day's ends. */
const intervalsArb: fc.Arbitrary<LocalInterval[]> = fc
  .uniqueArray(fc.integer({ min: 0, max: 96 }), { minLength: 2, maxLength: 6 })
  .chain((points) =>
    fc.boolean().map((allowTouching) => {
      const sorted = [...points].sort((a, b) => a - b);
      const intervals: LocalInterval[] = [];
      for (let i = 0; i + 1 < sorted.length; i += allowTouching ? 1 : 2) {
        intervals.push({ start: hhmm(sorted[i] * 15), end: hhmm(sorted[i + 1] * 15) });
      }
      return intervals;
    }),
  );

const dateOf = (ms: number) => new Date(ms).toISOString().slice(0, 10);

function scheduleArb(id: string, baseDay: number): fc.Arbitrary<ResourceSchedule> {
  const nearbyDate = fc.integer({ min: -1, max: 3 }).map((d) => dateOf(baseDay + d * DAY));
  return fc.record({
    id: fc.constant(id),
    timezone: fc.constantFrom(...ZONES),
    weekly: fc
      .array(fc.option(intervalsArb, { nil: undefined, freq: 5 }), { minLength: 7, maxLength: 7 })
      .map((days) => Object.fromEntries(WEEKDAYS.map((w, i) => [w, days[i]]).filter(([, v]) => v !== undefined))),
    overrides: fc.uniqueArray(fc.record({ date: nearbyDate, intervals: intervalsArb }), {
      maxLength: 2,
      selector: (o) => o.date,
    }),
    validFrom: fc.option(nearbyDate, { nil: null, freq: 4 }),
    validUntil: fc.option(nearbyDate, { nil: null, freq: 4 }),
  });
}

const serviceArb: fc.Arbitrary<ServiceRules> = fc.record({
  durationsMinutes: fc.uniqueArray(fc.constantFrom(15, 30, 45, 60, 90), { minLength: 1, maxLength: 3 }),
  slotStepMinutes: fc.constantFrom(null, 5, 10, 15, 20, 30, 60),
  bufferBeforeMinutes: fc.constantFrom(0, 0, 5, 15, 30),
  bufferAfterMinutes: fc.constantFrom(0, 0, 10, 15),
  minNoticeMinutes: fc.constantFrom(0, 30, 240),
  horizonDays: fc.constantFrom(null, null, null, 2, 4),
  seatsPerSlot: fc.constantFrom(1, 1, 3),
});

const caseArb = fc
  .record({
    baseDay: fc.constantFrom(...BASE_DAYS),
    resourceCount: fc.integer({ min: 1, max: 3 }),
    startHour: fc.integer({ min: 0, max: 23 }),
    lengthHours: fc.integer({ min: 6, max: 36 }),
    nowOffset: fc.integer({ min: -2 * DAY, max: 6 * HOUR }),
  })
  .chain(({ baseDay, resourceCount, startHour, lengthHours, nowOffset }) => {
    const rangeStart = baseDay + startHour * HOUR;
    const rangeEnd = rangeStart + lengthHours * HOUR;
    const ids = Array.from({ length: resourceCount }, (_, i) => `r${i}`);
    const busyArb = fc.array(
      fc.record({
        resourceId: fc.constantFrom(...ids),
        start: fc.integer({ min: -6 * 12, max: (lengthHours + 6) * 12 }).map((k) => rangeStart + k * 5 * MINUTE),
        minutes: fc.integer({ min: 1, max: 240 }),
      }).map(({ resourceId, start, minutes }): BusyInterval => ({ resourceId, start, end: start + minutes * MINUTE })),
      { maxLength: 6 },
    );
    return fc.record({
      resources: fc.tuple(...ids.map((id) => scheduleArb(id, baseDay))),
      service: serviceArb,
      durationPick: fc.nat(),
      busy: busyArb,
      shape: fc.constantFrom('one', 'all', 'groups'),
      spaces: fc.constantFrom(1, 1, 1, 2),
      joinPicks: fc.array(fc.record({ slot: fc.nat(), spaces: fc.integer({ min: 1, max: 3 }) }), { maxLength: 3 }),
      rangeStart: fc.constant(rangeStart),
      rangeEnd: fc.constant(rangeEnd),
      now: fc.constant(rangeStart + nowOffset),
    });
  })
  .map((c): ListSlotsInput & { joinPicks: { slot: number; spaces: number }[] } => {
    const ids = c.resources.map((r) => r.id);
    const base: ListSlotsInput = {
      resources: [...c.resources],
      service: c.service,
      durationMinutes: c.service.durationsMinutes[c.durationPick % c.service.durationsMinutes.length],
      busy: c.busy,
      spaces: c.spaces,
      rangeStart: c.rangeStart,
      rangeEnd: c.rangeEnd,
      now: c.now,
    };
    if (c.shape === 'groups' && ids.length > 1) {
      base.groups = [
        { id: 'lead', mode: 'one', resourceIds: ids.slice(0, 1).concat(ids.slice(2)) },
        { id: 'room', mode: 'all', resourceIds: [ids[1]] },
      ];
    } else {
      base.mode = c.shape === 'all' ? 'all' : 'one';
    }
    return { ...base, joinPicks: c.joinPicks };
  });

/** Turns some listed slots into existing group bookings: their allocation plus seats taken. */
function withGroupBookings(input: ListSlotsInput & { joinPicks: { slot: number; spaces: number }[] }): ListSlotsInput {
  const { joinPicks, ...plain } = input;
  if (plain.service.seatsPerSlot <= 1 || joinPicks.length === 0) return plain;
  const open = listSlots({ ...plain, spaces: 1 });
  if (open.length === 0) return plain;
  const busy = [...plain.busy];
  const groupSeats = [];
  const before = plain.service.bufferBeforeMinutes * MINUTE;
  const after = plain.service.bufferAfterMinutes * MINUTE;
  for (const pick of joinPicks) {
    const slot = open[pick.slot % open.length];
    const resourceIds = slot.groups.map((g) => g.resources[0]);
    for (const resourceId of resourceIds) busy.push({ resourceId, start: slot.start - before, end: slot.end + after });
    groupSeats.push({ start: slot.start, resourceIds, spaces: pick.spaces });
  }
  return { ...plain, busy, groupSeats };
}

describe('listSlots agrees with the minute-by-minute reference', () => {
  it('on random schedules, overrides, bookings, buffers, steps, zones and DST-crossing ranges', () => {
    fc.assert(
      fc.property(caseArb, (generated) => {
        const input = withGroupBookings(generated);
        expect(listSlots(input)).toEqual(referenceSlots(input));
      }),
      { numRuns: 150 },
    );
  });
});

describe('checkStart agrees with listSlots', () => {
  it('accepts a start exactly when listSlots lists it, and explains every refusal', () => {
    fc.assert(
      fc.property(caseArb, fc.array(fc.integer({ min: 0, max: 36 * 12 }), { minLength: 1, maxLength: 8 }), (generated, picks) => {
        const input = withGroupBookings(generated);
        const listed = listSlots({ ...input, rangeStart: input.rangeStart - DAY, rangeEnd: input.rangeStart + 3 * DAY });
        const listedStarts = new Set(listed.map((s) => s.start));
        const starts = [...picks.map((k) => input.rangeStart + k * 5 * MINUTE), ...listed.slice(0, 3).map((s) => s.start)];
        const { rangeStart: _from, rangeEnd: _to, ...rest } = input;
        for (const start of starts) {
          const verdict = checkStart({ ...rest, start });
          expect({ start, ok: verdict.ok }).toEqual({ start, ok: listedStarts.has(start) });
          if (verdict.ok) expect(verdict.slot).toEqual(listed.find((s) => s.start === start));
          else expect(verdict.message.length).toBeGreaterThan(10);
        }
      }),
      { numRuns: 200 },
    );
  });
});
