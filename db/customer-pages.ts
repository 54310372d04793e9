import type { Kysely, Transaction } from 'kysely';
import type { Database, Resource } from './schema';
import type { ServiceWithResources } from './services';

type Db = Kysely<Database> | Transaction<Database>;

export interface Branding {
  organizationId: string; name: string; logoUrl: string | null;
  /** Days ended bookings keep their personal data; null = kept (absent where only the brand is read). */
  retentionDays?: number | null;
}

/** A service whose organization published it under this slug; unpublished ones are not found. */
export async function findPublicService(db: Db, slug: string): Promise<ServiceWithResources | undefined> {
  const row = await db.selectFrom('services').selectAll().where('slug', '=', slug).where('public', '=', true).executeTakeFirst();
  if (!row) return undefined;
  const links = await db.selectFrom('service_resources').select('resource_id')
    .where('service_id', '=', row.id).orderBy('position').execute();
  return { ...row, resource_ids: links.map((link) => link.resource_id) };
}

export async function findBranding(db: Db, organizationId: string): Promise<Branding> {
  const row = await db.selectFrom('organizations').select(['id', 'name', 'logo_url', 'retention_days'])
    .where('id', '=', organizationId).executeTakeFirstOrThrow();
  return { organizationId: row.id, name: row.name, logoUrl: row.logo_url, retentionDays: row.retention_days };
}

export function updateBranding(db: Db, organizationId: string, changes: { name?: string; logo_url?: string | null; retention_days?: number | null }) {
  return db.updateTable('organizations').set(changes).where('id', '=', organizationId)
    .returning(['id', 'name', 'logo_url']).executeTakeFirstOrThrow();
}

/** The booking's resources, in the booking's order, for host names and notices. */
export async function findBookingResources(db: Db, organizationId: string, resourceIds: string[]): Promise<Resource[]> {
  if (resourceIds.length === 0) return [];
  const rows = await db.selectFrom('resources').selectAll()
    .where('organization_id', '=', organizationId).where('id', 'in', resourceIds).execute();
  return resourceIds.flatMap((id) => rows.filter((row) => row.id === id));
}

