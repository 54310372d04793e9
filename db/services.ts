import { sql, type Kysely, type Transaction } from 'kysely';
import type { Database, NewService, Service, ServiceUpdate } from './schema';
import { createdAfter, type CreatedCursor } from './keyset';

type Db = Kysely<Database> | Transaction<Database>;

export type ServiceWithResources = Service & { resource_ids: string[] };

export async function insertService(
  trx: Transaction<Database>,
  service: NewService,
  resourceIds: string[],
): Promise<ServiceWithResources> {
  const row = await trx.insertInto('services').values(service).returningAll().executeTakeFirstOrThrow();
  await replaceServiceResources(trx, row, resourceIds);
  return { ...row, resource_ids: resourceIds };
}

export async function replaceServiceResources(trx: Transaction<Database>, service: Service, resourceIds: string[]) {
  await trx.deleteFrom('service_resources').where('service_id', '=', service.id).execute();
  if (resourceIds.length === 0) return;
  await trx.insertInto('service_resources').values(resourceIds.map((resourceId, position) => ({
    service_id: service.id, resource_id: resourceId, organization_id: service.organization_id, position,
  }))).execute();
}

async function withResourceIds(db: Db, services: Service[]): Promise<ServiceWithResources[]> {
  if (services.length === 0) return [];
  const links = await db.selectFrom('service_resources').select(['service_id', 'resource_id'])
    .where('service_id', 'in', services.map((service) => service.id)).orderBy('position').execute();
  return services.map((service) => ({
    ...service,
    resource_ids: links.filter((link) => link.service_id === service.id).map((link) => link.resource_id),
  }));
}

/** One round trip: every reservation and transition reads its service, so its resources come with it. */
export async function findService(db: Db, organizationId: string, serviceId: string): Promise<ServiceWithResources | undefined> {
  return db.selectFrom('services').selectAll('services')
    .select(sql<string[]>`array(select resource_id from service_resources where service_id = services.id order by position)`.as('resource_ids'))
    .where('organization_id', '=', organizationId).where('id', '=', serviceId).executeTakeFirst();
}

export async function updateService(
  trx: Transaction<Database>, organizationId: string, serviceId: string, changes: ServiceUpdate, resourceIds?: string[],
): Promise<ServiceWithResources | undefined> {
  const row = await trx.updateTable('services').set({ ...changes, updated_at: new Date() })
    .where('organization_id', '=', organizationId).where('id', '=', serviceId)
    .returningAll().executeTakeFirst();
  if (!row) return undefined;
  if (resourceIds) await replaceServiceResources(trx, row, resourceIds);
  return (await withResourceIds(trx, [row]))[0];
}

export async function listServices(db: Db, organizationId: string, limit: number, after?: CreatedCursor) {
  let query = db.selectFrom('services').selectAll().where('organization_id', '=', organizationId);
  if (after) query = query.where(createdAfter(after));
  return withResourceIds(db, await query.orderBy('created_at').orderBy('id').limit(limit).execute());
}
