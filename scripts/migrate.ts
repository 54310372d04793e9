import { loadConfig } from '../config';
import { createDb } from '../db/connection';
import { migrateToLatest } from '../db/migrate';
import { ensureNamespace } from './stack/namespace';
import { ensureOrganizationKey } from './stack/organization-key';
import { ensureSearchAttributes } from './stack/search-attributes';

/**
 * One-shot set-up for an existing PostgreSQL and Temporal (docker compose, production): the
 * migrations, the first organization and its API key (BOOTSTRAP_ORG_NAME / BOOTSTRAP_API_KEY), the
 * Temporal namespace and the bookings' search attributes. Every step is idempotent, so it runs
 * before every deployment.
 */
async function main() {
  const config = loadConfig();
  if (!config.databaseUrl) throw new Error('DATABASE_URL is required');
  if (Boolean(config.bootstrapOrgName) !== Boolean(config.bootstrapApiKey)) {
    throw new Error('BOOTSTRAP_ORG_NAME and BOOTSTRAP_API_KEY are set together or not at all');
  }
  const db = createDb(config.databaseUrl, 1);
  try {
    await migrateToLatest(db);
    console.log('database migrated');
    if (config.bootstrapOrgName && config.bootstrapApiKey) {
      const organizationId = await ensureOrganizationKey(db, config.bootstrapOrgName, config.bootstrapApiKey, 'bootstrap');
      console.log(`organization "${config.bootstrapOrgName}" (${organizationId}) has the BOOTSTRAP_API_KEY`);
    }
  } finally {
    await db.destroy();
  }
  if (config.temporalAddress) {
    const namespace = await ensureNamespace(config.temporalAddress, config.temporalNamespace);
    console.log(`namespace "${config.temporalNamespace}" ${namespace}`);
    await registerSearchAttributes(config.temporalAddress, config.temporalNamespace);
    console.log('search attributes registered');
  }
}

/** A namespace registered a moment ago takes a few seconds to reach every part of the cluster. */
async function registerSearchAttributes(address: string, namespace: string) {
  const started = Date.now();
  for (;;) {
    try {
      return await ensureSearchAttributes(address, namespace);
    } catch (error) {
      if (Date.now() - started > 60_000) throw error;
      await new Promise((resolve) => setTimeout(resolve, 1000));
    }
  }
}

main().catch((error) => {
  console.error(error?.name === 'ConfigError' ? error.message : error);
  process.exit(1);
});
