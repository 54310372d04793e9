import { sql, type Kysely } from 'kysely';

/**
 * Group sessions: concrete occurrences with seats and a bounded waiting list.
 *
 * The seat and waiting-list counters live on the session row and carry CHECKs, so held + confirmed
 * seats can never exceed the capacity (invariant 2) whatever the code above does; lowering the
 * capacity below the seats taken is refused by the same CHECK.
 *
 * A session may occupy resources (a room, a trainer). Its occupancy is an allocation row like a
 * booking's, so the one exclusion constraint keeps sessions and appointments from overlapping on
 * a resource: an allocation now belongs to a booking or to a session.
 */
// Frozen in time: this migration imports nothing from the app and takes Kysely<any>.
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema.alterTable('services')
    .addColumn('promotion', 'text', (col) => col.notNull().defaultTo('offer').check(sql`promotion IN ('offer', 'auto_confirm')`))
    .addColumn('exclusive_customer', 'boolean', (col) => col.notNull().defaultTo(false))
    .execute();

  await db.schema
    .createTable('sessions')
    .addColumn('id', 'uuid', (col) => col.primaryKey().defaultTo(sql`gen_random_uuid()`))
    .addColumn('organization_id', 'uuid', (col) => col.notNull().references('organizations.id'))
    .addColumn('service_id', 'uuid', (col) => col.notNull().references('services.id'))
    // The occurrences created by one recurrence rule share a series id.
    .addColumn('series_id', 'uuid')
    .addColumn('start_at', 'timestamptz', (col) => col.notNull())
    .addColumn('end_at', 'timestamptz', (col) => col.notNull())
    .addColumn('timezone', 'text', (col) => col.notNull())
    .addColumn('capacity', 'integer', (col) => col.notNull())
    .addColumn('seats_taken', 'integer', (col) => col.notNull().defaultTo(0))
    .addColumn('waitlist_size', 'integer', (col) => col.notNull().defaultTo(0))
    .addColumn('waitlist_taken', 'integer', (col) => col.notNull().defaultTo(0))
    // Booking window relative to the start: opens this long before (null: as soon as it exists),
    // closes this long before (0: at the start).
    .addColumn('opens_before_seconds', 'integer')
    .addColumn('closes_before_seconds', 'integer', (col) => col.notNull().defaultTo(0))
    .addColumn('resource_ids', sql`uuid[]`, (col) => col.notNull().defaultTo(sql`'{}'::uuid[]`))
    .addColumn('status', 'text', (col) => col.notNull().defaultTo('scheduled').check(sql`status IN ('scheduled', 'cancelled')`))
    .addColumn('cancel_reason', 'text')
    .addColumn('metadata', 'jsonb', (col) => col.notNull().defaultTo(sql`'{}'::jsonb`))
    .addColumn('created_at', 'timestamptz', (col) => col.notNull().defaultTo(sql`now()`))
    .addColumn('updated_at', 'timestamptz', (col) => col.notNull().defaultTo(sql`now()`))
    .addCheckConstraint('sessions_time_order', sql`end_at > start_at`)
    .addCheckConstraint('sessions_seats_within_capacity', sql`seats_taken >= 0 AND seats_taken <= capacity`)
    .addCheckConstraint('sessions_waitlist_within_size', sql`waitlist_taken >= 0 AND waitlist_taken <= waitlist_size`)
    .execute();
  await db.schema.createIndex('sessions_org_start_idx').on('sessions').columns(['organization_id', 'start_at', 'id']).execute();
  await db.schema.createIndex('sessions_service_start_idx').on('sessions').columns(['service_id', 'start_at']).execute();

  await db.schema.alterTable('bookings')
    .addColumn('session_id', 'uuid', (col) => col.references('sessions.id'))
    // Place in the session's queue: set when the booking joins the waiting list, never reused.
    .addColumn('waitlist_seq', 'bigint')
    // The reservation asked that this customer hold no overlapping booking; checked again when the e-mail changes.
    .addColumn('exclusive_customer', 'boolean', (col) => col.notNull().defaultTo(false))
    .execute();
  await sql`CREATE SEQUENCE bookings_waitlist_seq`.execute(db);
  await sql`CREATE INDEX bookings_session_queue_idx ON bookings (session_id, waitlist_seq) WHERE status = 'waitlisted'`.execute(db);
  await db.schema.createIndex('bookings_session_idx').on('bookings').columns(['session_id', 'created_at']).execute();
  await db.schema.createIndex('bookings_customer_email_idx').on('bookings')
    .expression(sql`organization_id, lower(customer_email)`).execute();

  // Which freeing of seats promoted a waiting booking: a retried activity finds its promotions here.
  await db.schema
    .createTable('promotions')
    .addColumn('booking_id', 'uuid', (col) => col.primaryKey().references('bookings.id'))
    .addColumn('organization_id', 'uuid', (col) => col.notNull().references('organizations.id'))
    .addColumn('session_id', 'uuid', (col) => col.notNull().references('sessions.id'))
    .addColumn('cause', 'text', (col) => col.notNull())
    .addColumn('promoted_at', 'timestamptz', (col) => col.notNull().defaultTo(sql`now()`))
    .execute();
  await db.schema.createIndex('promotions_cause_idx').on('promotions').column('cause').execute();

  await sql`ALTER TABLE allocations ADD COLUMN session_id uuid REFERENCES sessions (id)`.execute(db);
  await sql`ALTER TABLE allocations DROP CONSTRAINT allocations_pk`.execute(db);
  await sql`ALTER TABLE allocations ALTER COLUMN booking_id DROP NOT NULL`.execute(db);
  await sql`ALTER TABLE allocations ADD CONSTRAINT allocations_one_owner CHECK ((booking_id IS NULL) <> (session_id IS NULL))`.execute(db);
  // Plain UNIQUE constraints (NULLs are distinct), so ON CONFLICT (booking_id, resource_id) still finds one.
  await sql`ALTER TABLE allocations ADD CONSTRAINT allocations_booking_resource UNIQUE (booking_id, resource_id)`.execute(db);
  await sql`ALTER TABLE allocations ADD CONSTRAINT allocations_session_resource UNIQUE (session_id, resource_id)`.execute(db);
  await sql`ALTER TABLE allocations DROP CONSTRAINT allocations_no_overlap`.execute(db);
  await sql`ALTER TABLE allocations ADD CONSTRAINT allocations_no_overlap
    EXCLUDE USING gist (resource_id WITH =, during WITH &&, (coalesce(slot_key, booking_id::text, session_id::text)) WITH <>)
    WHERE (released_at IS NULL)`.execute(db);
}

