import { sql, type Kysely } from 'kysely';

/**
 * The event each confirmed booking has in a host's receiving calendar: where it was written and
 * the ETag the server gave, so a reschedule replaces that object (If-Match) and a cancellation
 * removes it, and a retried write finds what the first attempt did.
 */
// Frozen in time: this migration imports nothing from the app and takes Kysely<any>.
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema.createTable('calendar_booking_events')
    .addColumn('booking_id', 'uuid', (col) => col.notNull().references('bookings.id').onDelete('cascade'))
    .addColumn('connection_id', 'uuid', (col) => col.notNull().references('calendar_connections.id').onDelete('cascade'))
    .addColumn('calendar_url', 'text', (col) => col.notNull())
    .addColumn('href', 'text')
    .addColumn('etag', 'text')
    // RFC 5545 SEQUENCE of the last version written; each rewrite raises it.
    .addColumn('sequence', 'integer', (col) => col.notNull().defaultTo(0))
    // The booking's updated_at the server's copy was written from; null once it is deleted (or before the first write).
    .addColumn('written_version', 'timestamptz')
    .addColumn('state', 'text', (col) => col.notNull().defaultTo('pending').check(sql`state in ('pending', 'written', 'deleted')`))
    .addColumn('updated_at', 'timestamptz', (col) => col.notNull().defaultTo(sql`now()`))
    .addPrimaryKeyConstraint('calendar_booking_events_pkey', ['booking_id', 'connection_id'])
    .execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropTable('calendar_booking_events').execute();
}
