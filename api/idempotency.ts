import { createHash } from 'node:crypto';
import type { Request } from 'express';
import type { Kysely } from 'kysely';
import type { Database } from '../db/schema';
import { IdempotencyKeyReused, InvalidInput } from './errors';

export interface Created<T> { status: number; body: T }

export function idempotencyKeyOf(req: Request): string | null {
  const key = req.get('idempotency-key');
  if (key === undefined) return null;
  if (!/^[\x21-\x7e]{1,255}$/.test(key)) {
    throw new InvalidInput([{ path: 'header.Idempotency-Key', message: 'must be 1 to 255 visible ASCII characters' }]);
  }
  return key;
}

/**
 * A POST sent again with the same Idempotency-Key gets the first answer instead of creating twice;
 * the same key with a different body is refused.
 */
export async function replayable<T>(
  db: Kysely<Database>, req: Request, organizationId: string, route: string, create: () => Promise<Created<T>>,
): Promise<Created<T>> {
  const key = idempotencyKeyOf(req);
  if (!key) return create();
  const requestHash = createHash('sha256').update(JSON.stringify(req.body ?? null)).digest('hex');
  const previous = await db.selectFrom('idempotency_keys').selectAll()
    .where('organization_id', '=', organizationId).where('route', '=', route).where('key', '=', key)
    .executeTakeFirst();
  if (previous) {
    if (previous.request_hash !== requestHash) {
      throw new IdempotencyKeyReused('this Idempotency-Key was used with a different request body', 'was used with a different body');
    }
    return { status: previous.status_code, body: previous.response_body as T };
  }
  const created = await create();
  await db.insertInto('idempotency_keys').values({
    organization_id: organizationId, route, key, request_hash: requestHash,
    status_code: created.status, response_body: JSON.stringify(created.body),
  }).onConflict((oc) => oc.columns(['organization_id', 'route', 'key']).doNothing()).execute();
  return created;
}
