import { groupSlotsByLocalDay, isoInZone, listSlots, localDateRange } from '../../scheduling';
import { LONG_AGO, MINUTE, at, resource, service, startsIn } from './availability-fixtures';

const PARIS = 'Europe/Paris';
// 2026-03-16 is a Monday; Paris is on +01:00 until 2026-03-29.
const monday = localDateRange('2026-03-16', '2026-03-16', PARIS);
const withBreak = resource({
  weekly: { monday: [{ start: '09:00', end: '12:00' }, { start: '13:00', end: '15:00' }] },
});

describe('listSlots: working hours', () => {
  it('lists hourly slots inside weekday hours and around the break', () => {
    const slots = listSlots({ resources: [withBreak], service: service(), busy: [], ...monday, now: LONG_AGO });
    expect(startsIn(PARIS, slots)).toEqual([
      '2026-03-16T09:00:00+01:00',
      '2026-03-16T10:00:00+01:00',
      '2026-03-16T11:00:00+01:00',
      '2026-03-16T13:00:00+01:00',
      '2026-03-16T14:00:00+01:00',
    ]);
    expect(slots[0]).toEqual({
      start: at('2026-03-16T08:00:00Z'),
      end: at('2026-03-16T09:00:00Z'),
      resources: ['alice'],
      groups: [{ id: 'default', resources: ['alice'] }],
      spacesLeft: 1,
    });
  });

  it('lets a slot span adjacent intervals, also across midnight', () => {
    const alice = resource({
      weekly: {
        monday: [{ start: '09:00', end: '12:00' }, { start: '12:00', end: '13:00' }, { start: '23:00', end: '24:00' }],
        tuesday: [{ start: '00:00', end: '01:00' }],
      },
    });
    const range = localDateRange('2026-03-16', '2026-03-17', PARIS);
    const slots = listSlots({ resources: [alice], service: service({ durationsMinutes: [90] }), busy: [], ...range, now: LONG_AGO });
    expect(startsIn(PARIS, slots)).toEqual([
      '2026-03-16T09:00:00+01:00',
      '2026-03-16T10:30:00+01:00',
      '2026-03-16T23:00:00+01:00',
    ]);
  });

  it('replaces a weekday by its override: closed, or other hours', () => {
    const range = localDateRange('2026-03-16', '2026-03-23', PARIS);
    const alice = resource({
      weekly: withBreak.weekly,
      overrides: [
        { date: '2026-03-16', intervals: [] },
        { date: '2026-03-23', intervals: [{ start: '16:00', end: '18:00' }] },
      ],
    });
    const slots = listSlots({ resources: [alice], service: service(), busy: [], ...range, now: LONG_AGO });
    expect(startsIn(PARIS, slots)).toEqual(['2026-03-23T16:00:00+01:00', '2026-03-23T17:00:00+01:00']);
  });

  it('opens an override on a day the weekly schedule leaves closed', () => {
    const alice = resource({ overrides: [{ date: '2026-03-21', intervals: [{ start: '10:00', end: '11:00' }] }] });
    const range = localDateRange('2026-03-16', '2026-03-22', PARIS);
    const slots = listSlots({ resources: [alice], service: service(), busy: [], ...range, now: LONG_AGO });
    expect(startsIn(PARIS, slots)).toEqual(['2026-03-21T10:00:00+01:00']);
  });

  it('opens nothing outside the validity window (both ends inclusive)', () => {
    const everyDay = [{ start: '09:00', end: '10:00' }];
    const alice = resource({
      weekly: { monday: everyDay, tuesday: everyDay, wednesday: everyDay, thursday: everyDay, friday: everyDay },
      validFrom: '2026-03-17',
      validUntil: '2026-03-19',
    });
    const range = localDateRange('2026-03-16', '2026-03-20', PARIS);
    const slots = listSlots({ resources: [alice], service: service(), busy: [], ...range, now: LONG_AGO });
    expect(startsIn(PARIS, slots)).toEqual([
      '2026-03-17T09:00:00+01:00',
      '2026-03-18T09:00:00+01:00',
      '2026-03-19T09:00:00+01:00',
    ]);
  });
});

