import ical, { ICalCalendarMethod, ICalEventStatus } from 'ical-generator';
import { DateTime } from 'luxon';
import type { Booking, BookingFieldJson, Service } from '../db/schema';
import { calendarEventTimes, vtimezonesFor } from '../scheduling/vtimezone';

export type InvitationMethod = 'REQUEST' | 'CANCEL';

export interface InvitationInput {
  booking: Booking;
  service: Pick<Service, 'name' | 'location' | 'meeting_url' | 'booking_fields'>;
  organizerName: string;
  /** The zone the times are written in (TZID, or UTC at a repeated hour): the customer's, else the resource's. */
  zone: string;
  method: InvitationMethod;
  manageUrl: string | null;
  now: Date;
}

/** The booker's answers as "Label: value" lines, in the service's order. */
export function describeAnswers(fields: BookingFieldJson[], answers: Booking['booking_fields']): string[] {
  return fields.filter((field) => answers[field.name] !== undefined && answers[field.name] !== '')
    .map((field) => {
      const value = answers[field.name];
      return `${field.label}: ${typeof value === 'boolean' ? (value ? 'yes' : 'no') : value}`;
    });
}

/** One VEVENT for the booking, as an invitation (REQUEST) or its withdrawal (CANCEL). */
export function bookingInvitation(input: InvitationInput): string {
  const { booking, service } = input;
  const calendar = ical({
    prodId: { company: 'booking-orchestrator', product: 'bookings', language: 'EN' },
    method: input.method === 'CANCEL' ? ICalCalendarMethod.CANCEL : ICalCalendarMethod.REQUEST,
  });
  calendar.timezone({ name: null, generator: vtimezonesFor([{ start: booking.start_at, end: booking.end_at, zone: input.zone }]) });
  const description = [
    ...describeAnswers(service.booking_fields, booking.booking_fields),
    ...(service.meeting_url ? [`Join: ${service.meeting_url}`] : []),
    ...(input.manageUrl ? [`Manage your booking: ${input.manageUrl}`] : []),
  ].join('\n');
  calendar.createEvent({
    id: booking.id,
    // RFC 5546: a calendar applies only a higher SEQUENCE. Every calendar file of a booking (e-mail,
    // manage page, API, feeds) writes the booking's one revision, which a trigger grows with each change.
    sequence: booking.revision,
    stamp: DateTime.fromJSDate(input.now).toUTC(),
    ...calendarEventTimes(booking.start_at, booking.end_at, input.zone),
    summary: `${service.name} (${input.organizerName})`,
    description,
    location: service.location ?? service.meeting_url ?? null,
    url: input.manageUrl,
    status: input.method === 'CANCEL' ? ICalEventStatus.CANCELLED
      : booking.status === 'confirmed' ? ICalEventStatus.CONFIRMED : ICalEventStatus.TENTATIVE,
    organizer: { name: input.organizerName, email: 'bookings@localhost' },
    ...(booking.customer_email && {
      attendees: [{ name: booking.customer_name ?? undefined, email: booking.customer_email }],
    }),
  });
  return calendar.toString();
}
