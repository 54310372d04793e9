import { sql, type Kysely } from 'kysely';

/**
 * One row per credential (the hash of its Authorization header) counting its requests in the
 * current window, shared by every API replica. UNLOGGED: a counter lost in a crash costs a caller at
 * most one window's extra requests, and writing it costs no WAL.
 */
// Frozen in time: this migration imports nothing from the app and takes Kysely<any>.
export async function up(db: Kysely<any>): Promise<void> {
  await sql`
    CREATE UNLOGGED TABLE rate_limit_counters (
      credential_hash text PRIMARY KEY,
      window_start timestamptz NOT NULL DEFAULT now(),
      used integer NOT NULL DEFAULT 1
    )
  `.execute(db);
  await db.schema.createIndex('rate_limit_counters_window_idx').on('rate_limit_counters').column('window_start').execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropTable('rate_limit_counters').execute();
}
