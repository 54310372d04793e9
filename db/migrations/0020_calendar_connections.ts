import { sql, type Kysely } from 'kysely';

/**
 * Hosts' own calendars: a connection per calendar server or feed (its credentials sealed, their
 * key kept apart so deleting it shreds them), and the busy time its sync read, by resource and
 * range, which the availability engine counts like allocations.
 */
// Frozen in time: this migration imports nothing from the app and takes Kysely<any>.
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema.createTable('calendar_connections')
    .addColumn('id', 'uuid', (col) => col.primaryKey().defaultTo(sql`gen_random_uuid()`))
    .addColumn('organization_id', 'uuid', (col) => col.notNull().references('organizations.id').onDelete('cascade'))
    .addColumn('resource_id', 'uuid', (col) => col.notNull().references('resources.id').onDelete('cascade'))
    .addColumn('type', 'text', (col) => col.notNull().check(sql`type in ('caldav', 'ics')`))
    .addColumn('url', 'text', (col) => col.notNull())
    // AES-256-GCM of the credentials' JSON under the key in calendar_credential_keys; null: none.
    .addColumn('credentials_sealed', 'bytea')
    // [{ url, display_name, blocks, receives }]: the calendars found, which block, at most one receives.
    .addColumn('calendars', 'jsonb', (col) => col.notNull().defaultTo(sql`'[]'::jsonb`))
    .addColumn('poll_interval_seconds', 'integer', (col) => col.notNull().defaultTo(60).check(sql`poll_interval_seconds between 15 and 86400`))
    .addColumn('include_tentative', 'boolean', (col) => col.notNull().defaultTo(true))
    .addColumn('state', 'text', (col) => col.notNull().defaultTo('pending').check(sql`state in ('pending', 'ok', 'failing', 'auth_failed')`))
    .addColumn('last_synced_at', 'timestamptz')
    .addColumn('last_error', 'text')
    // Per calendar URL: the provider's opaque state for the next incremental fetch.
    .addColumn('sync_state', 'jsonb', (col) => col.notNull().defaultTo(sql`'{}'::jsonb`))
    .addColumn('created_at', 'timestamptz', (col) => col.notNull().defaultTo(sql`now()`))
    .addColumn('updated_at', 'timestamptz', (col) => col.notNull().defaultTo(sql`now()`))
    .execute();
  await db.schema.createIndex('calendar_connections_resource_idx').on('calendar_connections')
    .columns(['organization_id', 'resource_id']).execute();

  await db.schema.createTable('calendar_credential_keys')
    .addColumn('connection_id', 'uuid', (col) => col.primaryKey().references('calendar_connections.id').onDelete('cascade'))
    .addColumn('key', 'bytea', (col) => col.notNull())
    .execute();

  // One row per busy occurrence; an object's rows are replaced whole when it changes.
  await db.schema.createTable('external_busy_intervals')
    .addColumn('connection_id', 'uuid', (col) => col.notNull().references('calendar_connections.id').onDelete('cascade'))
    .addColumn('resource_id', 'uuid', (col) => col.notNull().references('resources.id').onDelete('cascade'))
    .addColumn('calendar_url', 'text', (col) => col.notNull())
    .addColumn('href', 'text', (col) => col.notNull())
    .addColumn('uid', 'text', (col) => col.notNull())
    .addColumn('etag', 'text')
    .addColumn('during', sql`tstzrange`, (col) => col.notNull())
    .execute();
  await sql`create extension if not exists btree_gist`.execute(db);
  await sql`create index external_busy_intervals_during_idx on external_busy_intervals using gist (resource_id, during)`.execute(db);
  await db.schema.createIndex('external_busy_intervals_object_idx').on('external_busy_intervals')
    .columns(['connection_id', 'calendar_url', 'href']).execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropTable('external_busy_intervals').execute();
  await db.schema.dropTable('calendar_credential_keys').execute();
  await db.schema.dropTable('calendar_connections').execute();
}
