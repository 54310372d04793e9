import { sql, type Kysely } from 'kysely';

/**
 * Webhooks as an outbox: a booking transition writes its event row in the same transaction as the
 * transition, so an event exists exactly when the transition happened; a delivery workflow then
 * posts it to every subscription that wants it and logs each attempt.
 *
 * Times are truncated to milliseconds: list cursors carry JavaScript dates, and a microsecond
 * left in the row would make a page boundary skip or repeat rows.
 */
// Frozen in time: this migration imports nothing from the app and takes Kysely<any>.
export async function up(db: Kysely<any>): Promise<void> {
  const nowInMilliseconds = sql`date_trunc('milliseconds', now())`;

  await db.schema
    .createTable('webhook_subscriptions')
    .addColumn('id', 'uuid', (col) => col.primaryKey().defaultTo(sql`gen_random_uuid()`))
    .addColumn('organization_id', 'uuid', (col) => col.notNull().references('organizations.id'))
    .addColumn('url', 'text', (col) => col.notNull())
    // '*' stands for every event type, including ones added later.
    .addColumn('event_types', sql`text[]`, (col) => col.notNull())
    .addColumn('secret', 'text', (col) => col.notNull())
    .addColumn('enabled', 'boolean', (col) => col.notNull().defaultTo(true))
    .addColumn('disabled_reason', 'text')
    .addColumn('created_at', 'timestamptz', (col) => col.notNull().defaultTo(nowInMilliseconds))
    .addColumn('updated_at', 'timestamptz', (col) => col.notNull().defaultTo(nowInMilliseconds))
    .addCheckConstraint('webhook_subscriptions_some_event_type', sql`cardinality(event_types) > 0`)
    .execute();
  await db.schema.createIndex('webhook_subscriptions_org_idx').on('webhook_subscriptions')
    .columns(['organization_id', 'created_at', 'id']).execute();

  await db.schema
    .createTable('webhook_events')
    // `<booking id>:<step>`: the transition's own step, so a retried transition writes its event once.
    .addColumn('id', 'text', (col) => col.primaryKey())
    .addColumn('organization_id', 'uuid', (col) => col.notNull().references('organizations.id'))
    .addColumn('booking_id', 'uuid', (col) => col.notNull().references('bookings.id'))
    .addColumn('type', 'text', (col) => col.notNull())
    .addColumn('payload', 'jsonb', (col) => col.notNull())
    .addColumn('occurred_at', 'timestamptz', (col) => col.notNull())
    .execute();
  await db.schema.createIndex('webhook_events_booking_idx').on('webhook_events').columns(['booking_id']).execute();

  await db.schema
    .createTable('webhook_deliveries')
    .addColumn('id', 'uuid', (col) => col.primaryKey().defaultTo(sql`gen_random_uuid()`))
    // A deleted subscription takes its log with it: nobody can read it any more.
    .addColumn('subscription_id', 'uuid', (col) => col.notNull().references('webhook_subscriptions.id').onDelete('cascade'))
    .addColumn('event_id', 'text', (col) => col.notNull().references('webhook_events.id'))
    .addColumn('attempt', 'integer', (col) => col.notNull())
    .addColumn('status_code', 'integer')
    .addColumn('duration_ms', 'integer', (col) => col.notNull())
    .addColumn('error', 'text')
    .addColumn('delivered', 'boolean', (col) => col.notNull())
    .addColumn('created_at', 'timestamptz', (col) => col.notNull().defaultTo(nowInMilliseconds))
    // Temporal numbers the attempts: an activity that crashed after logging logs its attempt once.
    .addUniqueConstraint('webhook_deliveries_attempt_unique', ['subscription_id', 'event_id', 'attempt'])
    .execute();
  await db.schema.createIndex('webhook_deliveries_subscription_idx').on('webhook_deliveries')
    .columns(['subscription_id', 'created_at', 'id']).execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  for (const table of ['webhook_deliveries', 'webhook_events', 'webhook_subscriptions']) {
    await db.schema.dropTable(table).execute();
  }
}
