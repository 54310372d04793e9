import { Router } from 'express';
import type { Kysely } from 'kysely';
import { organizationSlugTaken } from '../../db/customer-pages';
import { findResources } from '../../db/resources';
import type { Database } from '../../db/schema';
import { findService, insertService, listServices, updateService } from '../../db/services';
import { organizationOf } from '../auth';
import { decodeCursor, nextCursor } from '../cursor';
import { Conflict, InvalidInput, NotFound } from '../errors';
import { replayable } from '../idempotency';
import { parseInput, pathId } from '../validation';
import { pageSettingsRow } from './page-schemas';
import { createServiceBody, groupMembersOutside, listServicesQuery, toServiceResponse, updateServiceBody } from './schemas';

/** Another organization's resource is as unknown as a missing one. */
async function requireResources(db: Kysely<Database>, organizationId: string, resourceIds: string[]) {
  const found = await findResources(db, organizationId, resourceIds);
  const index = resourceIds.findIndex((id) => !found.some((resource) => resource.id === id));
  if (index >= 0) throw new NotFound(`resource ${resourceIds[index]} not found`, `resource_ids.${index}`);
}

/** Slugs are the public pages' addresses, unique across organizations; the index decides a race. */
function slugTaken(error: unknown): never {
  if ((error as { code?: string; constraint?: string }).code === '23505' && /slug/.test((error as { constraint?: string }).constraint ?? '')) {
    throw new Conflict('slug_taken', 'another service or an organization\'s page already has this slug', { errors: [{ path: 'slug', message: 'is taken' }] });
  }
  throw error;
}

/** /book/<slug> is one address space: an organization's page may already have this slug. */
async function requireFreeSlug(db: Kysely<Database>, slug: string | null | undefined) {
  if (slug && await organizationSlugTaken(db, slug)) slugTaken({ code: '23505', constraint: 'slug' });
}

export function servicesRouter(db: Kysely<Database>): Router {
  const router = Router();

  router.post('/', async (req, res) => {
    const organizationId = organizationOf(req);
    const body = parseInput(createServiceBody, req.body);
    await requireResources(db, organizationId, body.resource_ids);
    await requireFreeSlug(db, body.slug);
    const created = await replayable(db, req, organizationId, 'POST /v1/services', async () => {
      const { resource_ids: resourceIds, metadata, resource_groups: groups, ...settings } = body;
      const service = await db.transaction().execute((trx) => insertService(trx, {
        ...pageSettingsRow(settings), organization_id: organizationId, metadata: JSON.stringify(metadata), resource_groups: JSON.stringify(groups),
      }, resourceIds)).catch(slugTaken);
      return { status: 201, body: toServiceResponse(service) };
    });
    res.status(created.status).json(created.body);
  });

  router.get('/', async (req, res) => {
    const query = parseInput(listServicesQuery, req.query);
    const after = decodeCursor(query.cursor);
    const rows = await listServices(db, organizationOf(req), query.limit, after && { createdAt: after.at, id: after.id });
    res.json({ data: rows.map(toServiceResponse), next_cursor: nextCursor(rows, query.limit, (row) => row.created_at) });
  });

  router.get('/:id', async (req, res) => {
    const service = await findService(db, organizationOf(req), pathId(req.params.id, 'service'));
    if (!service) throw new NotFound(`service ${req.params.id} not found`);
    res.json(toServiceResponse(service));
  });

  router.patch('/:id', async (req, res) => {
    const organizationId = organizationOf(req);
    const serviceId = pathId(req.params.id, 'service');
    const current = await findService(db, organizationId, serviceId);
    if (!current) throw new NotFound(`service ${serviceId} not found`);
    const { resource_ids: resourceIds, metadata, resource_groups: groups, ...settings } = parseInput(updateServiceBody, req.body);
    const outside = groupMembersOutside(groups ?? current.resource_groups, resourceIds ?? current.resource_ids);
    if (outside.length > 0) throw new InvalidInput(outside.map((issue) => ({ path: issue.path.join('.'), message: issue.message })));
    if (resourceIds) await requireResources(db, organizationId, resourceIds);
    if (settings.slug && settings.slug !== current.slug) await requireFreeSlug(db, settings.slug);
    if ((settings.public ?? current.public) && !(settings.slug !== undefined ? settings.slug : current.slug)) {
      throw new InvalidInput([{ path: 'slug', message: 'a public service needs a slug' }]);
    }
    const service = await db.transaction().execute((trx) => updateService(trx, organizationId, serviceId, {
      ...pageSettingsRow(settings), ...(metadata !== undefined && { metadata: JSON.stringify(metadata) }),
      ...(groups !== undefined && { resource_groups: JSON.stringify(groups) }),
    }, resourceIds)).catch(slugTaken);
    res.json(toServiceResponse(service!));
  });

  return router;
}