describe('listSlots: service rules', () => {
  it('makes buffers fit in working hours and block against bookings', () => {
    const alice = resource({ weekly: { monday: [{ start: '09:00', end: '12:00' }] } });
    const rules = service({ durationsMinutes: [30], slotStepMinutes: 30, bufferBeforeMinutes: 10, bufferAfterMinutes: 15 });
    // A booking 10:45-11:00 local with its own buffers already included.
    const busy = [{ resourceId: 'alice', start: at('2026-03-16T09:45:00Z'), end: at('2026-03-16T10:00:00Z') }];
    const slots = listSlots({ resources: [alice], service: rules, busy, ...monday, now: LONG_AGO });
    // 09:00 leaves no room for the buffer before; 10:00's buffer after ends at 10:45 and only
    // touches the booking; 10:30 and 11:00 run into it; 11:30 runs its buffer past 12:00.
    expect(startsIn(PARIS, slots)).toEqual(['2026-03-16T09:30:00+01:00', '2026-03-16T10:00:00+01:00']);
  });

  it('honours minimum notice and the horizon', () => {
    const alice = resource({ weekly: { monday: [{ start: '09:00', end: '17:00' }] } });
    const now = at('2026-03-16T09:10:00Z'); // 10:10 local
    const notice = listSlots({ resources: [alice], service: service({ minNoticeMinutes: 120 }), busy: [], ...monday, now });
    expect(startsIn(PARIS, notice)[0]).toBe('2026-03-16T13:00:00+01:00');

    const week = localDateRange('2026-03-16', '2026-03-31', PARIS);
    // The horizon is inclusive: now + 7 days is 2026-03-23T10:00 local, still a start.
    const tenLocal = at('2026-03-16T09:00:00Z');
    const horizon = listSlots({ resources: [alice], service: service({ horizonDays: 7 }), busy: [], ...week, now: tenLocal });
    expect(startsIn(PARIS, horizon).slice(-3)).toEqual([
      '2026-03-16T16:00:00+01:00',
      '2026-03-23T09:00:00+01:00',
      '2026-03-23T10:00:00+01:00',
    ]);
  });

  it('steps slots by the step, and by the duration without one', () => {
    const alice = resource({ weekly: { monday: [{ start: '09:00', end: '10:30' }] } });
    const stepped = listSlots({
      resources: [alice],
      service: service({ durationsMinutes: [45], slotStepMinutes: 15 }),
      busy: [],
      ...monday,
      now: LONG_AGO,
    });
    expect(startsIn(PARIS, stepped)).toEqual([
      '2026-03-16T09:00:00+01:00',
      '2026-03-16T09:15:00+01:00',
      '2026-03-16T09:30:00+01:00',
      '2026-03-16T09:45:00+01:00',
    ]);
  });

  it('offers each allowed duration, the first by default, and refuses others', () => {
    const alice = resource({ weekly: { monday: [{ start: '09:00', end: '11:00' }] } });
    const rules = service({ durationsMinutes: [30, 120] });
    const input = { resources: [alice], service: rules, busy: [], ...monday, now: LONG_AGO };
    expect(listSlots(input)).toHaveLength(4);
    expect(listSlots({ ...input, durationMinutes: 120 }).map((s) => (s.end - s.start) / MINUTE)).toEqual([120]);
    expect(() => listSlots({ ...input, durationMinutes: 45 })).toThrow(RangeError);
  });
});

describe('listSlots: several resources', () => {
  const bob = resource({ id: 'bob', weekly: { monday: [{ start: '10:00', end: '13:00' }] } });
  const alice = resource({ id: 'alice', weekly: { monday: [{ start: '09:00', end: '12:00' }] } });
  const busy = [{ resourceId: 'bob', start: at('2026-03-16T10:00:00Z'), end: at('2026-03-16T11:00:00Z') }];

  it("mode 'one' needs any free resource and says which", () => {
    const slots = listSlots({ resources: [alice, bob], mode: 'one', service: service(), busy, ...monday, now: LONG_AGO });
    expect(slots.map((s) => [isoInZone(s.start, PARIS), s.resources])).toEqual([
      ['2026-03-16T09:00:00+01:00', ['alice']],
      ['2026-03-16T10:00:00+01:00', ['alice', 'bob']],
      ['2026-03-16T11:00:00+01:00', ['alice']],
      ['2026-03-16T12:00:00+01:00', ['bob']],
    ]);
  });

  it("mode 'all' needs every resource free at once", () => {
    const slots = listSlots({ resources: [alice, bob], mode: 'all', service: service(), busy, ...monday, now: LONG_AGO });
    expect(slots.map((s) => [isoInZone(s.start, PARIS), s.resources])).toEqual([
      ['2026-03-16T10:00:00+01:00', ['alice', 'bob']],
    ]);
  });

  it('satisfies every group and reports the free resources per group', () => {
    const room = resource({ id: 'room', weekly: { monday: [{ start: '08:00', end: '18:00' }] } });
    const roomBusy = [{ resourceId: 'room', start: at('2026-03-16T08:00:00Z'), end: at('2026-03-16T09:00:00Z') }];
    const slots = listSlots({
      resources: [alice, bob, room],
      groups: [
        { id: 'host', mode: 'one', resourceIds: ['alice', 'bob'] },
        { id: 'place', mode: 'all', resourceIds: ['room'] },
      ],
      service: service(),
      busy: [...busy, ...roomBusy],
      ...monday,
      now: LONG_AGO,
    });
    expect(slots.map((s) => [isoInZone(s.start, PARIS), s.groups, s.resources])).toEqual([
      ['2026-03-16T10:00:00+01:00', [{ id: 'host', resources: ['alice', 'bob'] }, { id: 'place', resources: ['room'] }], ['alice', 'bob', 'room']],
      ['2026-03-16T11:00:00+01:00', [{ id: 'host', resources: ['alice'] }, { id: 'place', resources: ['room'] }], ['alice', 'room']],
      ['2026-03-16T12:00:00+01:00', [{ id: 'host', resources: ['bob'] }, { id: 'place', resources: ['room'] }], ['bob', 'room']],
    ]);
  });
});

