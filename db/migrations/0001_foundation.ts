import { sql, type Kysely } from 'kysely';

// Frozen in time: this migration imports nothing from the app and takes Kysely<any>.
export async function up(db: Kysely<any>): Promise<void> {
  await sql`CREATE EXTENSION IF NOT EXISTS btree_gist`.execute(db);

  await db.schema
    .createTable('organizations')
    .addColumn('id', 'uuid', (col) => col.primaryKey().defaultTo(sql`gen_random_uuid()`))
    .addColumn('name', 'text', (col) => col.notNull())
    .addColumn('created_at', 'timestamptz', (col) => col.notNull().defaultTo(sql`now()`))
    .execute();

  await db.schema
    .createTable('api_keys')
    .addColumn('id', 'uuid', (col) => col.primaryKey().defaultTo(sql`gen_random_uuid()`))
    .addColumn('organization_id', 'uuid', (col) => col.notNull().references('organizations.id'))
    .addColumn('name', 'text', (col) => col.notNull())
    .addColumn('key_hash', 'text', (col) => col.notNull().unique())
    .addColumn('created_at', 'timestamptz', (col) => col.notNull().defaultTo(sql`now()`))
    .addColumn('revoked_at', 'timestamptz')
    .execute();

  await db.schema
    .createTable('resources')
    .addColumn('id', 'uuid', (col) => col.primaryKey().defaultTo(sql`gen_random_uuid()`))
    .addColumn('organization_id', 'uuid', (col) => col.notNull().references('organizations.id'))
    .addColumn('name', 'text', (col) => col.notNull())
    .addColumn('timezone', 'text', (col) => col.notNull())
    .addColumn('weekly_schedule', 'jsonb', (col) => col.notNull())
    .addColumn('date_overrides', 'jsonb', (col) => col.notNull().defaultTo(sql`'[]'::jsonb`))
    .addColumn('valid_from', 'date')
    .addColumn('valid_until', 'date')
    .addColumn('metadata', 'jsonb', (col) => col.notNull().defaultTo(sql`'{}'::jsonb`))
    .addColumn('created_at', 'timestamptz', (col) => col.notNull().defaultTo(sql`now()`))
    .addColumn('updated_at', 'timestamptz', (col) => col.notNull().defaultTo(sql`now()`))
    .execute();
  await db.schema.createIndex('resources_org_idx').on('resources').columns(['organization_id', 'created_at', 'id']).execute();

  await db.schema
    .createTable('services')
    .addColumn('id', 'uuid', (col) => col.primaryKey().defaultTo(sql`gen_random_uuid()`))
    .addColumn('organization_id', 'uuid', (col) => col.notNull().references('organizations.id'))
    .addColumn('name', 'text', (col) => col.notNull())
    .addColumn('durations_minutes', sql`integer[]`, (col) => col.notNull())
    .addColumn('slot_step_minutes', 'integer')
    .addColumn('buffer_before_minutes', 'integer', (col) => col.notNull().defaultTo(0))
    .addColumn('buffer_after_minutes', 'integer', (col) => col.notNull().defaultTo(0))
    .addColumn('min_notice_minutes', 'integer', (col) => col.notNull().defaultTo(0))
    .addColumn('horizon_days', 'integer')
    .addColumn('hold_ttl_seconds', 'integer', (col) => col.notNull())
    .addColumn('requires_approval', 'boolean', (col) => col.notNull().defaultTo(false))
    .addColumn('approval_ttl_seconds', 'integer', (col) => col.notNull())
    .addColumn('seats_per_slot', 'integer', (col) => col.notNull().defaultTo(1))
    .addColumn('resource_mode', 'text', (col) => col.notNull().check(sql`resource_mode IN ('one', 'all')`))
    .addColumn('metadata', 'jsonb', (col) => col.notNull().defaultTo(sql`'{}'::jsonb`))
    .addColumn('created_at', 'timestamptz', (col) => col.notNull().defaultTo(sql`now()`))
    .addColumn('updated_at', 'timestamptz', (col) => col.notNull().defaultTo(sql`now()`))
    .execute();
  await db.schema.createIndex('services_org_idx').on('services').columns(['organization_id', 'created_at', 'id']).execute();

  await db.schema
    .createTable('service_resources')
    .addColumn('service_id', 'uuid', (col) => col.notNull().references('services.id').onDelete('cascade'))
    .addColumn('resource_id', 'uuid', (col) => col.notNull().references('resources.id'))
    .addColumn('organization_id', 'uuid', (col) => col.notNull().references('organizations.id'))
    .addColumn('position', 'integer', (col) => col.notNull())
    .addPrimaryKeyConstraint('service_resources_pk', ['service_id', 'resource_id'])
    .execute();

  await db.schema
    .createTable('bookings')
    .addColumn('id', 'uuid', (col) => col.primaryKey())
    .addColumn('organization_id', 'uuid', (col) => col.notNull().references('organizations.id'))
    .addColumn('service_id', 'uuid', (col) => col.notNull().references('services.id'))
    .addColumn('status', 'text', (col) => col.notNull())
    .addColumn('start_at', 'timestamptz', (col) => col.notNull())
    .addColumn('end_at', 'timestamptz', (col) => col.notNull())
    .addColumn('timezone', 'text', (col) => col.notNull())
    .addColumn('resource_ids', sql`uuid[]`, (col) => col.notNull())
    .addColumn('spaces', 'integer', (col) => col.notNull().defaultTo(1))
    .addColumn('customer_name', 'text')
    .addColumn('customer_email', 'text')
    .addColumn('customer_phone', 'text')
    .addColumn('notes', 'text')
    .addColumn('metadata', 'jsonb', (col) => col.notNull().defaultTo(sql`'{}'::jsonb`))
    .addColumn('hold_expires_at', 'timestamptz')
    .addColumn('approval_expires_at', 'timestamptz')
    .addColumn('created_at', 'timestamptz', (col) => col.notNull().defaultTo(sql`now()`))
    .addColumn('updated_at', 'timestamptz', (col) => col.notNull().defaultTo(sql`now()`))
    .addCheckConstraint('bookings_time_order', sql`end_at > start_at`)
    .execute();
  await db.schema.createIndex('bookings_org_start_idx').on('bookings').columns(['organization_id', 'start_at', 'id']).execute();
  await db.schema.createIndex('bookings_org_status_idx').on('bookings').columns(['organization_id', 'status']).execute();
  await sql`CREATE INDEX bookings_resource_ids_idx ON bookings USING gin (resource_ids)`.execute(db);

  // The guarantee behind "impossible to double-book": overlapping active allocations of one
  // resource are rejected by the database itself, whatever the code above it does.
  await db.schema
    .createTable('allocations')
    .addColumn('booking_id', 'uuid', (col) => col.notNull().references('bookings.id'))
    .addColumn('resource_id', 'uuid', (col) => col.notNull().references('resources.id'))
    .addColumn('organization_id', 'uuid', (col) => col.notNull().references('organizations.id'))
    .addColumn('during', sql`tstzrange`, (col) => col.notNull())
    .addColumn('released_at', 'timestamptz')
    .addPrimaryKeyConstraint('allocations_pk', ['booking_id', 'resource_id'])
    .execute();
  await sql`ALTER TABLE allocations ADD CONSTRAINT allocations_no_overlap
    EXCLUDE USING gist (resource_id WITH =, during WITH &&) WHERE (released_at IS NULL)`.execute(db);

  await db.schema
    .createTable('booking_events')
    .addColumn('id', 'bigserial', (col) => col.primaryKey())
    .addColumn('organization_id', 'uuid', (col) => col.notNull().references('organizations.id'))
    .addColumn('booking_id', 'uuid', (col) => col.notNull().references('bookings.id'))
    .addColumn('step', 'text', (col) => col.notNull())
    .addColumn('from_status', 'text')
    .addColumn('to_status', 'text', (col) => col.notNull())
    .addColumn('actor', 'text', (col) => col.notNull())
    .addColumn('reason', 'text')
    .addColumn('created_at', 'timestamptz', (col) => col.notNull().defaultTo(sql`now()`))
    // A retried activity writes its transition once: the step names it within the booking.
    .addUniqueConstraint('booking_events_step_unique', ['booking_id', 'step'])
    .execute();

  await db.schema
    .createTable('idempotency_keys')
    .addColumn('organization_id', 'uuid', (col) => col.notNull().references('organizations.id'))
    .addColumn('key', 'text', (col) => col.notNull())
    .addColumn('route', 'text', (col) => col.notNull())
    .addColumn('request_hash', 'text', (col) => col.notNull())
    .addColumn('status_code', 'integer', (col) => col.notNull())
    .addColumn('response_body', 'jsonb', (col) => col.notNull())
    .addColumn('created_at', 'timestamptz', (col) => col.notNull().defaultTo(sql`now()`))
    .addPrimaryKeyConstraint('idempotency_keys_pk', ['organization_id', 'route', 'key'])
    .execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  for (const table of ['idempotency_keys', 'booking_events', 'allocations', 'bookings', 'service_resources',
    'services', 'resources', 'api_keys', 'organizations']) {
    await db.schema.dropTable(table).execute();
  }
}
