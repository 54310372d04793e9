import { sql, type Kysely, type Transaction } from 'kysely';
import { apiKeyPrefix, generateApiKey, hashApiKey } from './organizations';
import type { ApiKey, Database } from './schema';

type Db = Kysely<Database> | Transaction<Database>;

/** Everything about a key but its hash: what lists and the admin command show. */
export type ApiKeyRecord = Omit<ApiKey, 'key_hash'>;

const visibleColumns = ['id', 'organization_id', 'name', 'prefix', 'created_at', 'last_used_at', 'revoked_at'] as const;

/** last_used_at is kept to the minute: a write per request would make every key a hot row. */
const LAST_USED_RESOLUTION = sql`interval '1 minute'`;

/** A new random key; the caller shows `key` once, only its hash is stored. */
export async function issueApiKey(db: Db, organizationId: string, name: string, key = generateApiKey()): Promise<{ record: ApiKeyRecord; key: string }> {
  const record = await db.insertInto('api_keys')
    // Milliseconds, like the cursors that page through the list.
    .values({
      organization_id: organizationId, name, key_hash: hashApiKey(key), prefix: apiKeyPrefix(key),
      created_at: sql<Date>`date_trunc('milliseconds', now())`,
    })
    .returning(visibleColumns)
    .executeTakeFirstOrThrow();
  return { record, key };
}

/** The organization of a live key, noting its use; a revoked key finds nothing from that moment on. */
export async function useApiKey(db: Db, key: string): Promise<string | undefined> {
  const row = await db.selectFrom('api_keys').select(['id', 'organization_id', 'last_used_at'])
    .where('key_hash', '=', hashApiKey(key)).where('revoked_at', 'is', null).executeTakeFirst();
  if (!row) return undefined;
  if (!row.last_used_at || row.last_used_at.getTime() < Date.now() - 60_000) {
    // Concurrent requests re-check the condition after the row lock, so only one of them writes.
    await db.updateTable('api_keys').set({ last_used_at: sql<Date>`now()` }).where('id', '=', row.id)
      .where((eb) => eb.or([eb('last_used_at', 'is', null), eb('last_used_at', '<', sql<Date>`now() - ${LAST_USED_RESOLUTION}`)]))
      .execute();
  }
  return row.organization_id;
}

export async function listApiKeys(
  db: Db, organizationId: string, limit: number, after?: { createdAt: Date; id: string },
): Promise<ApiKeyRecord[]> {
  let query = db.selectFrom('api_keys').select(visibleColumns).where('organization_id', '=', organizationId);
  if (after) {
    // A row-value comparison is an index condition on api_keys_organization_idx: every page costs the same.
    query = query.where(sql<boolean>`(created_at, id) > (${after.createdAt}::timestamptz, ${after.id}::uuid)`);
  }
  return query.orderBy('created_at').orderBy('id').limit(limit).execute();
}

export async function findApiKey(db: Db, organizationId: string, id: string): Promise<ApiKeyRecord | undefined> {
  return db.selectFrom('api_keys').select(visibleColumns)
    .where('organization_id', '=', organizationId).where('id', '=', id).executeTakeFirst();
}

/** Revoking twice keeps the first time; a key of another organization is not found. */
export async function revokeApiKey(db: Db, organizationId: string, id: string): Promise<ApiKeyRecord | undefined> {
  await db.updateTable('api_keys').set({ revoked_at: sql<Date>`now()` })
    .where('organization_id', '=', organizationId).where('id', '=', id).where('revoked_at', 'is', null)
    .execute();
  return findApiKey(db, organizationId, id);
}
