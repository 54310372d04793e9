import { sql, type Kysely } from 'kysely';

/**
 * Personal data that can be erased: one encryption key per booking for the
 * personal fields in Temporal payloads (anonymizing deletes it: crypto-shredding), the moment a
 * booking was anonymized, and how long an organization keeps ended bookings' personal data.
 */
// Frozen in time: this migration imports nothing from the app and takes Kysely<any>.
export async function up(db: Kysely<any>): Promise<void> {
  // No foreign key to bookings: a workflow's input is encrypted before its booking row exists
  // (the hold is placed by the workflow's first activity), and a refused hold leaves no row.
  await db.schema.createTable('booking_personal_keys')
    .addColumn('booking_id', 'uuid', (col) => col.primaryKey())
    // AES-256 key; null once erased (the row stays as a tombstone, so no new key is ever made for it).
    .addColumn('key', 'bytea')
    .addColumn('created_at', 'timestamptz', (col) => col.notNull().defaultTo(sql`now()`))
    .addColumn('erased_at', 'timestamptz')
    .execute();
  await db.schema.alterTable('bookings').addColumn('anonymized_at', 'timestamptz').execute();
  // null = keep forever; else ended bookings older than this many days are anonymized.
  await db.schema.alterTable('organizations').addColumn('retention_days', 'integer').execute();
  // The retention sweep looks for ended, not yet anonymized bookings by end time.
  await db.schema.createIndex('bookings_retention_idx').on('bookings').columns(['organization_id', 'end_at'])
    .where(sql.ref('anonymized_at'), 'is', null).execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropIndex('bookings_retention_idx').execute();
  await db.schema.alterTable('organizations').dropColumn('retention_days').execute();
  await db.schema.alterTable('bookings').dropColumn('anonymized_at').execute();
  await db.schema.dropTable('booking_personal_keys').execute();
}
