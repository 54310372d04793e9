import ICAL from 'ical.js';
import { DateTime } from 'luxon';
import { bookingInvitation } from '../../bookings/booking-invitation';
import { bookingCalendar } from '../../api/calendars/calendar-file';
import type { CalendarBooking } from '../../db/calendar-feeds';
import type { Booking } from '../../db/schema';
import { isRepeatedWallTime } from '../../scheduling/wall-time';
import { offsetStretches } from '../../scheduling/zone-offsets';

/**
 * Every zone the runtime knows, written into a calendar file and read back by an independent
 * parser (ical.js follows the file's VTIMEZONE, not its own tz data): each event must read as the
 * instants stored, at and around every offset change of 2027, and the file's rules must turn every such wall
 * time that happens once into the instant the runtime gives it.
 */

const MINUTE = 60_000;
const FROM = Date.UTC(2027, 0, 1);
const TO = Date.UTC(2028, 0, 1);
const AROUND = [-90, -60, -30, -1, 0, 1, 29, 30, 59, 60, 90].map((minutes) => minutes * MINUTE);
const now = new Date('2026-01-01T00:00:00Z');

function booking(id: string, start: number, end: number, zone: string): CalendarBooking {
  return {
    id, status: 'confirmed', start_at: new Date(start), end_at: new Date(end), timezone: zone,
    revision: 1, service_name: 'Consultation', display_label: null, customer_name: null, customer_email: null,
    updated_at: now, created_at: now,
  } as unknown as CalendarBooking;
}

/** Instants at and around each offset change of the zone over the span, and two plain ones a year. */
function checkpoints(zone: string): number[] {
  const instants = new Set<number>();
  for (const stretch of offsetStretches(zone, FROM, TO).slice(1)) {
    for (const delta of AROUND) instants.add(stretch.start + delta);
  }
  instants.add(Date.UTC(2027, 0, 15, 12)).add(Date.UTC(2027, 6, 15, 12));
  return [...instants].filter((instant) => instant >= FROM && instant + 30 * MINUTE < TO).sort((a, b) => a - b);
}

interface ReadBack { events: Map<string, { start: number; end: number; tzid: string | null }>; zones: Map<string, ICAL.Timezone> }

function readBack(text: string): ReadBack {
  const calendar = new ICAL.Component(ICAL.parse(text));
  const zones = new Map<string, ICAL.Timezone>();
  for (const component of calendar.getAllSubcomponents('vtimezone')) {
    const timezone = new ICAL.Timezone(component);
    zones.set(timezone.tzid, timezone);
  }
  const events = new Map<string, { start: number; end: number; tzid: string | null }>();
  for (const component of calendar.getAllSubcomponents('vevent')) {
    const tzid = component.getFirstProperty('dtstart')!.getParameter('tzid') as string | undefined ?? null;
    const read = (name: string) => {
      const time = component.getFirstPropertyValue(name) as ICAL.Time;
      // A TZID time is converted by the file's VTIMEZONE, nothing else.
      if (tzid) {
        const timezone = zones.get(tzid);
        if (!timezone) return NaN;
        time.zone = timezone;
      }
      return time.toUnixTime() * 1000;
    };
    events.set(component.getFirstPropertyValue('uid') as string, { start: read('dtstart'), end: read('dtend'), tzid });
  }
  return { events, zones };
}

/** The file's reading of the instant's wall time, where that wall time happens once. */
function readWallTime(instant: number, zone: string, timezone: ICAL.Timezone): number {
  const local = DateTime.fromMillis(instant, { zone });
  const time = ICAL.Time.fromData({
    year: local.year, month: local.month, day: local.day, hour: local.hour, minute: local.minute, second: local.second,
  }, timezone);
  return time.toUnixTime() * 1000;
}

