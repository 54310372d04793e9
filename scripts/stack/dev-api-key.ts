import fs from 'node:fs';
import path from 'node:path';
import type { Kysely } from 'kysely';
import { DEVELOPMENT_ORGANIZATION, findOrganizationByApiKey, generateApiKey, isApiKeyRevoked } from '../../db/organizations';
import type { Database } from '../../db/schema';
import { ensureOrganizationKey } from './organization-key';

/** The key the launcher prints, and what it must say about it. */
export interface DevApiKey {
  key: string;
  /** DEV_API_KEY names a key that was revoked: it is printed as such (a revocation is never undone). */
  revoked: boolean;
  /** The key this data dir remembered was revoked, so a new one was made and remembered instead. */
  replacedRevoked: boolean;
}

/**
 * DEV_API_KEY if given, else the key this data dir was given before, else a new one; in every case
 * it belongs to the development organization, so a restart finds the same bookings. A revoked key
 * stays revoked: a remembered one is replaced by a new key, a requested one is reported revoked.
 */
export async function ensureDevApiKey(db: Kysely<Database>, dataDir: string, requested: string | null): Promise<DevApiKey> {
  const keyFile = path.join(dataDir, 'dev-api-key');
  const remembered = fs.existsSync(keyFile) ? fs.readFileSync(keyFile, 'utf8').trim() : null;
  if (requested && await isApiKeyRevoked(db, requested)) return { key: requested, revoked: true, replacedRevoked: false };
  const replacedRevoked = !requested && remembered !== null && await isApiKeyRevoked(db, remembered);
  const key = requested ?? (replacedRevoked ? null : remembered) ?? generateApiKey();
  if (!(await findOrganizationByApiKey(db, key))) await ensureOrganizationKey(db, DEVELOPMENT_ORGANIZATION, key, 'development');
  if (!requested) {
    fs.mkdirSync(dataDir, { recursive: true });
    fs.writeFileSync(keyFile, `${key}\n`, { mode: 0o600 });
  }
  return { key, revoked: false, replacedRevoked };
}

/** The banner's line for the key: never a revoked key shown as usable. */
export function devApiKeyLine(devKey: DevApiKey): string {
  if (devKey.revoked) return `${devKey.key}   REVOKED: it is refused (401); unset DEV_API_KEY for a working key, or set another`;
  if (devKey.replacedRevoked) return `${devKey.key}   (new: the one this data folder had was revoked)`;
  return devKey.key;
}
