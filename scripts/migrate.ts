import { loadConfig } from '../config';
import { createDb } from '../db/connection';
import { migrateToLatest } from '../db/migrate';
import { ensureSearchAttributes } from './stack/search-attributes';

/**
 * One-shot set-up for an existing PostgreSQL and Temporal (docker compose, production): runs the
 * migrations and registers the bookings' search attributes.
 */
async function main() {
  const config = loadConfig();
  if (!config.databaseUrl) throw new Error('DATABASE_URL is required');
  const db = createDb(config.databaseUrl, 1);
  try {
    await migrateToLatest(db);
    console.log('database migrated');
  } finally {
    await db.destroy();
  }
  if (config.temporalAddress) {
    await ensureSearchAttributes(config.temporalAddress, config.temporalNamespace);
    console.log('search attributes registered');
  }
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
