import { z } from 'zod';
import { problemSchema } from './common-schemas';
import { componentExamples } from './openapi-examples';
import { operations, type Access, type Operation } from './operations';

type JsonSchema = Record<string, unknown>;

const TARGET = 'draft-2020-12';
const componentUri = (id: string) => `#/components/schemas/${id}`;

/** Every schema with a meta id, as JSON Schema 2020-12 (what OpenAPI 3.1 uses), referring to each other. */
function componentsFor(io: 'input' | 'output'): Record<string, JsonSchema> {
  const { schemas } = z.toJSONSchema(z.globalRegistry, { io, target: TARGET, unrepresentable: 'any', uri: componentUri });
  // Copied at once: zod caches the JSON per schema, and the next conversion (the other io) writes into it.
  return Object.fromEntries(Object.entries(schemas).map(([id, { $schema: _, $id: __, ...schema }]) => [id, structuredClone(schema) as JsonSchema]));
}

function idOf(schema: z.ZodType): string | undefined {
  return z.globalRegistry.get(schema)?.id as string | undefined;
}

/** A schema without an id of its own, inline; it must not contain schemas with ids (they would land in $defs). */
function inline(schema: z.ZodType, io: 'input' | 'output', where: string): JsonSchema {
  const { $schema: _, ...json } = z.toJSONSchema(schema, { io, target: TARGET, unrepresentable: 'any' }) as JsonSchema;
  if ('$defs' in json) throw new Error(`${where}: give the schema a meta id, it contains named schemas`);
  return json;
}

function schemaRef(schema: z.ZodType, io: 'input' | 'output', where: string, used: Set<string>): JsonSchema {
  const id = idOf(schema);
  if (!id) return inline(schema, io, where);
  used.add(id);
  return { $ref: componentUri(id) };
}

/** Ids a schema refers to, directly or through other components. */
function collectRefs(schemas: Record<string, JsonSchema>, roots: Iterable<string>): Set<string> {
  const seen = new Set<string>();
  const visit = (value: unknown): void => {
    if (Array.isArray(value)) return value.forEach(visit);
    if (!value || typeof value !== 'object') return;
    for (const [key, inner] of Object.entries(value)) {
      if (key === '$ref' && typeof inner === 'string' && inner.startsWith('#/components/schemas/')) {
        const id = inner.slice('#/components/schemas/'.length);
        if (!seen.has(id)) {
          seen.add(id);
          visit(schemas[id]);
        }
      } else {
        visit(inner);
      }
    }
  };
  for (const root of roots) {
    seen.add(root);
    visit(schemas[root]);
  }
  return seen;
}

const problemResponses: Record<number, { name: string; description: string; headers?: Record<string, unknown>; empty?: boolean }> = {
  400: { name: 'BadRequest', description: 'Invalid input: `errors` names each field (body, query parameter or header) and what is wrong' },
  401: { name: 'Unauthorized', description: 'No credentials, or they are not valid' },
  403: { name: 'Forbidden', description: 'The credentials do not allow this route (a manage token on an API-key route)' },
  404: { name: 'NotFound', description: 'Nothing of that id in the caller\'s organization, in the path or named by the request' },
  409: { name: 'Conflict', description: 'Refused by the booking rules; `code` says why (e.g. slot_taken, session_full, invalid_transition)' },
  413: { name: 'PayloadTooLarge', description: 'The body is larger than 100 kB' },
  // Node's HTTP server refuses these before the app sees them, with an empty body.
  431: { name: 'RequestHeaderFieldsTooLarge', description: 'The request line (query string) or headers are larger than 16 kB', empty: true },
  422: { name: 'IdempotencyKeyReused', description: 'The Idempotency-Key was used before with another body' },
  429: {
    name: 'TooManyRequests',
    description: 'The rate limit of the API key or manage token, or of the client address (its requests to the codec, its refused credentials) is spent; retry after `Retry-After` seconds',
    headers: {
      'Retry-After': { description: 'Seconds until a request is allowed again', schema: { type: 'integer' } },
      RateLimit: { description: 'IETF draft RateLimit fields: limit, remaining, reset', schema: { type: 'string' } },
    },
  },
  503: {
    name: 'ServiceUnavailable',
    description: 'PostgreSQL or Temporal cannot be reached; nothing was changed; retry after `Retry-After` seconds',
    headers: { 'Retry-After': { description: 'Seconds to wait before retrying', schema: { type: 'integer' } } },
  },
};

