import type { Kysely } from 'kysely';

/**
 * What an operator needs to manage keys without ever seeing one again: a short prefix to recognise
 * it by and when it was last used. Keys made before this have no prefix.
 */
// Frozen in time: this migration imports nothing from the app and takes Kysely<any>.
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema.alterTable('api_keys')
    .addColumn('prefix', 'text')
    .addColumn('last_used_at', 'timestamptz')
    .execute();
  await db.schema.createIndex('api_keys_organization_idx').on('api_keys').columns(['organization_id', 'created_at', 'id']).execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropIndex('api_keys_organization_idx').execute();
  await db.schema.alterTable('api_keys').dropColumn('prefix').dropColumn('last_used_at').execute();
}
