import { createHash, randomBytes } from 'node:crypto';
import type { Kysely, Transaction } from 'kysely';
import type { Database } from './schema';

type Db = Kysely<Database> | Transaction<Database>;

export const DEVELOPMENT_ORGANIZATION = 'Development';

/** Keys are stored only as their SHA-256: a leaked table does not leak working keys. */
export function hashApiKey(key: string): string {
  return createHash('sha256').update(key).digest('hex');
}

/** Enough to tell keys apart in a list, far too little to guess the rest (24 random bytes). */
export function apiKeyPrefix(key: string): string {
  return key.slice(0, 9);
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
    .values({ organization_id: organizationId, key_hash: hashApiKey(key), name, prefix: apiKeyPrefix(key) })
    .onConflict((oc) => oc.column('key_hash').doNothing())
    .execute();
}

export async function findOrganizationByApiKey(db: Db, key: string): Promise<string | undefined> {
  const row = await db.selectFrom('api_keys').select('organization_id')
    .where('key_hash', '=', hashApiKey(key)).where('revoked_at', 'is', null).executeTakeFirst();
  return row?.organization_id;
}

/** Whether a key was issued and later revoked (a key never issued is not revoked: it is unknown). */
export async function isApiKeyRevoked(db: Db, key: string): Promise<boolean> {
  const row = await db.selectFrom('api_keys').select('id')
    .where('key_hash', '=', hashApiKey(key)).where('revoked_at', 'is not', null).executeTakeFirst();
  return row !== undefined;
}

export async function findOrganizationByName(db: Db, name: string): Promise<string | undefined> {
  const row = await db.selectFrom('organizations').select('id').where('name', '=', name)
    .orderBy('created_at').executeTakeFirst();
  return row?.id;
}

export async function listOrganizations(db: Db): Promise<Array<{ id: string; name: string; created_at: Date }>> {
  return db.selectFrom('organizations').select(['id', 'name', 'created_at']).orderBy('created_at').orderBy('id').execute();
}

/** By id, or else by name (the admin command accepts either). */
export async function findOrganization(db: Db, idOrName: string): Promise<{ id: string; name: string } | undefined> {
  const byId = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i.test(idOrName)
    ? await db.selectFrom('organizations').select(['id', 'name']).where('id', '=', idOrName).executeTakeFirst()
    : undefined;
  return byId ?? db.selectFrom('organizations').select(['id', 'name']).where('name', '=', idOrName)
    .orderBy('created_at').executeTakeFirst();
}
