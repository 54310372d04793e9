import type { Kysely } from 'kysely';
import type { Database } from '../db/schema';
import { localDatesAround, startsWithin } from '../scheduling/instant-window';
import { findAvailableSlots, type AvailabilityQuery, type AvailableSlots } from './availability';

/** A stretch of local dates (both inclusive), or of instants: slots starting in [start, end). */
export type SearchRange = { from: string; to: string } | { start: Date; end: Date };

/** Several stretches for one service, asked together. */
export interface AvailabilitySearch extends Omit<AvailabilityQuery, 'from' | 'to'> {
  ranges: SearchRange[];
}

export type RangeAnswer = AvailableSlots & { range: SearchRange };

/**
 * Each range answered as one availability query answers it, in the order asked; a range of
 * instants keeps the slots that start within it. The zone is settled by the first range (the
 * service's first resource unless given), so all ranges share it.
 */
export async function searchAvailability(
  db: Kysely<Database>, organizationId: string, search: AvailabilitySearch, now: Date,
): Promise<{ ranges: RangeAnswer[]; timezone: string }> {
  const ranges: RangeAnswer[] = [];
  let zone = search.timezone;
  for (const range of search.ranges) {
    const dates = 'from' in range ? range : localDatesAround(range.start.getTime(), range.end.getTime());
    const answer = await findAvailableSlots(db, organizationId, { ...search, timezone: zone, ...dates }, now);
    zone = answer.zone;
    const slots = 'from' in range ? answer.slots : startsWithin(answer.slots, range.start.getTime(), range.end.getTime());
    ranges.push({ ...answer, slots, range });
  }
  return { ranges, timezone: zone! };
}
