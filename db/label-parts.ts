import type { Kysely } from 'kysely';
import type { Database } from './schema';

export interface LabelledResource { id: string; name: string; timezone: string }

/** What a label names, as read from the database (or as the hold's transaction already had it). */
export interface LabelParts {
  /** null: the service is gone. */
  serviceName: string | null;
  /** The service's resources (or at least the booking's); sorted here by name. */
  resources: LabelledResource[];
  /** The session's zone, for a session booking. */
  sessionZone: string | null;
}

/** What a booking's operator label names, read in one place (see bookings/operator-label.ts). */
export async function findLabelParts(
  db: Kysely<Database>, organizationId: string, serviceId: string, sessionId: string | null,
): Promise<LabelParts> {
  const service = await db.selectFrom('services').select(['name']).where('organization_id', '=', organizationId)
    .where('id', '=', serviceId).executeTakeFirst();
  const resources = await db.selectFrom('resources').innerJoin('service_resources', 'service_resources.resource_id', 'resources.id')
    .select(['resources.id', 'resources.name', 'resources.timezone'])
    .where('service_resources.service_id', '=', serviceId)
    .orderBy('resources.name').execute();
  const session = sessionId
    ? await db.selectFrom('sessions').select(['timezone']).where('id', '=', sessionId).executeTakeFirst()
    : undefined;
  return { serviceName: service?.name ?? null, resources, sessionZone: session?.timezone ?? null };
}
