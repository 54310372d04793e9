import { Router } from 'express';
import type { Kysely } from 'kysely';
import type { Database } from '../../db/schema';
import { groupSlotsByLocalDay, isoInZone } from '../../scheduling';
import { organizationOf } from '../auth';
import { parseInput } from '../validation';
import { findAvailableSlots, inSlices } from '../../bookings/availability';
import { searchAvailability } from '../../bookings/availability-search';
import { availabilityQuery, availabilitySearchBody, slotResponder } from './schemas';

/**
 * Availability may be a few seconds old in a cache of the caller's own (a slot taken meanwhile is
 * refused by the reservation, which checks again); never in a shared cache, it is per organization.
 * Express adds the ETag, so a client revalidating an unchanged answer gets 304 without the body.
 */
const CACHE_CONTROL = 'private, max-age=5';

export function availabilityRouter(db: Kysely<Database>): Router {
  const router = Router();

  router.get('/', async (req, res) => {
    const organizationId = organizationOf(req);
    const query = parseInput(availabilityQuery, req.query);
    const { slots, zone, openGroups } = await findAvailableSlots(db, organizationId, query, new Date());
    res.set('Cache-Control', CACHE_CONTROL)
      .json({ data: await inSlices(slots, slotResponder(slots, zone, openGroups, query.include)), timezone: zone });
  });

  router.get('/days', async (req, res) => {
    const organizationId = organizationOf(req);
    const query = parseInput(availabilityQuery, req.query);
    const { slots, zone, openGroups } = await findAvailableSlots(db, organizationId, query, new Date());
    const days = groupSlotsByLocalDay(slots, zone, query.from, query.to);
    const respond = slotResponder(slots, zone, openGroups, query.include);
    const data = [];
    for (const day of days) data.push({ date: day.date, slots: await inSlices(day.slots, respond) });
    res.set('Cache-Control', CACHE_CONTROL).json({ data, timezone: zone });
  });

  router.post('/search', async (req, res) => {
    const organizationId = organizationOf(req);
    const body = parseInput(availabilitySearchBody, req.body);
    const { ranges, timezone } = await searchAvailability(db, organizationId, body, new Date());
    res.json({
      data: ranges.map(({ range, slots, zone, openGroups }) => ({
        ...('from' in range ? range : { start: isoInZone(range.start.getTime(), zone), end: isoInZone(range.end.getTime(), zone) }),
        slots: slots.map(slotResponder(slots, zone, openGroups, body.include)),
      })),
      timezone,
    });
  });

  return router;
}