const security: Record<Access, Array<Record<string, string[]>>> = {
  api_key: [{ apiKey: [] }],
  api_key_or_manage_token: [{ apiKey: [] }, { manageToken: [] }],
  api_key_or_calendar_token: [{ apiKey: [] }, { calendarToken: [] }],
  public: [],
};

/** The errors a route can answer by its kind, plus its own. */
export function errorStatuses(operation: Operation): number[] {
  const statuses = new Set([400, 431, ...operation.errors]);
  if (operation.access !== 'public') [401, 429, 503].forEach((status) => statuses.add(status));
  if (operation.access === 'api_key') statuses.add(403);
  if (operation.path.includes('{id}')) statuses.add(404);
  if (operation.body) statuses.add(413);
  return [...statuses].sort();
}

function isOptional(schema: z.ZodType): boolean {
  return schema.safeParse(undefined).success;
}

const revalidationHeaders = {
  ETag: { description: 'Weak validator of this answer (a hash of its body)', schema: { type: 'string' } },
  'Cache-Control': { description: 'private, max-age=5: the caller\'s own cache may reuse it briefly, no shared cache may', schema: { type: 'string' } },
};

function operationObject(operation: Operation, used: { input: Set<string>; output: Set<string> }) {
  const where = `${operation.method.toUpperCase()} ${operation.path}`;
  const query = Object.entries(operation.query?.shape ?? {})
    .filter(([name]) => !(operation.access === 'api_key_or_calendar_token' && name === 'token'))
    .map(([name, field]) => {
      const { description, ...schema } = inline(field as z.ZodType, 'input', `${where} ?${name}`);
      return { name, in: 'query', required: !isOptional(field as z.ZodType), ...(description !== undefined && { description }), schema };
    });
  const parameters = [
    ...[...operation.path.matchAll(/\{(\w+)\}/g)].map(([, name]) => ({ name, in: 'path', required: true, schema: { type: 'string', format: 'uuid' } })),
    ...query,
    ...(operation.method === 'post' && !operation.path.includes('{id}')
      ? [{
        name: 'Idempotency-Key', in: 'header', required: false,
        description: 'Sent again with the same key, the request gets the first answer instead of creating twice',
        schema: { type: 'string', minLength: 1, maxLength: 255, pattern: '^[\\x21-\\x7e]+$' },
      }]
      : []),
    ...(operation.idempotent
      ? [{
        name: 'Idempotency-Key', in: 'header', required: false,
        description: 'Sent again with the same key (after a lost answer), the request gets the first answer and the change is made once; the same key with another body is 422',
        schema: { type: 'string', minLength: 1, maxLength: 255, pattern: '^[\\x21-\\x7e]+$' },
      }]
      : []),
    ...(operation.revalidates
      ? [{ name: 'If-None-Match', in: 'header', required: false, description: 'The ETag of an answer kept: 304 if it is still the answer', schema: { type: 'string' } }]
      : []),
  ];
  const success = (description: string) => operation.response
    ? {
      description,
      ...(operation.revalidates && { headers: revalidationHeaders }),
      content: { [operation.responseType ?? 'application/json']: { schema: schemaRef(operation.response, 'output', where, used.output) } },
    }
    : { description };
  return {
    operationId: operation.operationId,
    tags: [operation.tag],
    summary: operation.summary,
    security: security[operation.access],
    ...(parameters.length > 0 && { parameters }),
    ...(operation.body && {
      // Required only where an absent body ({}) would be refused: a PATCH without changes changes nothing.
      requestBody: { required: !operation.body.safeParse({}).success, content: { 'application/json': { schema: schemaRef(operation.body, 'input', where, used.input) } } },
    }),
    responses: {
      [operation.status]: success(operation.response ? 'OK' : 'No content'),
      ...(operation.alsoStatus && { [operation.alsoStatus.status]: success(operation.alsoStatus.description) }),
      ...(operation.revalidates && { 304: { description: 'Not modified: the answer whose ETag was sent in If-None-Match is still the answer' } }),
      ...Object.fromEntries(errorStatuses(operation)
        .filter((status) => status !== operation.alsoStatus?.status)
        .map((status) => [status, { $ref: `#/components/responses/${problemResponses[status].name}` }])),
    },
  };
}

