import { sql, type Kysely, type Transaction } from 'kysely';
import type { CalendarBookingEvent, CalendarConnection, Database } from './schema';

type Db = Kysely<Database> | Transaction<Database>;

function writeBackConnections(db: Db, bookingId: string, resourceIds: string[]) {
  return db.selectFrom('calendar_connections')
    .where('type', '=', 'caldav')
    .where((eb) => eb.or([
      eb.and([
        ...(resourceIds.length > 0 ? [eb('resource_id', 'in', resourceIds)] : [sql<boolean>`false`]),
        sql<boolean>`calendars @> '[{"receives": true}]'::jsonb`,
      ]),
      eb('id', 'in', eb.selectFrom('calendar_booking_events').select('connection_id').where('booking_id', '=', bookingId)),
    ]));
}

/**
 * The CalDAV connections a booking's event belongs in or was written to: those of its resources
 * whose calendars include a receiving one, and those already holding an event of it (a booking
 * moved to another resource leaves one behind to delete).
 */
export async function findWriteBackConnections(db: Db, bookingId: string, resourceIds: string[]): Promise<CalendarConnection[]> {
  return writeBackConnections(db, bookingId, resourceIds).selectAll().orderBy('id').execute();
}

/** Whether the booking has any write-back connection (as `findWriteBackConnections` finds them). */
export async function hasWriteBackConnection(db: Db, bookingId: string, resourceIds: string[]): Promise<boolean> {
  return Boolean(await writeBackConnections(db, bookingId, resourceIds).select('id').limit(1).executeTakeFirst());
}

/**
 * The booking's row for this connection, created if missing and locked: writes of one booking to
 * one calendar happen one at a time, in the order their transactions get the lock.
 */
export async function lockCalendarBookingEvent(
  trx: Transaction<Database>, bookingId: string, connectionId: string, calendarUrl: string,
): Promise<CalendarBookingEvent> {
  await trx.insertInto('calendar_booking_events')
    .values({ booking_id: bookingId, connection_id: connectionId, calendar_url: calendarUrl })
    .onConflict((oc) => oc.columns(['booking_id', 'connection_id']).doNothing())
    .execute();
  return trx.selectFrom('calendar_booking_events').selectAll()
    .where('booking_id', '=', bookingId).where('connection_id', '=', connectionId)
    .forUpdate().executeTakeFirstOrThrow();
}

export async function recordCalendarBookingEvent(
  trx: Transaction<Database>, bookingId: string, connectionId: string,
  change: { calendarUrl: string; href: string | null; etag: string | null; sequence: number; writtenVersion: Date | null; state: 'written' | 'deleted' },
  now: Date,
): Promise<void> {
  await trx.updateTable('calendar_booking_events').set({
    calendar_url: change.calendarUrl, href: change.href, etag: change.etag, sequence: change.sequence,
    written_version: change.writtenVersion, state: change.state, updated_at: now,
  }).where('booking_id', '=', bookingId).where('connection_id', '=', connectionId).execute();
}

export function listCalendarBookingEvents(db: Db, bookingId: string): Promise<CalendarBookingEvent[]> {
  return db.selectFrom('calendar_booking_events').selectAll().where('booking_id', '=', bookingId).orderBy('connection_id').execute();
}