export async function down(db: Kysely<any>): Promise<void> {
  await sql`DELETE FROM allocations WHERE session_id IS NOT NULL`.execute(db);
  await sql`ALTER TABLE allocations DROP CONSTRAINT allocations_no_overlap`.execute(db);
  await sql`ALTER TABLE allocations ADD CONSTRAINT allocations_no_overlap
    EXCLUDE USING gist (resource_id WITH =, during WITH &&, (coalesce(slot_key, booking_id::text)) WITH <>)
    WHERE (released_at IS NULL)`.execute(db);
  await sql`ALTER TABLE allocations DROP CONSTRAINT allocations_session_resource`.execute(db);
  await sql`ALTER TABLE allocations DROP CONSTRAINT allocations_booking_resource`.execute(db);
  await sql`ALTER TABLE allocations DROP CONSTRAINT allocations_one_owner`.execute(db);
  await sql`ALTER TABLE allocations ALTER COLUMN booking_id SET NOT NULL`.execute(db);
  await sql`ALTER TABLE allocations ADD CONSTRAINT allocations_pk PRIMARY KEY (booking_id, resource_id)`.execute(db);
  await sql`ALTER TABLE allocations DROP COLUMN session_id`.execute(db);
  await db.schema.dropTable('promotions').execute();
  await db.schema.alterTable('bookings').dropColumn('session_id').dropColumn('waitlist_seq').dropColumn('exclusive_customer').execute();
  await sql`DROP SEQUENCE bookings_waitlist_seq`.execute(db);
  await db.schema.dropTable('sessions').execute();
  await db.schema.alterTable('services').dropColumn('promotion').dropColumn('exclusive_customer').execute();
}
