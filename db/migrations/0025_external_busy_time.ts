import { sql, type Kysely } from 'kysely';

/**
 * Each resource's synced busy time, coalesced into one multirange: what availability and holds
 * read. The per-occurrence rows stay the truth a sync replaces object by object; this is derived
 * from them in the same transaction, so a query reads a few hundred ranges per host, not every
 * occurrence of every overlapping event.
 */
// Frozen in time: this migration imports nothing from the app and takes Kysely<any>.
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema.createTable('external_busy_time')
    .addColumn('resource_id', 'uuid', (col) => col.primaryKey().references('resources.id').onDelete('cascade'))
    .addColumn('busy', sql`tstzmultirange`, (col) => col.notNull())
    .execute();
  await sql`insert into external_busy_time (resource_id, busy)
    select resource_id, range_agg(during) from external_busy_intervals group by resource_id`.execute(db);
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropTable('external_busy_time').execute();
}
