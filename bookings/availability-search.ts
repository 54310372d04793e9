import type { Kysely } from 'kysely';
import type { Database } from '../db/schema';
import { findAvailableSlots, type AvailabilityQuery, type AvailableSlots } from './availability';

/** Several stretches of local dates for one service, asked together. */
export interface AvailabilitySearch extends Omit<AvailabilityQuery, 'from' | 'to'> {
  ranges: { from: string; to: string }[];
}

export interface RangeAnswer extends AvailableSlots { from: string; to: string }

/**
 * Each range answered as one availability query answers it, in the order asked. The zone is
 * settled by the first range (the service's first resource unless given), so all ranges share it.
 */
export async function searchAvailability(
  db: Kysely<Database>, organizationId: string, search: AvailabilitySearch, now: Date,
): Promise<{ ranges: RangeAnswer[]; timezone: string }> {
  const ranges: RangeAnswer[] = [];
  let zone = search.timezone;
  for (const range of search.ranges) {
    const answer = await findAvailableSlots(db, organizationId, { ...search, timezone: zone, ...range }, now);
    zone = answer.zone;
    ranges.push({ from: range.from, to: range.to, ...answer });
  }
  return { ranges, timezone: zone! };
}
