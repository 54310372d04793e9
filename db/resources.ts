import type { Kysely, Transaction } from 'kysely';
import type { Database, NewResource, Resource, ResourceUpdate } from './schema';
import { createdAfter, type CreatedCursor } from './keyset';

type Db = Kysely<Database> | Transaction<Database>;

export function insertResource(db: Db, resource: NewResource): Promise<Resource> {
  return db.insertInto('resources').values(resource).returningAll().executeTakeFirstOrThrow();
}

export function findResource(db: Db, organizationId: string, resourceId: string): Promise<Resource | undefined> {
  return db.selectFrom('resources').selectAll()
    .where('organization_id', '=', organizationId).where('id', '=', resourceId).executeTakeFirst();
}

export function findResources(db: Db, organizationId: string, resourceIds: string[]): Promise<Resource[]> {
  if (resourceIds.length === 0) return Promise.resolve([]);
  return db.selectFrom('resources').selectAll()
    .where('organization_id', '=', organizationId).where('id', 'in', resourceIds).execute();
}

export function updateResource(db: Db, organizationId: string, resourceId: string, changes: ResourceUpdate) {
  return db.updateTable('resources').set({ ...changes, updated_at: new Date() })
    .where('organization_id', '=', organizationId).where('id', '=', resourceId)
    .returningAll().executeTakeFirst();
}

export function listResources(db: Db, organizationId: string, limit: number, after?: CreatedCursor) {
  let query = db.selectFrom('resources').selectAll().where('organization_id', '=', organizationId);
  if (after) query = query.where(createdAfter(after));
  return query.orderBy('created_at').orderBy('id').limit(limit).execute();
}
