import { sql, type Kysely } from 'kysely';

/**
 * Group appointments (seats per slot > 1): later customers join the same slot instead of being
 * refused by the no-overlap constraint.
 *
 * A group slot is one row per (resource, slot key); the key names the service and the exact
 * buffered range, so two bookings share a slot only when they occupy the very same time for the
 * same service. Each booking keeps its own allocation rows, which name their slot; the exclusion
 * constraint now refuses overlap only between allocations of *different* slots (a one-to-one
 * allocation has no slot and counts as its own, by booking id). The seat counter on the slot
 * carries a CHECK, so held + confirmed spaces can never exceed the seats, whatever the code does.
 */
// Frozen in time: this migration imports nothing from the app and takes Kysely<any>.
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable('group_slots')
    .addColumn('resource_id', 'uuid', (col) => col.notNull().references('resources.id'))
    .addColumn('slot_key', 'text', (col) => col.notNull())
    .addColumn('organization_id', 'uuid', (col) => col.notNull().references('organizations.id'))
    .addColumn('service_id', 'uuid', (col) => col.notNull().references('services.id'))
    .addColumn('start_at', 'timestamptz', (col) => col.notNull())
    .addColumn('during', sql`tstzrange`, (col) => col.notNull())
    .addColumn('seats', 'integer', (col) => col.notNull())
    .addColumn('spaces_taken', 'integer', (col) => col.notNull())
    .addPrimaryKeyConstraint('group_slots_pk', ['resource_id', 'slot_key'])
    .addCheckConstraint('group_slots_spaces_within_seats', sql`spaces_taken >= 0 AND spaces_taken <= seats`)
    .execute();
  await db.schema.createIndex('group_slots_service_start_idx').on('group_slots')
    .columns(['service_id', 'start_at']).execute();

  await db.schema.alterTable('allocations').addColumn('slot_key', 'text').execute();
  await sql`ALTER TABLE allocations ADD CONSTRAINT allocations_group_slot_fk
    FOREIGN KEY (resource_id, slot_key) REFERENCES group_slots (resource_id, slot_key)`.execute(db);
  await sql`ALTER TABLE allocations DROP CONSTRAINT allocations_no_overlap`.execute(db);
  await sql`ALTER TABLE allocations ADD CONSTRAINT allocations_no_overlap
    EXCLUDE USING gist (resource_id WITH =, during WITH &&, (coalesce(slot_key, booking_id::text)) WITH <>)
    WHERE (released_at IS NULL)`.execute(db);
}

export async function down(db: Kysely<any>): Promise<void> {
  await sql`ALTER TABLE allocations DROP CONSTRAINT allocations_no_overlap`.execute(db);
  await sql`ALTER TABLE allocations DROP CONSTRAINT allocations_group_slot_fk`.execute(db);
  await db.schema.alterTable('allocations').dropColumn('slot_key').execute();
  await db.schema.dropTable('group_slots').execute();
  await sql`ALTER TABLE allocations ADD CONSTRAINT allocations_no_overlap
    EXCLUDE USING gist (resource_id WITH =, during WITH &&) WHERE (released_at IS NULL)`.execute(db);
}
