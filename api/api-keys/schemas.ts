import { z } from 'zod';
import type { ApiKeyRecord } from '../../db/api-keys';
import { pageQuery } from '../common-schemas';

export const createApiKeyBody = z.strictObject({
  name: z.string().trim().min(1, { message: 'must not be empty' }).max(100)
    .meta({ description: 'What the key is for (an application, an environment), shown in lists' }),
}).meta({ id: 'CreateApiKey' });

export const listApiKeysQuery = z.object(pageQuery);

export const apiKeyResponse = z.object({
  id: z.string(),
  name: z.string(),
  prefix: z.string().nullable().meta({ description: 'The first characters of the key, to recognise it by' }),
  created_at: z.string(),
  last_used_at: z.string().nullable().meta({ description: 'Last authenticated request, to the minute' }),
  revoked_at: z.string().nullable(),
}).meta({ id: 'ApiKey' });

export const createdApiKeyResponse = apiKeyResponse.extend({
  key: z.string().nullable().meta({
    description: 'The key itself, shown only in this answer (null in a replay by Idempotency-Key: only its hash is stored)',
  }),
}).meta({ id: 'CreatedApiKey' });

export function toApiKeyResponse(record: ApiKeyRecord): z.infer<typeof apiKeyResponse> {
  return {
    id: record.id,
    name: record.name,
    prefix: record.prefix,
    created_at: record.created_at.toISOString(),
    last_used_at: record.last_used_at?.toISOString() ?? null,
    revoked_at: record.revoked_at?.toISOString() ?? null,
  };
}
