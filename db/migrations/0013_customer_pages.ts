import { sql, type Kysely } from 'kysely';

// Frozen in time: this migration imports nothing from the app and takes Kysely<any>.
export async function up(db: Kysely<any>): Promise<void> {
  // Branding of the public pages and e-mails.
  await db.schema.alterTable('organizations').addColumn('logo_url', 'text').execute();

  await db.schema.alterTable('services')
    .addColumn('public', 'boolean', (col) => col.notNull().defaultTo(false))
    // The page's address, /book/<slug>: no organization in it, so unique across all of them.
    .addColumn('slug', 'text', (col) => col.unique())
    .addColumn('description', 'text')
    .addColumn('location', 'text')
    .addColumn('meeting_url', 'text')
    .addColumn('booking_fields', 'jsonb', (col) => col.notNull().defaultTo(sql`'[]'::jsonb`))
    .addColumn('primary_color', 'text')
    .addColumn('secondary_color', 'text')
    .execute();

  // The host's address for new-booking and cancellation notices.
  await db.schema.alterTable('resources').addColumn('email', 'text').execute();

  await db.schema.alterTable('bookings')
    .addColumn('customer_timezone', 'text')
    .addColumn('booking_fields', 'jsonb', (col) => col.notNull().defaultTo(sql`'{}'::jsonb`))
    .execute();

  await db.schema.alterTable('notifications')
    .addColumn('html', 'text')
    .addColumn('ics', 'text')
    .addColumn('message_id', 'text')
    .execute();
  // "sent" used to be written for reminders that only reached the outbox: they were never sent.
  await db.updateTable('notifications').set({ status: 'queued' }).where('channel', '=', 'outbox').execute();
  await db.updateTable('notifications').set({ status: 'queued' }).where('status', '=', 'pending').execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.updateTable('notifications').set({ status: 'pending' }).where('status', '=', 'queued').execute();
  await db.schema.alterTable('notifications').dropColumn('html').dropColumn('ics').dropColumn('message_id').execute();
  await db.schema.alterTable('bookings').dropColumn('customer_timezone').dropColumn('booking_fields').execute();
  await db.schema.alterTable('resources').dropColumn('email').execute();
  await db.schema.alterTable('services')
    .dropColumn('public').dropColumn('slug').dropColumn('description').dropColumn('location').dropColumn('meeting_url')
    .dropColumn('booking_fields').dropColumn('primary_color').dropColumn('secondary_color')
    .execute();
  await db.schema.alterTable('organizations').dropColumn('logo_url').execute();
}
