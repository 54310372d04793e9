import type { Kysely } from 'kysely';
import type { z } from 'zod';
import type { Database } from '../../db/schema';
import { isoInZone } from '../../scheduling';
import { localDatesAround, startsWithin } from '../../scheduling/instant-window';
import { findAvailableSlots } from './query';
import { slotResponder, type availabilitySearchBody, type availabilitySearchResponse } from './schemas';

/**
 * Each range answered as `GET /v1/availability` answers it, in the order asked; a range of
 * instants keeps the slots that start within it. The zone is settled by the first range (the
 * service's first resource unless given), so all ranges share it.
 */
export async function searchAvailability(
  db: Kysely<Database>, organizationId: string, body: z.infer<typeof availabilitySearchBody>, now: Date,
): Promise<z.infer<typeof availabilitySearchResponse>> {
  const data = [];
  let zone = body.timezone;
  for (const range of body.ranges) {
    const dates = 'from' in range ? range : localDatesAround(range.start.getTime(), range.end.getTime());
    const answer = await findAvailableSlots(db, organizationId, { ...body, timezone: zone, ...dates }, now);
    zone = answer.zone;
    const slots = 'from' in range ? answer.slots : startsWithin(answer.slots, range.start.getTime(), range.end.getTime());
    const respond = slotResponder(slots, answer.zone, answer.openGroups, body.include);
    data.push('from' in range
      ? { from: range.from, to: range.to, slots: slots.map(respond) }
      : { start: isoInZone(range.start.getTime(), answer.zone), end: isoInZone(range.end.getTime(), answer.zone), slots: slots.map(respond) });
  }
  return { data, timezone: zone! };
}
