import { Router, type Response } from 'express';
import type { Kysely } from 'kysely';
import { findCalendarBooking, findFeedResource, listResourceCalendarBookings } from '../../db/calendar-feeds';
import { findResource } from '../../db/resources';
import type { Database, Resource } from '../../db/schema';
import { bookingAccess, organizationOf } from '../auth';
import { NotFound, Unauthorized } from '../errors';
import { issueCalendarFeedToken, verifyCalendarFeedToken } from '../../outbound/manage-token';
import { pathId } from '../validation';
import { bookingCalendar, CALENDAR_CONTENT_TYPE } from './calendar-file';

/** How far back a resource's feed reaches: enough for "what did I have last month", not years of history. */
const FEED_HISTORY_DAYS = 90;

async function sendResourceFeed(db: Kysely<Database>, resource: Resource, res: Response): Promise<void> {
  const now = new Date();
  const since = new Date(now.getTime() - FEED_HISTORY_DAYS * 86_400_000);
  const bookings = await listResourceCalendarBookings(db, resource.organization_id, resource.id, since);
  res.type(CALENDAR_CONTENT_TYPE)
    .set('content-disposition', `inline; filename="resource-${resource.id}.ics"`)
    .send(bookingCalendar({ name: resource.name, bookings, now }));
}

/**
 * A resource's feed by its signed URL (`?token=`), for calendar apps that cannot send an
 * Authorization header. Mounted before authentication; without a token the request goes on to
 * the API-key route below.
 */
export function signedCalendarFeedRouter(db: Kysely<Database>, secret: string): Router {
  const router = Router();
  router.get('/resources/:id/calendar.ics', async (req, res, next) => {
    const token = req.query.token;
    if (token === undefined) return next();
    const resourceId = pathId(req.params.id, 'resource');
    if (typeof token !== 'string' || !verifyCalendarFeedToken(secret, resourceId, token)) {
      throw new Unauthorized('the calendar token is not valid for this resource');
    }
    const resource = await findFeedResource(db, resourceId);
    if (!resource) throw new NotFound(`resource ${resourceId} not found`);
    await sendResourceFeed(db, resource, res);
  });
  return router;
}

/** Calendar files (RFC 5545) of one booking and of a resource's confirmed bookings. */
export function calendarsRouter(db: Kysely<Database>, secret: string): Router {
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
    await sendResourceFeed(db, resource, res);
  });

  // The feed's address with its key, to paste into a calendar app (which subscribes without headers).
  router.get('/resources/:id/calendar-url', async (req, res) => {
    const organizationId = organizationOf(req);
    const resource = await findResource(db, organizationId, pathId(req.params.id, 'resource'));
    if (!resource) throw new NotFound(`resource ${req.params.id} not found`);
    const url = new URL(`/v1/resources/${resource.id}/calendar.ics`, `${req.protocol}://${req.get('host')}`);
    url.searchParams.set('token', issueCalendarFeedToken(secret, resource.id));
    res.json({ url: url.toString(), webcal_url: url.toString().replace(/^https?:/, 'webcal:') });
  });

  return router;
}
