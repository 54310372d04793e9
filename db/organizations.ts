import { createHash, randomBytes } from 'node:crypto';
import type { Kysely, Transaction } from 'kysely';
import type { Database } from './schema';

type Db = Kysely<Database> | Transaction<Database>;

export const DEVELOPMENT_ORGANIZATION = 'Development';

/** Keys are stored only as their SHA-256: a leaked table does not leak working keys. */
export function hashApiKey(key: string): string {
  return createHash('sha256').update(key).digest('hex');
}

export function generateApiKey(): string {
  return `sk_${randomBytes(24).toString('base64url')}`;
}

export async function createOrganization(db: Db, name: string): Promise<string> {
  const row = await db.insertInto('organizations').values({ name }).returning('id').executeTakeFirstOrThrow();
  return row.id;
}

export async function addApiKey(db: Db, organizationId: string, key: string, name: string): Promise<void> {
  await db.insertInto('api_keys')
    .values({ organization_id: organizationId, key_hash: hashApiKey(key), name })
    .onConflict((oc) => oc.column('key_hash').doNothing())
    .execute();
}

export async function findOrganizationByApiKey(db: Db, key: string): Promise<string | undefined> {
  const row = await db.selectFrom('api_keys').select('organization_id')
    .where('key_hash', '=', hashApiKey(key)).where('revoked_at', 'is', null).executeTakeFirst();
  return row?.organization_id;
}

export async function findOrganizationByName(db: Db, name: string): Promise<string | undefined> {
  const row = await db.selectFrom('organizations').select('id').where('name', '=', name)
    .orderBy('created_at').executeTakeFirst();
  return row?.id;
}
