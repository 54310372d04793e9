import { Router } from 'express';
import type { Kysely } from 'kysely';
import { findResource, insertResource, listResources, updateResource } from '../../db/resources';
import type { Database } from '../../db/schema';
import { organizationOf } from '../auth';
import { decodeCursor, nextCursor } from '../cursor';
import { InvalidInput, NotFound } from '../errors';
import { replayable } from '../idempotency';
import { parseInput, pathId } from '../validation';
import { createResourceBody, listResourcesQuery, toResourceResponse, updateResourceBody } from './schemas';

export function resourcesRouter(db: Kysely<Database>): Router {
  const router = Router();

  router.post('/', async (req, res) => {
    const organizationId = organizationOf(req);
    const body = parseInput(createResourceBody, req.body);
    const created = await replayable(db, req, organizationId, 'POST /v1/resources', async () => {
      const resource = await insertResource(db, {
        organization_id: organizationId,
        name: body.name,
        timezone: body.timezone,
        weekly_schedule: JSON.stringify(body.weekly_schedule),
        date_overrides: JSON.stringify(body.date_overrides),
        valid_from: body.valid_from,
        valid_until: body.valid_until,
        email: body.email,
        metadata: JSON.stringify(body.metadata),
      });
      return { status: 201, body: toResourceResponse(resource) };
    });
    res.status(created.status).json(created.body);
  });

  router.get('/', async (req, res) => {
    const organizationId = organizationOf(req);
    const query = parseInput(listResourcesQuery, req.query);
    const after = decodeCursor(query.cursor);
    const rows = await listResources(db, organizationId, query.limit, after && { createdAt: after.at, id: after.id });
    res.json({ data: rows.map(toResourceResponse), next_cursor: nextCursor(rows, query.limit, (row) => row.created_at) });
  });

  router.get('/:id', async (req, res) => {
    const resource = await findResource(db, organizationOf(req), pathId(req.params.id, 'resource'));
    if (!resource) throw new NotFound(`resource ${req.params.id} not found`);
    res.json(toResourceResponse(resource));
  });

  router.patch('/:id', async (req, res) => {
    const organizationId = organizationOf(req);
    const existing = await findResource(db, organizationId, pathId(req.params.id, 'resource'));
    if (!existing) throw new NotFound(`resource ${req.params.id} not found`);
    const body = parseInput(updateResourceBody, req.body);
    const validFrom = body.valid_from !== undefined ? body.valid_from : existing.valid_from;
    const validUntil = body.valid_until !== undefined ? body.valid_until : existing.valid_until;
    if (validFrom && validUntil && validUntil < validFrom) {
      throw new InvalidInput([{ path: 'valid_until', message: 'valid_until must not be before valid_from' }]);
    }
    const resource = await updateResource(db, organizationId, existing.id, {
      ...(body.name !== undefined && { name: body.name }),
      ...(body.timezone !== undefined && { timezone: body.timezone }),
      ...(body.weekly_schedule !== undefined && { weekly_schedule: JSON.stringify(body.weekly_schedule) }),
      ...(body.date_overrides !== undefined && { date_overrides: JSON.stringify(body.date_overrides) }),
      ...(body.valid_from !== undefined && { valid_from: body.valid_from }),
      ...(body.valid_until !== undefined && { valid_until: body.valid_until }),
      ...(body.email !== undefined && { email: body.email }),
      ...(body.metadata !== undefined && { metadata: JSON.stringify(body.metadata) }),
    });
    res.json(toResourceResponse(resource!));
  });

  return router;
}
