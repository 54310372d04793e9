import { Router } from 'express';
import type { Kysely } from 'kysely';
import { findCalendarBooking, listResourceCalendarBookings } from '../../db/calendar-feeds';
import { findResource } from '../../db/resources';
import type { Database } from '../../db/schema';
import { bookingAccess, organizationOf } from '../auth';
import { NotFound } from '../errors';
import { pathId } from '../validation';
import { bookingCalendar, CALENDAR_CONTENT_TYPE } from './calendar-file';

/** How far back a resource's feed reaches: enough for "what did I have last month", not years of history. */
const FEED_HISTORY_DAYS = 90;

/** Calendar files (RFC 5545) of one booking and of a resource's confirmed bookings. */
export function calendarsRouter(db: Kysely<Database>): Router {
  const router = Router();

  router.get('/bookings/:id/ics', async (req, res) => {
    const bookingId = pathId(req.params.id, 'booking');
    const { organizationId } = bookingAccess(req, bookingId);
    const booking = await findCalendarBooking(db, organizationId, bookingId);
    if (!booking) throw new NotFound(`booking ${bookingId} not found`);
    res.type(CALENDAR_CONTENT_TYPE)
      .set('content-disposition', `attachment; filename="booking-${booking.id}.ics"`)
      .send(bookingCalendar({ name: booking.service_name, bookings: [booking], now: new Date() }));
  });

  router.get('/resources/:id/calendar.ics', async (req, res) => {
    const organizationId = organizationOf(req);
    const resource = await findResource(db, organizationId, pathId(req.params.id, 'resource'));
    if (!resource) throw new NotFound(`resource ${req.params.id} not found`);
    const now = new Date();
    const since = new Date(now.getTime() - FEED_HISTORY_DAYS * 86_400_000);
    const bookings = await listResourceCalendarBookings(db, organizationId, resource.id, since);
    res.type(CALENDAR_CONTENT_TYPE)
      .set('content-disposition', `inline; filename="resource-${resource.id}.ics"`)
      .send(bookingCalendar({ name: resource.name, bookings, now }));
  });

  return router;
}
