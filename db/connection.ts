import { Kysely, PostgresDialect } from 'kysely';
import pg from 'pg';
import type { Database } from './schema';

// DATE columns are local calendar dates (schedule validity); keep them as 'YYYY-MM-DD' strings
// instead of letting pg turn them into midnights in the host's zone.
pg.types.setTypeParser(pg.types.builtins.DATE, (value) => value);

export function createDb(databaseUrl: string, maxConnections = 20): Kysely<Database> {
  // Deadlines: no statement runs without end, and a database that cannot be reached (or a pool
  // that has no connection free) is known within 2 s, so the API answers 503 rather than hang.
  const pool = new pg.Pool({
    connectionString: databaseUrl, max: maxConnections, statement_timeout: 30_000, connectionTimeoutMillis: 2000,
  });
  // An idle connection dropped by a database restart must not take the process down with it;
  // the pool opens a new one for the next query.
  pool.on('error', (error) => console.warn(`idle database connection lost: ${error.message}`));
  // So is a connection dropped while checked out between two queries: without a listener its
  // 'error' event would crash the process; the query in flight still fails with the error.
  pool.on('connect', (client) => client.on('error', () => undefined));
  return new Kysely<Database>({ dialect: new PostgresDialect({ pool }) });
}

/** CREATE DATABASE is not transactional and has no IF NOT EXISTS, hence the lookup first. */
export async function ensureDatabase(serverUrl: string, name: string): Promise<string> {
  if (!/^[a-z_][a-z0-9_]*$/.test(name)) throw new Error(`invalid database name ${name}`);
  const client = new pg.Client({ connectionString: serverUrl });
  await client.connect();
  try {
    const existing = await client.query('SELECT 1 FROM pg_database WHERE datname = $1', [name]);
    if (existing.rowCount === 0) {
      try {
        await client.query(`CREATE DATABASE ${name}`);
      } catch (error) {
        if ((error as { code?: string }).code !== '42P04') throw error; // created concurrently
      }
    }
  } finally {
    await client.end();
  }
  const url = new URL(serverUrl);
  url.pathname = `/${name}`;
  return url.toString();
}
