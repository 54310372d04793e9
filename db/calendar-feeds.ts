import { sql, type Kysely, type Transaction } from 'kysely';
import { TAKES_PLACE_STATUSES } from '../domain/booking-status';
import type { Booking, Database, Resource } from './schema';

type Db = Kysely<Database> | Transaction<Database>;

export type CalendarBooking = Booking & { service_name: string };

export function findCalendarBooking(db: Db, organizationId: string, bookingId: string): Promise<CalendarBooking | undefined> {
  return db.selectFrom('bookings').innerJoin('services', 'services.id', 'bookings.service_id')
    .selectAll('bookings').select('services.name as service_name')
    .where('bookings.organization_id', '=', organizationId).where('bookings.id', '=', bookingId)
    .executeTakeFirst();
}

/** One resource's taking-place bookings that end after `since`, in start order. */
export function listResourceCalendarBookings(
  db: Db, organizationId: string, resourceId: string, since: Date,
): Promise<CalendarBooking[]> {
  return db.selectFrom('bookings').innerJoin('services', 'services.id', 'bookings.service_id')
    .selectAll('bookings').select('services.name as service_name')
    .where('bookings.organization_id', '=', organizationId)
    .where(sql<boolean>`bookings.resource_ids @> ARRAY[${resourceId}]::uuid[]`)
    .where('bookings.status', 'in', TAKES_PLACE_STATUSES)
    .where('bookings.end_at', '>', since)
    .orderBy('bookings.start_at').orderBy('bookings.id')
    .execute();
}

/** For a signed feed URL, which names the resource but no organization: the resource's row says which. */
export function findFeedResource(db: Db, resourceId: string): Promise<Resource | undefined> {
  return db.selectFrom('resources').selectAll().where('id', '=', resourceId).executeTakeFirst();
}
