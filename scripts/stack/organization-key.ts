import type { Kysely } from 'kysely';
import { addApiKey, createOrganization, findOrganizationByName } from '../../db/organizations';
import type { Database } from '../../db/schema';

/**
 * Makes sure `key` exists, for the organization named `organizationName` (created if missing).
 * Running it again changes nothing, and a key an operator revoked stays revoked.
 */
export async function ensureOrganizationKey(
  db: Kysely<Database>, organizationName: string, key: string, keyName: string,
): Promise<string> {
  return db.transaction().execute(async (trx) => {
    const organizationId = (await findOrganizationByName(trx, organizationName)) ?? (await createOrganization(trx, organizationName));
    await addApiKey(trx, organizationId, key, keyName);
    return organizationId;
  });
}