const TAGS: Record<Operation['tag'], string> = {
  Resources: 'People, rooms and desks that can be booked, with their weekly schedule and date overrides',
  Services: 'What is booked: durations, buffers, notice, hold time, approval, seats, reminders',
  Sessions: 'Group sessions with capacity and a waiting list, optionally recurring',
  Bookings: 'Reservations: each one a durable workflow from hold to its end',
  Availability: 'Bookable slots of a service',
  Calendars: 'RFC 5545 calendar files and feeds',
  Webhooks: 'Subscriptions to booking events and their delivery log',
  ApiKeys: 'The organization\'s API keys: issue, list, revoke',
  Organization: 'The organization\'s name and logo, shown on the booking pages and in e-mails',
  Operations: 'Health, readiness and this document',
};

/**
 * OpenAPI 3.1 built from the same zod schemas that validate requests (zod 4's own JSON Schema
 * output, so no second schema library can drift from them): requests in their input form,
 * responses in their output form, both under components/schemas.
 */
function buildDocument(): Record<string, unknown> {
  const used = { input: new Set<string>(), output: new Set<string>() };
  const paths: Record<string, Record<string, unknown>> = {};
  for (const operation of operations) {
    paths[operation.path] = { ...paths[operation.path], [operation.method]: operationObject(operation, used) };
  }
  used.output.add(idOf(problemSchema)!);

  const input = componentsFor('input');
  const output = componentsFor('output');
  const inputIds = collectRefs(input, used.input);
  const outputIds = collectRefs(output, used.output);
  const schemas: Record<string, JsonSchema> = {};
  for (const id of [...inputIds, ...outputIds].sort()) {
    const schema = outputIds.has(id) ? output[id] : input[id];
    if (inputIds.has(id) && outputIds.has(id) && JSON.stringify(input[id]) !== JSON.stringify(output[id])) {
      throw new Error(`schema ${id} is used by requests and responses but differs between them; give them separate ids`);
    }
    schemas[id] = componentExamples[id] ? { ...schema, examples: componentExamples[id] } : schema;
  }

  return {
    openapi: '3.1.0',
    info: {
      title: 'Booking orchestrator',
      version: '1',
      description: 'Every booking is a durable Temporal workflow backed by PostgreSQL. Errors are application/problem+json (RFC 9457). '
        + 'Times: see "Times" in the README; every instant is ISO 8601 with an explicit offset.',
      license: { name: 'UNLICENSED', identifier: 'UNLICENSED' },
    },
    servers: [{ url: '/', description: 'This service' }],
    tags: Object.entries(TAGS).map(([name, description]) => ({ name, description })),
    security: [{ apiKey: [] }],
    paths,
    components: {
      schemas,
      responses: Object.fromEntries(Object.entries(problemResponses).map(([, { name, description, headers, empty }]) => [name, {
        description,
        ...(headers && { headers }),
        ...(!empty && { content: { 'application/problem+json': { schema: { $ref: componentUri('Problem') } } } }),
      }])),
      securitySchemes: {
        apiKey: { type: 'http', scheme: 'bearer', description: 'The organization\'s API key: `Authorization: Bearer <key>`' },
        manageToken: {
          type: 'http', scheme: 'bearer', bearerFormat: 'mt_…',
          description: 'A booking\'s manage token (returned when it is created): the customer\'s access to that one booking',
        },
        calendarToken: { type: 'apiKey', in: 'query', name: 'token', description: 'The signed token of a resource\'s calendar-url' },
      },
    },
  };
}

let document: Record<string, unknown> | undefined;

/** Built once per process: the schemas do not change while it runs. */
export function buildOpenApiDocument(): Record<string, unknown> {
  document ??= buildDocument();
  return document;
}
