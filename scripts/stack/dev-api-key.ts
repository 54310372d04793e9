import fs from 'node:fs';
import path from 'node:path';
import type { Kysely } from 'kysely';
import { DEVELOPMENT_ORGANIZATION, findOrganizationByApiKey, generateApiKey } from '../../db/organizations';
import type { Database } from '../../db/schema';
import { ensureOrganizationKey } from './organization-key';

/**
 * DEV_API_KEY if given, else the key this data dir was given before, else a new one; in every case
 * it belongs to the development organization, so a restart finds the same bookings.
 */
export async function ensureDevApiKey(db: Kysely<Database>, dataDir: string, requested: string | null): Promise<string> {
  const keyFile = path.join(dataDir, 'dev-api-key');
  const remembered = fs.existsSync(keyFile) ? fs.readFileSync(keyFile, 'utf8').trim() : null;
  const key = requested ?? remembered ?? generateApiKey();
  if (!(await findOrganizationByApiKey(db, key))) await ensureOrganizationKey(db, DEVELOPMENT_ORGANIZATION, key, 'development');
  if (!requested) {
    fs.mkdirSync(dataDir, { recursive: true });
    fs.writeFileSync(keyFile, `${key}\n`, { mode: 0o600 });
  }
  return key;
}