test('every zone: a booking file reads back as the stored instants, and its VTIMEZONE as the runtime\'s wall times', () => {
  const zones = Intl.supportedValuesOf('timeZone');
  const mismatches: string[] = [];
  let events = 0;
  let wallTimes = 0;
  for (const zone of zones) {
    const instants = checkpoints(zone);
    const bookings = instants.map((start, index) => booking(`e${index}`, start, start + 30 * MINUTE, zone));
    const { events: read, zones: written } = readBack(bookingCalendar({ name: zone, bookings, now }));
    for (const [index, start] of instants.entries()) {
      events++;
      const got = read.get(`e${index}`);
      if (!got || got.start !== start || got.end !== start + 30 * MINUTE) {
        mismatches.push(`${zone} ${new Date(start).toISOString()}: read ${got && (Number.isNaN(got.start) ? 'no VTIMEZONE' : new Date(got.start).toISOString())}`);
      }
    }
    const timezone = written.get(zone);
    if ([...read.values()].some((event) => event.tzid === zone) && !timezone) mismatches.push(`${zone}: no VTIMEZONE`);
    if (!timezone) continue;
    for (const instant of instants.filter((instant) => !isRepeatedWallTime(instant, zone))) {
      wallTimes++;
      const read = readWallTime(instant, zone, timezone);
      if (read !== instant) mismatches.push(`${zone} ${new Date(instant).toISOString()}: its wall time reads as ${new Date(read).toISOString()}`);
    }
  }
  expect(zones.length).toBeGreaterThan(400);
  expect(events).toBeGreaterThan(3_000);
  expect(wallTimes).toBeGreaterThan(2_500);
  expect(mismatches).toEqual([]);
});

describe('a repeated hour (New York, 2027-11-07, 01:00–02:00 happens twice)', () => {
  const zone = 'America/New_York';
  const first = booking('first', Date.parse('2027-11-07T05:30:00Z'), Date.parse('2027-11-07T06:00:00Z'), zone);
  const second = booking('second', Date.parse('2027-11-07T06:30:00Z'), Date.parse('2027-11-07T07:00:00Z'), zone);
  const across = booking('across', Date.parse('2027-11-07T05:30:00Z'), Date.parse('2027-11-07T06:30:00Z'), zone);
  const plain = booking('plain', Date.parse('2027-11-07T15:00:00Z'), Date.parse('2027-11-07T15:30:00Z'), zone);

  test('the booking file names each instant exactly: in UTC at the repeated hour, in the zone elsewhere', () => {
    const text = bookingCalendar({ name: 'NY', bookings: [first, second, across, plain], now });
    const { events } = readBack(text);
    expect(events.get('second')).toEqual({ start: Date.parse('2027-11-07T06:30:00Z'), end: Date.parse('2027-11-07T07:00:00Z'), tzid: null });
    expect(events.get('first')).toEqual({ start: Date.parse('2027-11-07T05:30:00Z'), end: Date.parse('2027-11-07T06:00:00Z'), tzid: null });
    expect(events.get('across')).toMatchObject({ start: Date.parse('2027-11-07T05:30:00Z'), end: Date.parse('2027-11-07T06:30:00Z') });
    expect(events.get('plain')).toEqual({ start: Date.parse('2027-11-07T15:00:00Z'), end: Date.parse('2027-11-07T15:30:00Z'), tzid: zone });
    expect(text).toContain('DTSTART:20271107T063000Z');
    expect(text).toContain(`DTSTART;TZID=${zone}:20271107T100000`);
  });

  test('so does the invitation mailed to the customer', () => {
    const text = bookingInvitation({
      booking: { ...second, booking_fields: {} } as unknown as Booking,
      service: { name: 'Consultation', location: null, meeting_url: null, booking_fields: [] },
      organizerName: 'Clinique', zone, method: 'REQUEST', manageUrl: null, now,
    });
    expect(readBack(text).events.get(second.id)).toMatchObject({ start: Date.parse('2027-11-07T06:30:00Z'), end: Date.parse('2027-11-07T07:00:00Z') });
  });
});
