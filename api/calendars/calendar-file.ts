import ical, { ICalEventStatus } from 'ical-generator';
import { DateTime } from 'luxon';
import { FREES_CAPACITY_STATUSES, isIn, PROMISED_STATUSES } from '../../domain/booking-status';
import type { CalendarBooking } from '../../db/calendar-feeds';
import { calendarEventTimes, vtimezonesFor } from '../../scheduling/vtimezone';

export const CALENDAR_CONTENT_TYPE = 'text/calendar; charset=utf-8';

function eventStatusOf(status: CalendarBooking['status']): ICalEventStatus {
  if (isIn(PROMISED_STATUSES, status)) return ICalEventStatus.CONFIRMED;
  if (isIn(FREES_CAPACITY_STATUSES, status)) return ICalEventStatus.CANCELLED;
  // Held, awaiting approval or waiting: the time is claimed but not promised yet.
  return ICalEventStatus.TENTATIVE;
}

/**
 * A VCALENDAR with one VEVENT per booking. Times carry the zone they were booked in (TZID plus a
 * VTIMEZONE component written from the runtime's tz data), so a calendar app shows them right
 * across daylight-saving changes; an event touching a repeated local hour is written in UTC
 * (see calendarEventTimes).
 */
export function bookingCalendar(options: { name: string; bookings: CalendarBooking[]; now: Date }): string {
  const calendar = ical({
    name: options.name,
    prodId: { company: 'booking-orchestrator', product: 'bookings', language: 'EN' },
  });
  // No calendar-wide zone: each event names its own; the generator supplies their VTIMEZONEs.
  calendar.timezone({
    name: null,
    generator: vtimezonesFor(options.bookings.map((booking) => ({ start: booking.start_at, end: booking.end_at, zone: booking.timezone }))),
  });
  const stamp = DateTime.fromJSDate(options.now).toUTC();
  for (const booking of options.bookings) {
    const attendee = [booking.customer_name, booking.customer_email].filter(Boolean).join(' ');
    calendar.createEvent({
      id: booking.id,
      // RFC 5545: a calendar app applies an update only if SEQUENCE grew; the database counts revisions.
      sequence: booking.revision,
      stamp,
      ...calendarEventTimes(booking.start_at, booking.end_at, booking.timezone),
      summary: booking.display_label ?? booking.service_name,
      description: attendee ? `Booking ${booking.id} for ${attendee}` : `Booking ${booking.id}`,
      status: eventStatusOf(booking.status),
      lastModified: DateTime.fromJSDate(booking.updated_at).toUTC(),
    });
  }
  return calendar.toString();
}
