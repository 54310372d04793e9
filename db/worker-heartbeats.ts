import { sql, type Kysely } from 'kysely';
import type { Database } from './schema';

/** How often a worker says it is alive; /readyz calls it gone after WORKER_SILENCE_SECONDS. */
export const HEARTBEAT_INTERVAL_MS = 2000;
export const WORKER_SILENCE_SECONDS = 6;

/** The database's clock decides, so the worker's and the API's clocks need not agree. */
export async function recordHeartbeat(db: Kysely<Database>, workerId: string, taskQueue: string): Promise<void> {
  await db.insertInto('worker_heartbeats').values({ worker_id: workerId, task_queue: taskQueue })
    .onConflict((oc) => oc.column('worker_id').doUpdateSet({ beat_at: sql`now()` }))
    .execute();
}

export async function removeHeartbeat(db: Kysely<Database>, workerId: string): Promise<void> {
  await db.deleteFrom('worker_heartbeats').where('worker_id', '=', workerId).execute();
}

/** Seconds since the task queue's most recent heartbeat, or null if no worker ever beat on it. */
export async function secondsSinceLastHeartbeat(db: Kysely<Database>, taskQueue: string): Promise<number | null> {
  const row = await db.selectFrom('worker_heartbeats')
    .select(sql<number>`extract(epoch from now() - max(beat_at))::float8`.as('age'))
    .where('task_queue', '=', taskQueue)
    .executeTakeFirst();
  return row?.age ?? null;
}

/** Rows of workers gone for long are of no use to anyone. */
export async function forgetOldHeartbeats(db: Kysely<Database>): Promise<void> {
  await db.deleteFrom('worker_heartbeats').where('beat_at', '<', sql<Date>`now() - interval '1 day'`).execute();
}
