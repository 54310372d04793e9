import { busyTimeOf } from '../../calendars/busy-time';
import { bookingEventUid, CalendarRefusedError } from '../../calendars/provider';

const RULES = {
  window: { from: new Date('2027-03-01T00:00:00Z'), to: new Date('2027-05-01T00:00:00Z') },
  includeTentative: true,
  resourceTimeZone: 'Europe/Paris',
};

function calendar(...events: string[]): string {
  return ['BEGIN:VCALENDAR', 'VERSION:2.0', 'PRODID:-//test//EN', ...events, 'END:VCALENDAR'].join('\r\n');
}

function event(uid: string, ...lines: string[]): string {
  return ['BEGIN:VEVENT', `UID:${uid}`, 'DTSTAMP:20270101T000000Z', ...lines, 'END:VEVENT'].join('\r\n');
}

const iso = (intervals: { start: Date; end: Date }[]) => intervals.map(({ start, end }) => `${start.toISOString()}/${end.toISOString()}`);

function busyOf(ics: string, rules = RULES) {
  return Object.fromEntries(busyTimeOf(ics, rules).map((object) => [object.uid, iso(object.intervals)]));
}

describe('busy time of calendar events', () => {
  test('a timed event in UTC and one in its TZID', () => {
    expect(busyOf(calendar(
      event('utc', 'DTSTART:20270310T090000Z', 'DTEND:20270310T100000Z'),
      event('ny', 'DTSTART;TZID=America/New_York:20270310T090000', 'DTEND;TZID=America/New_York:20270310T100000'),
    ))).toEqual({
      utc: ['2027-03-10T09:00:00.000Z/2027-03-10T10:00:00.000Z'],
      ny: ['2027-03-10T14:00:00.000Z/2027-03-10T15:00:00.000Z'],
    });
  });

  test('a weekly series in its zone across the DST change, with an EXDATE and a moved occurrence', () => {
    const busy = busyOf(calendar(
      event('weekly',
        'DTSTART;TZID=Europe/Paris:20270317T150000', 'DTEND;TZID=Europe/Paris:20270317T160000',
        'RRULE:FREQ=WEEKLY;COUNT=4', 'EXDATE;TZID=Europe/Paris:20270324T150000'),
      event('weekly', 'RECURRENCE-ID;TZID=Europe/Paris:20270407T150000',
        'DTSTART;TZID=Europe/Paris:20270407T170000', 'DTEND;TZID=Europe/Paris:20270407T180000'),
    ));
    // 17 March is CET (+01:00); from 28 March CEST (+02:00): the wall time stays 15:00.
    expect(busy.weekly).toEqual([
      '2027-03-17T14:00:00.000Z/2027-03-17T15:00:00.000Z',
      '2027-03-31T13:00:00.000Z/2027-03-31T14:00:00.000Z',
      '2027-04-07T15:00:00.000Z/2027-04-07T16:00:00.000Z',
    ]);
  });

  test('an event on the DST night keeps its real length', () => {
    // 28 March 2027, Paris: 02:00 does not exist; 01:00 to 04:00 wall time is two hours.
    expect(busyOf(calendar(event('night', 'DTSTART;TZID=Europe/Paris:20270328T010000', 'DTEND;TZID=Europe/Paris:20270328T040000'))))
      .toEqual({ night: ['2027-03-28T00:00:00.000Z/2027-03-28T02:00:00.000Z'] });
  });

  test('an all-day event blocks the resource\'s local day, and a DST day is 23 hours', () => {
    expect(busyOf(calendar(
      event('day', 'DTSTART;VALUE=DATE:20270310', 'DTEND;VALUE=DATE:20270311'),
      event('dst-day', 'DTSTART;VALUE=DATE:20270328'),
    ))).toEqual({
      'day': ['2027-03-09T23:00:00.000Z/2027-03-10T23:00:00.000Z'],
      'dst-day': ['2027-03-27T23:00:00.000Z/2027-03-28T22:00:00.000Z'],
    });
  });

  test('transparent and cancelled events do not block; tentative ones as the connection says', () => {
    const ics = calendar(
      event('free', 'DTSTART:20270310T090000Z', 'DTEND:20270310T100000Z', 'TRANSP:TRANSPARENT'),
      event('gone', 'DTSTART:20270310T090000Z', 'DTEND:20270310T100000Z', 'STATUS:CANCELLED'),
      event('maybe', 'DTSTART:20270310T090000Z', 'DTEND:20270310T100000Z', 'STATUS:TENTATIVE'),
      event('series', 'DTSTART:20270310T120000Z', 'DTEND:20270310T130000Z', 'RRULE:FREQ=DAILY;COUNT=2'),
      event('series', 'RECURRENCE-ID:20270311T120000Z', 'DTSTART:20270311T120000Z', 'DTEND:20270311T130000Z', 'STATUS:CANCELLED'),
    );
    expect(busyOf(ics)).toEqual({
      free: [], gone: [], maybe: ['2027-03-10T09:00:00.000Z/2027-03-10T10:00:00.000Z'],
      series: ['2027-03-10T12:00:00.000Z/2027-03-10T13:00:00.000Z'],
    });
    expect(busyOf(ics, { ...RULES, includeTentative: false }).maybe).toEqual([]);
  });

  test('floating times are the resource\'s wall clock; events outside the window are left out', () => {
    expect(busyOf(calendar(
      event('floating', 'DTSTART:20270310T090000', 'DTEND:20270310T100000'),
      event('past', 'DTSTART:20260310T090000Z', 'DTEND:20260310T100000Z'),
    ))).toEqual({ floating: ['2027-03-10T08:00:00.000Z/2027-03-10T09:00:00.000Z'], past: [] });
  });

  test('a zone only the file defines is read by its VTIMEZONE', () => {
    const vtimezone = [
      'BEGIN:VTIMEZONE', 'TZID:Custom Standard Time',
      'BEGIN:STANDARD', 'DTSTART:19700101T000000', 'TZOFFSETFROM:+0300', 'TZOFFSETTO:+0300', 'END:STANDARD',
      'END:VTIMEZONE',
    ].join('\r\n');
    expect(busyOf(calendar(vtimezone, event('custom', 'DTSTART;TZID=Custom Standard Time:20270310T090000', 'DTEND;TZID=Custom Standard Time:20270310T100000'))))
      .toEqual({ custom: ['2027-03-10T06:00:00.000Z/2027-03-10T07:00:00.000Z'] });
  });

  test('the events this service wrote for its bookings are not counted again', () => {
    const uid = bookingEventUid('0b8e7a0c-2f5e-4c55-9d7a-3a1f8f0b9c11');
    expect(busyTimeOf(calendar(event(uid, 'DTSTART:20270310T090000Z', 'DTEND:20270310T100000Z')), RULES)).toEqual([]);
  });

  test('what is not iCalendar, or a rule without end, is refused clearly', () => {
    expect(() => busyTimeOf('<html>not a calendar</html>', RULES)).toThrow(CalendarRefusedError);
    expect(() => busyTimeOf(calendar(event('storm', 'DTSTART:19700101T000000Z', 'DTEND:19700101T000001Z', 'RRULE:FREQ=SECONDLY')), RULES))
      .toThrow(/repeats too often/);
  });
});
