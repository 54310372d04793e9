import { Router } from 'express';
import type { Kysely } from 'kysely';
import type { Database } from '../../db/schema';
import { groupSlotsByLocalDay } from '../../scheduling';
import { organizationOf } from '../auth';
import { parseInput } from '../validation';
import { findAvailableSlots, inSlices } from './query';
import { availabilityQuery, toSlotResponse } from './schemas';

export function availabilityRouter(db: Kysely<Database>): Router {
  const router = Router();

  router.get('/', async (req, res) => {
    const organizationId = organizationOf(req);
    const query = parseInput(availabilityQuery, req.query);
    const { slots, zone } = await findAvailableSlots(db, organizationId, query, new Date());
    res.json({ data: await inSlices(slots, (slot) => toSlotResponse(slot, zone)), timezone: zone });
  });

  router.get('/days', async (req, res) => {
    const organizationId = organizationOf(req);
    const query = parseInput(availabilityQuery, req.query);
    const { slots, zone } = await findAvailableSlots(db, organizationId, query, new Date());
    const days = groupSlotsByLocalDay(slots, zone, query.from, query.to);
    const data = [];
    for (const day of days) data.push({ date: day.date, slots: await inSlices(day.slots, (slot) => toSlotResponse(slot, zone)) });
    res.json({ data, timezone: zone });
  });

  return router;
}
