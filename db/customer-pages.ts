import type { Kysely, Transaction } from 'kysely';
import type { Database, Resource } from './schema';
import type { ServiceWithResources } from './services';

type Db = Kysely<Database> | Transaction<Database>;

export interface Branding {
  organizationId: string; name: string; logoUrl: string | null;
  /** Days ended bookings keep their personal data; null = kept (absent where only the brand is read). */
  retentionDays?: number | null;
  /** The organization's page slug, and the origins allowed to frame its pages. */
  slug?: string | null;
  embedOrigins?: string[];
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
  const row = await db.selectFrom('organizations').select(['id', 'name', 'logo_url', 'retention_days', 'slug', 'embed_origins'])
    .where('id', '=', organizationId).executeTakeFirstOrThrow();
  return {
    organizationId: row.id, name: row.name, logoUrl: row.logo_url, retentionDays: row.retention_days, slug: row.slug, embedOrigins: row.embed_origins,
  };
}

/** The organization whose page is /book/<slug>, with its public services in name order. */
export async function findOrganizationPage(db: Db, slug: string) {
  const row = await db.selectFrom('organizations').select('id').where('slug', '=', slug).executeTakeFirst();
  if (!row) return undefined;
  const services = await db.selectFrom('services').select(['name', 'slug', 'description', 'durations_minutes'])
    .where('organization_id', '=', row.id).where('public', '=', true).where('slug', 'is not', null).orderBy('name').execute();
  return { branding: await findBranding(db, row.id), services: services.map((service) => ({ ...service, slug: service.slug! })) };
}

/** Whether a service already answers at /book/<slug> (an organization's page may not take it). */
export async function serviceSlugTaken(db: Db, slug: string): Promise<boolean> {
  return Boolean(await db.selectFrom('services').select('id').where('slug', '=', slug).executeTakeFirst());
}

/** Whether an organization's page answers at /book/<slug> (a service may not take it). */
export async function organizationSlugTaken(db: Db, slug: string): Promise<boolean> {
  return Boolean(await db.selectFrom('organizations').select('id').where('slug', '=', slug).executeTakeFirst());
}

export function updateBranding(db: Db, organizationId: string, changes: {
  name?: string; logo_url?: string | null; retention_days?: number | null; slug?: string | null; embed_origins?: string[];
}) {
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

