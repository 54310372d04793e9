import { sql, type Kysely } from 'kysely';
import type { Database } from './schema';

export interface CountedRequest {
  /** Requests of this credential in its window, this one included. */
  used: number;
  /** Seconds until the window ends (at least 1). */
  resetSeconds: number;
}

/**
 * Counts `requests` requests of a credential in one statement: its window starts with its first
 * request and lasts `windowSeconds`; a request after that starts the next. The database's clock
 * decides, so the replicas' clocks need not agree, and the row lock serializes concurrent counts of
 * one credential. `used` is the count after these requests.
 */
export async function countRequests(
  db: Kysely<Database>, credentialHash: string, windowSeconds: number, requests = 1,
): Promise<CountedRequest> {
  const expired = sql<boolean>`rate_limit_counters.window_start <= now() - make_interval(secs => ${windowSeconds})`;
  const row = await db.insertInto('rate_limit_counters')
    .values({ credential_hash: credentialHash, used: requests })
    .onConflict((oc) => oc.column('credential_hash').doUpdateSet({
      window_start: sql`CASE WHEN ${expired} THEN now() ELSE rate_limit_counters.window_start END`,
      used: sql`CASE WHEN ${expired} THEN ${requests}::int ELSE rate_limit_counters.used + ${requests}::int END`,
    }))
    .returning([
      'used',
      sql<number>`ceil(extract(epoch from window_start + make_interval(secs => ${windowSeconds}) - now()))::int`.as('reset_seconds'),
    ])
    .executeTakeFirstOrThrow();
  return { used: row.used, resetSeconds: Math.max(1, row.reset_seconds) };
}

/** Counters whose window ended long ago: a credential not seen since starts afresh anyway. */
export async function forgetIdleCounters(db: Kysely<Database>, windowSeconds: number): Promise<void> {
  await db.deleteFrom('rate_limit_counters')
    .where('window_start', '<', sql<Date>`now() - make_interval(secs => ${windowSeconds * 2})`)
    .execute();
}
