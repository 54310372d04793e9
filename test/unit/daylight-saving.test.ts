import { checkStart, isoInZone, listSlots, localDateRange } from '../../scheduling';
import { LONG_AGO, at, resource, service, startsIn } from './availability-fixtures';

const PARIS = 'Europe/Paris';
const night = [{ start: '00:00', end: '05:00' }];

describe('daylight saving time in Europe/Paris', () => {
  it('spring forward 2026-03-29: no slot at a local time that does not exist', () => {
    const alice = resource({ weekly: { sunday: night } });
    const range = localDateRange('2026-03-29', '2026-03-29', PARIS);
    expect(range).toEqual({ rangeStart: at('2026-03-28T23:00:00Z'), rangeEnd: at('2026-03-29T22:00:00Z') });
    const slots = listSlots({ resources: [alice], service: service(), busy: [], ...range, now: LONG_AGO });
    // 00:00-05:00 local is 4 real hours; the grid counts real hours from the block's start.
    expect(startsIn(PARIS, slots)).toEqual([
      '2026-03-29T00:00:00+01:00',
      '2026-03-29T01:00:00+01:00',
      '2026-03-29T03:00:00+02:00',
      '2026-03-29T04:00:00+02:00',
    ]);
  });

  it('spring forward: an interval inside the gap opens nothing', () => {
    const alice = resource({ weekly: { sunday: [{ start: '02:00', end: '03:00' }] } });
    const range = localDateRange('2026-03-29', '2026-03-29', PARIS);
    const slots = listSlots({ resources: [alice], service: service({ durationsMinutes: [15] }), busy: [], ...range, now: LONG_AGO });
    expect(slots).toEqual([]);
    const verdict = checkStart({ resources: [alice], service: service({ durationsMinutes: [15] }), busy: [], now: LONG_AGO, start: at('2026-03-29T01:00:00Z') });
    expect(verdict).toMatchObject({ ok: false, reason: 'outside_hours' });
  });

  it('spring forward: an interval around the gap is one block of real time', () => {
    const alice = resource({ weekly: { sunday: [{ start: '01:30', end: '03:30' }] } });
    const range = localDateRange('2026-03-29', '2026-03-29', PARIS);
    const slots = listSlots({ resources: [alice], service: service({ durationsMinutes: [30] }), busy: [], ...range, now: LONG_AGO });
    expect(startsIn(PARIS, slots)).toEqual(['2026-03-29T01:30:00+01:00', '2026-03-29T03:00:00+02:00']);
  });

  it('fall back 2026-10-25: hourly slots over 00:00-05:00 are exactly the six real hours', () => {
    const alice = resource({ weekly: { sunday: night } });
    const range = localDateRange('2026-10-25', '2026-10-25', PARIS);
    const slots = listSlots({ resources: [alice], service: service(), busy: [], ...range, now: LONG_AGO });
    expect(startsIn(PARIS, slots)).toEqual([
      '2026-10-25T00:00:00+02:00',
      '2026-10-25T01:00:00+02:00',
      '2026-10-25T02:00:00+02:00',
      '2026-10-25T02:00:00+01:00',
      '2026-10-25T03:00:00+01:00',
      '2026-10-25T04:00:00+01:00',
    ]);
    expect(new Set(slots.map((s) => s.start)).size).toBe(6);
  });

  it('fall back: an interval 02:00-03:00 covers both occurrences, two real hours', () => {
    const alice = resource({ weekly: { sunday: [{ start: '02:00', end: '03:00' }] } });
    const range = localDateRange('2026-10-25', '2026-10-25', PARIS);
    const slots = listSlots({ resources: [alice], service: service({ durationsMinutes: [120] }), busy: [], ...range, now: LONG_AGO });
    expect(slots.map((s) => [isoInZone(s.start, PARIS), isoInZone(s.end, PARIS)])).toEqual([
      ['2026-10-25T02:00:00+02:00', '2026-10-25T03:00:00+01:00'],
    ]);
  });

  it('applies an override on a transition day in local time', () => {
    const alice = resource({
      weekly: { sunday: night },
      overrides: [{ date: '2026-03-29', intervals: [{ start: '01:00', end: '04:00' }] }],
    });
    const range = localDateRange('2026-03-29', '2026-03-29', PARIS);
    const slots = listSlots({ resources: [alice], service: service(), busy: [], ...range, now: LONG_AGO });
    expect(startsIn(PARIS, slots)).toEqual(['2026-03-29T01:00:00+01:00', '2026-03-29T03:00:00+02:00']);
  });
});

describe('a Paris resource seen from other zones', () => {
  const alice = resource({ weekly: { monday: [{ start: '09:00', end: '11:00' }] } });
  const range = localDateRange('2026-03-30', '2026-03-30', PARIS);
  const slots = listSlots({ resources: [alice], service: service(), busy: [], ...range, now: LONG_AGO });

  it('formats the same instants with each viewer zone offset', () => {
    expect(startsIn(PARIS, slots)).toEqual(['2026-03-30T09:00:00+02:00', '2026-03-30T10:00:00+02:00']);
    expect(startsIn('America/New_York', slots)).toEqual(['2026-03-30T03:00:00-04:00', '2026-03-30T04:00:00-04:00']);
    expect(startsIn('Asia/Kolkata', slots)).toEqual(['2026-03-30T12:30:00+05:30', '2026-03-30T13:30:00+05:30']);
  });

  it('uses the week New York spends three weeks ahead of Paris on DST', () => {
    // 2026-03-16: New York is already on -04:00, Paris still on +01:00: five hours apart.
    const before = localDateRange('2026-03-16', '2026-03-16', PARIS);
    const mondays = listSlots({ resources: [alice], service: service(), busy: [], ...before, now: LONG_AGO });
    expect(startsIn('America/New_York', mondays)).toEqual(['2026-03-16T04:00:00-04:00', '2026-03-16T05:00:00-04:00']);
  });
});

describe('29 February 2028', () => {
  it('follows the weekday schedule (a Tuesday) and its override', () => {
    const alice = resource({ weekly: { tuesday: [{ start: '10:00', end: '12:00' }] } });
    const range = localDateRange('2028-02-28', '2028-03-01', PARIS);
    const plain = listSlots({ resources: [alice], service: service(), busy: [], ...range, now: LONG_AGO });
    expect(startsIn(PARIS, plain)).toEqual(['2028-02-29T10:00:00+01:00', '2028-02-29T11:00:00+01:00']);
    const overridden = resource({ ...alice, overrides: [{ date: '2028-02-29', intervals: [{ start: '15:00', end: '16:00' }] }] });
    const other = listSlots({ resources: [overridden], service: service(), busy: [], ...range, now: LONG_AGO });
    expect(startsIn(PARIS, other)).toEqual(['2028-02-29T15:00:00+01:00']);
  });
});

describe('isoInZone', () => {
  it('writes ISO 8601 with offset and without milliseconds', () => {
    expect(isoInZone(at('2026-03-29T01:00:00.000Z'), PARIS)).toBe('2026-03-29T03:00:00+02:00');
    expect(isoInZone(at('2026-03-29T01:00:00.000Z'), 'Australia/Lord_Howe')).toBe('2026-03-29T12:00:00+11:00');
  });
});
