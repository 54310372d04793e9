import { sql, type Kysely } from 'kysely';

/**
 * The delivery log of bookings' own callbacks (`callback_url`): one row per attempt, like
 * webhook_deliveries but named by the booking instead of a subscription. The event posted is the
 * outbox row the transition wrote.
 */
// Frozen in time: this migration imports nothing from the app and takes Kysely<any>.
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable('booking_callback_deliveries')
    .addColumn('id', 'uuid', (col) => col.primaryKey().defaultTo(sql`gen_random_uuid()`))
    .addColumn('organization_id', 'uuid', (col) => col.notNull().references('organizations.id'))
    .addColumn('booking_id', 'uuid', (col) => col.notNull().references('bookings.id'))
    .addColumn('event_id', 'text', (col) => col.notNull().references('webhook_events.id'))
    .addColumn('url', 'text', (col) => col.notNull())
    .addColumn('attempt', 'integer', (col) => col.notNull())
    .addColumn('status_code', 'integer')
    .addColumn('duration_ms', 'integer', (col) => col.notNull())
    .addColumn('error', 'text')
    .addColumn('delivered', 'boolean', (col) => col.notNull())
    .addColumn('created_at', 'timestamptz', (col) => col.notNull().defaultTo(sql`date_trunc('milliseconds', now())`))
    // Temporal numbers the attempts: an activity that crashed after logging logs its attempt once.
    .addUniqueConstraint('booking_callback_deliveries_attempt_unique', ['event_id', 'attempt'])
    .execute();
  await db.schema.createIndex('booking_callback_deliveries_booking_idx').on('booking_callback_deliveries')
    .columns(['booking_id', 'created_at', 'id']).execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropTable('booking_callback_deliveries').execute();
}
