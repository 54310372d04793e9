import { sql, type Kysely } from 'kysely';

/**
 * The language a booking was made in (its e-mails follow it; null = the default, English), and
 * each outbox row's rendered message sealed with its booking's personal-data key, so a mail
 * queued while e-mail was off can be sent later, resent by an operator, and is unreadable once
 * the booking is anonymized (its key is erased).
 */
// Frozen in time: this migration imports nothing from the app and takes Kysely<any>.
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema.alterTable('bookings').addColumn('locale', 'text').execute();
  await db.schema.alterTable('notifications').addColumn('sealed_message', 'text').execute();
  // The worker's drain at start looks for what waited in the outbox, newest first.
  await db.schema.createIndex('notifications_outbox_queued_idx').on('notifications').column('created_at')
    .where(sql.ref('channel'), '=', 'outbox').where(sql.ref('status'), '=', 'queued').execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropIndex('notifications_outbox_queued_idx').execute();
  await db.schema.alterTable('notifications').dropColumn('sealed_message').execute();
  await db.schema.alterTable('bookings').dropColumn('locale').execute();
}
