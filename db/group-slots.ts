import { sql, type Kysely, type Transaction } from 'kysely';
import type { GroupSeatsTaken } from '../scheduling';
import type { Database } from './schema';

type Db = Kysely<Database> | Transaction<Database>;

/**
 * Names one group appointment: the service and the exact buffered range it occupies. Bookings
 * that agree on all three share the slot; a booking of another duration (or after the buffers
 * changed) gets another key and so collides with the slot in the exclusion constraint.
 */
export function groupSlotKey(serviceId: string, occupiedFrom: Date, occupiedTo: Date): string {
  return `${serviceId}@${occupiedFrom.toISOString()}/${occupiedTo.toISOString()}`;
}

export interface GroupSeatClaim {
  organizationId: string;
  serviceId: string;
  resourceIds: string[];
  slotKey: string;
  start: Date;
  occupiedFrom: Date;
  occupiedTo: Date;
  seats: number;
  spaces: number;
}

/**
 * Adds the booking's spaces to each resource's seat counter of the slot, creating the slot on its
 * first booking. The CHECK on the counter refuses (23514) anything beyond the seats, so a race
 * that slipped past the resource lock still cannot overfill a slot.
 */
export async function takeGroupSeats(trx: Transaction<Database>, claim: GroupSeatClaim): Promise<void> {
  for (const resourceId of [...claim.resourceIds].sort()) {
    await trx.insertInto('group_slots').values({
      resource_id: resourceId,
      slot_key: claim.slotKey,
      organization_id: claim.organizationId,
      service_id: claim.serviceId,
      start_at: claim.start,
      during: sql<string>`tstzrange(${claim.occupiedFrom}, ${claim.occupiedTo}, '[)')`,
      seats: claim.seats,
      spaces_taken: claim.spaces,
    }).onConflict((conflict) => conflict.columns(['resource_id', 'slot_key']).doUpdateSet((eb) => ({
      spaces_taken: eb('group_slots.spaces_taken', '+', eb.ref('excluded.spaces_taken')),
      seats: eb.ref('excluded.seats'),
    }))).execute();
  }
}

/** Gives a leaving booking's spaces back to the slots its just-released allocations shared. */
export async function returnGroupSeats(
  trx: Transaction<Database>, spaces: number, released: { resource_id: string; slot_key: string }[],
): Promise<void> {
  for (const { resource_id: resourceId, slot_key: slotKey } of released) {
    await trx.updateTable('group_slots')
      .set((eb) => ({ spaces_taken: eb('spaces_taken', '-', spaces) }))
      .where('resource_id', '=', resourceId).where('slot_key', '=', slotKey)
      .execute();
  }
}

/** Seats taken in this service's group slots starting in [from, to), as the engine reads them. */
export async function findGroupSeatsTaken(
  db: Db, serviceId: string, resourceIds: string[], from: Date, to: Date,
): Promise<GroupSeatsTaken[]> {
  if (resourceIds.length === 0) return [];
  const rows = await db.selectFrom('group_slots')
    .select(['resource_id', 'start_at', 'spaces_taken'])
    .where('service_id', '=', serviceId)
    .where('resource_id', 'in', resourceIds)
    .where('start_at', '>=', from).where('start_at', '<', to)
    .where('spaces_taken', '>', 0)
    .execute();
  return rows.map((row) => ({ start: row.start_at.getTime(), resourceIds: [row.resource_id], spaces: row.spaces_taken }));
}
