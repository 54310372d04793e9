import type { Kysely, Transaction } from 'kysely';
import { findOccupiedRanges } from '../db/bookings';
import { findGroupSeatsTaken } from '../db/group-slots';
import { findResources } from '../db/resources';
import { toResourceSchedule } from '../db/schedule-model';
import type { Database, Resource } from '../db/schema';
import type { BusyInterval, GroupSeatsTaken, ResourceSchedule, ServiceRules } from '../scheduling';

const MINUTE_MS = 60_000;

export interface EngineRowsWanted {
  organizationId: string;
  serviceId: string;
  /** The service's rules as the engine is to apply them. */
  rules: ServiceRules;
  /** The resources to consult, in the order the engine prefers them. */
  resourceIds: string[];
  durationMinutes: number;
  /** The starts asked about: those in [from, to) of a range, or the one start `from` (to = from). */
  from: number;
  to: number;
  /** The resource rows as the caller read them already (locked in its transaction); else read here. */
  resources?: Resource[];
}

/** The database's part of the engine's input: the same rows for a list of slots and for one start. */
export interface EngineRows {
  /** The resource rows in the order asked. */
  rows: Resource[];
  resources: ResourceSchedule[];
  service: ServiceRules;
  durationMinutes: number;
  busy: BusyInterval[];
  groupSeats: GroupSeatsTaken[];
  /** What a booking at these starts may occupy: from the first start's buffer before to the last end's buffer after. */
  occupied: { from: Date; to: Date };
}

/**
 * Reads what the availability engine decides on: the resources' schedules, every active allocation
 * that a booking starting in the range could touch with its buffers, and the seats taken in the
 * service's group slots (group appointments only). Availability lists slots on these rows and a
 * hold checks its start on them, so a slot shown is a slot that can be held.
 */
export async function loadEngineRows(db: Kysely<Database> | Transaction<Database>, wanted: EngineRowsWanted): Promise<EngineRows> {
  const { rules, resourceIds, durationMinutes } = wanted;
  const found = wanted.resources?.filter((resource) => resource.organization_id === wanted.organizationId)
    ?? await findResources(db, wanted.organizationId, resourceIds);
  const rows = resourceIds.map((id) => found.find((resource) => resource.id === id)!);
  const occupied = {
    from: new Date(wanted.from - rules.bufferBeforeMinutes * MINUTE_MS),
    to: new Date(wanted.to + (durationMinutes + rules.bufferAfterMinutes) * MINUTE_MS),
  };
  const [busy, groupSeats] = await Promise.all([
    findOccupiedRanges(db, resourceIds, occupied.from, occupied.to),
    rules.seatsPerSlot > 1
      ? findGroupSeatsTaken(db, wanted.serviceId, resourceIds, new Date(wanted.from), new Date(Math.max(wanted.to, wanted.from + 1)))
      : Promise.resolve([]),
  ]);
  return { rows, resources: rows.map(toResourceSchedule), service: rules, durationMinutes, busy, groupSeats, occupied };
}
