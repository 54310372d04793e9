import { sql, type Kysely } from 'kysely';

/**
 * Each resource's synced busy time, coalesced and cut into 30-day periods, as the text the engine
 * reads: `start,end,start,end…` ascending, in seconds from the period's start (calendars count in
 * whole seconds; fractions are rounded outwards), which is half the text of epoch milliseconds to
 * send and read. A range that spans periods is in each of them. Formatting every range on every
 * availability query (unnest of a multirange, date_part and string_agg per range) was most of what
 * a busy host's calendar cost the query; written once per sync, the query reads a few rows per
 * resource and formats nothing. The periods let a hold, which asks about one start, read a month
 * of a host's busy time rather than years.
 */
// Frozen in time: this migration imports nothing from the app and takes Kysely<any>.
const PERIOD_SECONDS = 30 * 24 * 60 * 60;

export async function up(db: Kysely<any>): Promise<void> {
  await db.schema.dropTable('external_busy_time').execute();
  await db.schema.createTable('external_busy_time')
    .addColumn('resource_id', 'uuid', (col) => col.notNull().references('resources.id').onDelete('cascade'))
    .addColumn('period', 'int8', (col) => col.notNull())
    .addColumn('bounds', 'text', (col) => col.notNull())
    .addPrimaryKeyConstraint('external_busy_time_pkey', ['resource_id', 'period'])
    .execute();
  await sql`insert into external_busy_time (resource_id, period, bounds)
    select resource_id, period, string_agg((lo - period * ${sql.lit(PERIOD_SECONDS)}) || ',' || (hi - period * ${sql.lit(PERIOD_SECONDS)}), ',' order by lo)
    from (
      select resource_id, floor(date_part('epoch', lower(r)))::int8 as lo, ceil(date_part('epoch', upper(r)))::int8 as hi
      from (select resource_id, range_agg(during) as busy from external_busy_intervals group by resource_id) per_resource,
        unnest(busy) as r
    ) ranges,
      generate_series(floor(lo / ${sql.lit(PERIOD_SECONDS)}::float8)::int8, floor((hi - 1) / ${sql.lit(PERIOD_SECONDS)}::float8)::int8) as period
    group by resource_id, period`.execute(db);
}

/** Back to one multirange per resource, from the occurrences (which this migration leaves alone). */
export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropTable('external_busy_time').execute();
  await db.schema.createTable('external_busy_time')
    .addColumn('resource_id', 'uuid', (col) => col.primaryKey().references('resources.id').onDelete('cascade'))
    .addColumn('busy', sql`tstzmultirange`, (col) => col.notNull())
    .execute();
  await sql`insert into external_busy_time (resource_id, busy)
    select resource_id, range_agg(during) from external_busy_intervals group by resource_id`.execute(db);
}
