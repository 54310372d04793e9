import { Router } from 'express';
import type { Kysely } from 'kysely';
import { findApiKey, issueApiKey, listApiKeys, revokeApiKey } from '../../db/api-keys';
import type { Database } from '../../db/schema';
import { organizationOf } from '../auth';
import { decodeCursor, nextCursor } from '../cursor';
import { NotFound } from '../errors';
import { replayable } from '../idempotency';
import { parseInput, pathId } from '../validation';
import { createApiKeyBody, listApiKeysQuery, toApiKeyResponse } from './schemas';

/** An organization's own API keys, managed with one of its keys; another organization's are 404. */
export function apiKeysRouter(db: Kysely<Database>): Router {
  const router = Router();

  router.post('/', async (req, res) => {
    const organizationId = organizationOf(req);
    const body = parseInput(createApiKeyBody, req.body);
    // The stored replay never holds the key (only its hash is kept anywhere): a replay says which
    // key was made, with `key: null`.
    let issued: string | null = null;
    const created = await replayable(db, req, organizationId, 'POST /v1/api-keys', async () => {
      const { record, key } = await issueApiKey(db, organizationId, body.name);
      issued = key;
      return { status: 201, body: toApiKeyResponse(record) };
    });
    res.status(created.status).json({ ...created.body, key: issued });
  });

  router.get('/', async (req, res) => {
    const organizationId = organizationOf(req);
    const query = parseInput(listApiKeysQuery, req.query);
    const after = decodeCursor(query.cursor);
    const rows = await listApiKeys(db, organizationId, query.limit, after && { createdAt: after.at, id: after.id });
    res.json({ data: rows.map(toApiKeyResponse), next_cursor: nextCursor(rows, query.limit, (row) => row.created_at) });
  });

  router.get('/:id', async (req, res) => {
    const key = await findApiKey(db, organizationOf(req), pathId(req.params.id, 'API key'));
    if (!key) throw new NotFound(`API key ${req.params.id} not found`);
    res.json(toApiKeyResponse(key));
  });

  router.post('/:id/revoke', async (req, res) => {
    const key = await revokeApiKey(db, organizationOf(req), pathId(req.params.id, 'API key'));
    if (!key) throw new NotFound(`API key ${req.params.id} not found`);
    res.json(toApiKeyResponse(key));
  });

  return router;
}
