import { sql, type Kysely } from 'kysely';

/**
 * One row per running worker process, touched every few seconds by the worker's own event loop:
 * /readyz reads it, so a worker that died or is pinned (its loop blocked) shows within seconds,
 * which Temporal's poller list (kept for minutes) does not.
 */
// Frozen in time: this migration imports nothing from the app and takes Kysely<any>.
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable('worker_heartbeats')
    .addColumn('worker_id', 'text', (col) => col.primaryKey())
    .addColumn('task_queue', 'text', (col) => col.notNull())
    .addColumn('started_at', 'timestamptz', (col) => col.notNull().defaultTo(sql`now()`))
    .addColumn('beat_at', 'timestamptz', (col) => col.notNull().defaultTo(sql`now()`))
    .execute();
  await db.schema.createIndex('worker_heartbeats_queue_idx').on('worker_heartbeats').columns(['task_queue', 'beat_at']).execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropTable('worker_heartbeats').execute();
}
