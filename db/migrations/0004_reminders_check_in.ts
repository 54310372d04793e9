import { sql, type Kysely } from 'kysely';

// Frozen in time: this migration imports nothing from the app and takes Kysely<any>.
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema.alterTable('services')
    .addColumn('reminder_offsets_seconds', sql`integer[]`, (col) => col.notNull().defaultTo(sql`'{}'::integer[]`))
    .execute();

  await db.schema.alterTable('bookings')
    .addColumn('checked_in', 'boolean')
    .addColumn('check_in_reason', 'text')
    .addColumn('callback_url', 'text')
    .addColumn('callback_secret', 'text')
    .execute();

  // The outbox of messages to customers; e-mail is one channel that drains it.
  await db.schema
    .createTable('notifications')
    .addColumn('id', 'uuid', (col) => col.primaryKey().defaultTo(sql`gen_random_uuid()`))
    .addColumn('organization_id', 'uuid', (col) => col.notNull().references('organizations.id'))
    .addColumn('booking_id', 'uuid', (col) => col.notNull().references('bookings.id'))
    .addColumn('kind', 'text', (col) => col.notNull())
    // One notification per booking and reason, however often the activity is retried.
    .addColumn('dedupe_key', 'text', (col) => col.notNull().unique())
    .addColumn('channel', 'text', (col) => col.notNull())
    .addColumn('recipient', 'text')
    .addColumn('subject', 'text', (col) => col.notNull())
    .addColumn('body', 'text', (col) => col.notNull())
    .addColumn('status', 'text', (col) => col.notNull())
    .addColumn('error', 'text')
    .addColumn('created_at', 'timestamptz', (col) => col.notNull().defaultTo(sql`now()`))
    .addColumn('sent_at', 'timestamptz')
    .execute();
  await db.schema.createIndex('notifications_booking_idx').on('notifications').columns(['booking_id', 'created_at']).execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropTable('notifications').execute();
  await db.schema.alterTable('bookings')
    .dropColumn('checked_in').dropColumn('check_in_reason').dropColumn('callback_url').dropColumn('callback_secret')
    .execute();
  await db.schema.alterTable('services').dropColumn('reminder_offsets_seconds').execute();
}
