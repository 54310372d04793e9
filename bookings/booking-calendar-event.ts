import ical, { ICalEventStatus } from 'ical-generator';
import { DateTime } from 'luxon';
import type { Booking, Service } from '../db/schema';
import { calendarEventTimes, vtimezonesFor } from '../scheduling/vtimezone';
import { describeAnswers } from './booking-invitation';

export interface CalendarEventInput {
  booking: Pick<Booking, 'id' | 'start_at' | 'end_at' | 'timezone' | 'customer_name' | 'booking_fields'>;
  service: Pick<Service, 'name' | 'description' | 'location' | 'meeting_url' | 'booking_fields'>;
  uid: string;
  sequence: number;
  now: Date;
}

/**
 * Aurinko's templates: `{{name}}` is the booker's answer to the field `name`, `{{customer_name}}`
 * and `{{service}}` what they say; an unknown name or an unanswered field becomes empty.
 */
export function fillTemplate(template: string, values: Record<string, string | boolean | null | undefined>): string {
  return template.replace(/\{\{\s*([\w.-]+)\s*\}\}/g, (_, name: string) => {
    const value = values[name];
    return value === undefined || value === null ? '' : typeof value === 'boolean' ? (value ? 'yes' : 'no') : value;
  });
}

/**
 * The VEVENT written into a host's own calendar for a confirmed booking. Unlike the e-mailed
 * invitation it has no METHOD (a stored calendar object must not, RFC 4791) and no organizer or
 * attendees, so the host's server never mails the customer an invitation of its own. The service's
 * name, description and location are templates over the booker's answers.
 */
export function bookingCalendarEvent(input: CalendarEventInput): string {
  const { booking, service } = input;
  const values = { ...booking.booking_fields, customer_name: booking.customer_name, service: service.name };
  const calendar = ical({ prodId: { company: 'booking-orchestrator', product: 'bookings', language: 'EN' } });
  calendar.timezone({ name: null, generator: vtimezonesFor([{ start: booking.start_at, end: booking.end_at, zone: booking.timezone }]) });
  const description = [
    ...(service.description ? [fillTemplate(service.description, values)] : []),
    ...describeAnswers(service.booking_fields, booking.booking_fields),
    ...(service.meeting_url ? [`Join: ${service.meeting_url}`] : []),
  ].join('\n');
  const title = fillTemplate(service.name, values);
  calendar.createEvent({
    id: input.uid,
    sequence: input.sequence,
    stamp: DateTime.fromJSDate(input.now).toUTC(),
    ...calendarEventTimes(booking.start_at, booking.end_at, booking.timezone),
    summary: booking.customer_name && !service.name.includes('{{') ? `${title}: ${booking.customer_name}` : title,
    description: description || null,
    location: service.location ? fillTemplate(service.location, values) : service.meeting_url ?? null,
    status: ICalEventStatus.CONFIRMED,
  });
  return calendar.toString();
}