describe('listSlots: group appointments (seats)', () => {
  const alice = resource({ weekly: { monday: [{ start: '09:00', end: '12:00' }] } });
  const rules = service({ seatsPerSlot: 4, bufferAfterMinutes: 0 });
  // An existing group booking at 10:00 local: its allocation is busy time, its seats are counted.
  const groupBooking = { resourceId: 'alice', start: at('2026-03-16T09:00:00Z'), end: at('2026-03-16T10:00:00Z') };
  const seats = [{ start: at('2026-03-16T09:00:00Z'), resourceIds: ['alice'], spaces: 3 }];
  const input = { resources: [alice], service: rules, busy: [groupBooking], groupSeats: seats, ...monday, now: LONG_AGO };

  it('keeps a booked start listed with the seats left, and other starts whole', () => {
    expect(listSlots(input).map((s) => [isoInZone(s.start, PARIS), s.spacesLeft])).toEqual([
      ['2026-03-16T09:00:00+01:00', 4],
      ['2026-03-16T10:00:00+01:00', 1],
      ['2026-03-16T11:00:00+01:00', 4],
    ]);
  });

  it('filters by the spaces wanted and drops a full start', () => {
    expect(startsIn(PARIS, listSlots({ ...input, spaces: 2 }))).toEqual(['2026-03-16T09:00:00+01:00', '2026-03-16T11:00:00+01:00']);
    const full = [{ ...seats[0], spaces: 4 }];
    expect(startsIn(PARIS, listSlots({ ...input, groupSeats: full }))).not.toContain('2026-03-16T10:00:00+01:00');
  });

  it('blocks starts that overlap the group booking, as any booking does', () => {
    const stepped = listSlots({ ...input, service: { ...rules, slotStepMinutes: 30 } });
    expect(startsIn(PARIS, stepped)).toEqual([
      '2026-03-16T09:00:00+01:00',
      '2026-03-16T10:00:00+01:00',
      '2026-03-16T11:00:00+01:00',
    ]);
  });

  it('does not let a booking of another duration be joined', () => {
    const longer = { ...input, service: { ...rules, durationsMinutes: [30, 60] }, durationMinutes: 30 };
    expect(startsIn(PARIS, listSlots(longer))).not.toContain('2026-03-16T10:00:00+01:00');
  });
});

describe('localDateRange and groupSlotsByLocalDay', () => {
  it('covers whole local days and lists empty days too', () => {
    const range = localDateRange('2026-03-14', '2026-03-16', PARIS);
    expect(range).toEqual({ rangeStart: at('2026-03-13T23:00:00Z'), rangeEnd: at('2026-03-16T23:00:00Z') });
    const slots = listSlots({ resources: [withBreak], service: service(), busy: [], ...range, now: LONG_AGO });
    const days = groupSlotsByLocalDay(slots, PARIS, '2026-03-14', '2026-03-16');
    expect(days.map((d) => [d.date, d.slots.length])).toEqual([
      ['2026-03-14', 0],
      ['2026-03-15', 0],
      ['2026-03-16', 5],
    ]);
  });
});

describe('listSlots: a resource open around the clock', () => {
  it('anchors its grid at the Unix epoch, the same for every request', () => {
    const always = [{ start: '00:00', end: '24:00' }];
    const weekly = Object.fromEntries(
      ['monday', 'tuesday', 'wednesday', 'thursday', 'friday', 'saturday', 'sunday'].map((d) => [d, always]),
    );
    const desk = resource({ id: 'desk', timezone: 'UTC', weekly });
    const input = { resources: [desk], service: service({ durationsMinutes: [45] }), busy: [], now: LONG_AGO };
    const early = listSlots({ ...input, rangeStart: at('2026-03-16T00:00:00Z'), rangeEnd: at('2026-03-16T03:00:00Z') });
    expect(startsIn('UTC', early)).toEqual([
      '2026-03-16T00:00:00+00:00',
      '2026-03-16T00:45:00+00:00',
      '2026-03-16T01:30:00+00:00',
      '2026-03-16T02:15:00+00:00',
    ]);
    const later = listSlots({ ...input, rangeStart: at('2026-03-16T01:00:00Z'), rangeEnd: at('2026-03-16T02:00:00Z') });
    expect(startsIn('UTC', later)).toEqual(['2026-03-16T01:30:00+00:00']);
  });
});
