import type { Kysely } from 'kysely';
import type { z } from 'zod';
import type { Database } from '../../db/schema';
import { findAvailableSlots } from './query';
import { slotResponder, type availabilitySearchBody, type availabilitySearchResponse } from './schemas';

/**
 * Each range answered as `GET /v1/availability` answers it, in the order asked. The zone is
 * settled by the first range (the service's first resource unless given), so all ranges share it.
 */
export async function searchAvailability(
  db: Kysely<Database>, organizationId: string, body: z.infer<typeof availabilitySearchBody>, now: Date,
): Promise<z.infer<typeof availabilitySearchResponse>> {
  const data = [];
  let zone = body.timezone;
  for (const range of body.ranges) {
    const answer = await findAvailableSlots(db, organizationId, { ...body, timezone: zone, ...range }, now);
    zone = answer.zone;
    data.push({ from: range.from, to: range.to, slots: answer.slots.map(slotResponder(answer.slots, answer.zone, answer.openGroups, body.include)) });
  }
  return { data, timezone: zone! };
}
