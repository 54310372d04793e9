import { z } from 'zod';
import type { Booking } from '../../db/schema';
import { bookingClosesAt, bookingOpensAt, type SessionWithQueue } from '../../db/sessions';
import { isoInZone } from '../../scheduling';
import { bookingResponse, toBookingResponse } from '../bookings/schemas';
import { instant, metadata, pageQuery, text, timezone, uuid } from '../common-schemas';

const seconds = z.number().int().min(0).max(366 * 86_400);

export const createSessionBody = z.strictObject({
  service_id: uuid,
  start: instant.meta({ description: 'Start of the (first) occurrence, ISO 8601 with offset' }),
  end: instant.optional().meta({ description: 'Alternative to duration_minutes' }),
  duration_minutes: z.number().int().min(1).max(7 * 1440).optional()
    .meta({ description: 'Default the service\'s first duration' }),
  timezone: timezone.optional()
    .meta({ description: 'Zone the recurrence keeps its local time in, and of returned times; default the first resource\'s zone, else UTC' }),
  capacity: z.number().int().min(1).max(100_000).meta({ description: 'Seats' }),
  waitlist_size: z.number().int().min(0).max(100_000).default(0)
    .meta({ description: 'Places on the waiting list, counted in seats; 0 = no waiting list' }),
  opens_before_seconds: seconds.nullable().default(null)
    .meta({ description: 'Booking opens this long before the start; null = as soon as the session exists' }),
  closes_before_seconds: seconds.default(0)
    .meta({ description: 'Booking closes this long before the start (e.g. 7200 = 2 hours before); waiting bookings then expire' }),
  resource_ids: z.array(uuid).max(100).default([])
    .meta({ uniqueItems: true })
    .refine((ids) => new Set(ids).size === ids.length, { message: 'resources must be distinct' })
    .meta({ description: 'Resources the session occupies (a room, a trainer): nothing else can be booked on them meanwhile' }),
  recurrence: text(500).trim().min(1).optional()
    .meta({ description: 'RFC 5545 RRULE (without DTSTART), e.g. FREQ=WEEKLY;BYDAY=MO;UNTIL=20270301T000000Z; needs UNTIL or COUNT; occurrences keep the local time of start in timezone' }),
  metadata: metadata.default({}),
}).superRefine((body, ctx) => {
  if (body.end && body.end <= body.start) ctx.addIssue({ code: 'custom', path: ['end'], message: 'end must be after start' });
  if (body.end && body.duration_minutes !== undefined) {
    ctx.addIssue({ code: 'custom', path: ['duration_minutes'], message: 'give end or duration_minutes, not both' });
  }
  if (body.opens_before_seconds !== null && body.opens_before_seconds <= body.closes_before_seconds) {
    ctx.addIssue({ code: 'custom', path: ['opens_before_seconds'], message: 'booking must open before it closes' });
  }
}).meta({ id: 'CreateSession' });

export const updateSessionBody = z.strictObject({
  capacity: z.number().int().min(1).max(100_000).optional()
    .meta({ description: 'Raising it promotes waiting bookings at once; it cannot go below the seats taken' }),
  waitlist_size: z.number().int().min(0).max(100_000).optional(),
}).refine((body) => body.capacity !== undefined || body.waitlist_size !== undefined, {
  message: 'give capacity or waitlist_size', path: ['capacity'],
}).meta({ id: 'UpdateSession' });

export const cancelSessionBody = z.strictObject({
  reason: text(2000, { lines: true }).trim().min(1).meta({ description: 'Recorded on every booking of the session' }),
}).meta({ id: 'SessionCancellation' });

export const listSessionsQuery = z.object({
  ...pageQuery,
  service: uuid.optional(),
  series: uuid.optional(),
  from: instant.optional(),
  to: instant.optional(),
  timezone: timezone.optional(),
}).refine((query) => !query.from || !query.to || query.from < query.to, { message: 'to must be after from', path: ['to'] });

export const readSessionQuery = z.object({
  include: z.enum(['bookings']).optional().meta({ description: 'bookings: the attendee list, waiting bookings in queue order' }),
  timezone: timezone.optional(),
});

export const sessionResponse = z.object({
  id: z.string(), service_id: z.string(), series_id: z.string().nullable(),
  start: z.string(), end: z.string(), timezone: z.string(),
  capacity: z.number(), seats_taken: z.number(), seats_left: z.number(),
  waitlist_size: z.number(), waitlist_places_taken: z.number(), waitlist_length: z.number(),
  opens_before_seconds: z.number().nullable(), closes_before_seconds: z.number(),
  booking_opens_at: z.string().nullable(), booking_closes_at: z.string(),
  resource_ids: z.array(z.string()), status: z.enum(['scheduled', 'cancelled']), cancel_reason: z.string().nullable(),
  metadata: z.record(z.string(), z.unknown()), created_at: z.string(), updated_at: z.string(),
  bookings: z.array(bookingResponse).optional(),
}).meta({ id: 'Session' });

export const createdSeriesResponse = z.object({ series_id: z.string(), data: z.array(sessionResponse) }).meta({ id: 'SessionSeries' });

export function toSessionResponse(
  session: SessionWithQueue, zone = session.timezone, bookings?: (Booking & { waitlist_position: number | null })[],
): z.infer<typeof sessionResponse> {
  const opens = bookingOpensAt(session);
  return {
    id: session.id,
    service_id: session.service_id,
    series_id: session.series_id,
    start: isoInZone(session.start_at.getTime(), zone),
    end: isoInZone(session.end_at.getTime(), zone),
    timezone: zone,
    capacity: session.capacity,
    seats_taken: session.seats_taken,
    seats_left: session.capacity - session.seats_taken,
    waitlist_size: session.waitlist_size,
    waitlist_places_taken: session.waitlist_taken,
    waitlist_length: session.waitlist_length,
    opens_before_seconds: session.opens_before_seconds,
    closes_before_seconds: session.closes_before_seconds,
    booking_opens_at: opens && isoInZone(opens.getTime(), zone),
    booking_closes_at: isoInZone(bookingClosesAt(session).getTime(), zone),
    resource_ids: session.resource_ids,
    status: session.status,
    cancel_reason: session.cancel_reason,
    metadata: session.metadata,
    created_at: isoInZone(session.created_at.getTime(), zone),
    updated_at: isoInZone(session.updated_at.getTime(), zone),
    ...(bookings && {
      bookings: bookings.map((booking) => ({ ...toBookingResponse(booking, zone), waitlist_position: booking.waitlist_position })),
    }),
  };
}
