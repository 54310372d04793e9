import Ajv2020, { type ValidateFunction } from 'ajv/dist/2020';
import { buildOpenApiDocument } from '../../api/openapi';

interface MediaType { schema: object }
interface ResponseObject { content?: Record<string, MediaType>; $ref?: string }
interface Document {
  paths: Record<string, Record<string, { responses: Record<string, ResponseObject> }>>;
  components: { schemas: Record<string, object>; responses: Record<string, ResponseObject> };
}

const document = buildOpenApiDocument() as unknown as Document;
const ajv = new Ajv2020({ strict: false, allErrors: true, validateSchema: false });
ajv.addFormat('date-time', true);
ajv.addFormat('uuid', true);
ajv.addFormat('date', true);
// The whole document as one schema resource, so a JSON pointer reaches any response's schema.
ajv.addSchema({ $id: 'openapi.json', paths: document.paths, components: document.components });

/** Literal routes first, so /v1/bookings/batch is not taken for /v1/bookings/{id}. */
const routes = Object.keys(document.paths)
  .map((template) => ({ template, pattern: new RegExp(`^${template.replace(/\{\w+\}/g, '[^/]+').replace(/\./g, '\\.')}$`) }))
  .sort((a, b) => (a.template.match(/\{/g)?.length ?? 0) - (b.template.match(/\{/g)?.length ?? 0));

const validators = new Map<string, ValidateFunction>();
function validatorFor(pointer: string): ValidateFunction {
  let validate = validators.get(pointer);
  if (!validate) {
    validate = ajv.compile({ $ref: `openapi.json#${pointer}` });
    validators.set(pointer, validate);
  }
  return validate;
}

const escape = (segment: string) => segment.replace(/~/g, '~0').replace(/\//g, '~1');

/**
 * Throws when an answer of the app is not what /openapi.json promises for that route and status:
 * an undocumented status, another media type, or a body its schema refuses.
 */
export function assertMatchesContract(method: string, url: string, status: number, contentType: string | null, body: unknown): void {
  const path = new URL(url, 'http://x').pathname;
  const route = routes.find(({ pattern }) => pattern.test(path));
  const operation = route && document.paths[route.template][method.toLowerCase()];
  const where = `${method} ${path} → ${status}`;
  if (!operation) {
    // Not a route at all: the app's 404 or 405, a problem like any other.
    if (status >= 400) return assertSchema(where, '/components/schemas/Problem', body);
    throw new Error(`${where}: the route is not in the OpenAPI document`);
  }
  let response = operation.responses[String(status)];
  if (!response) throw new Error(`${where}: the status is not documented for this route`);
  let pointer = `/paths/${escape(route.template)}/${method.toLowerCase()}/responses/${status}`;
  if (response.$ref) {
    pointer = response.$ref.slice(1);
    response = document.components.responses[response.$ref.split('/').pop()!];
  }
  if (!response.content) {
    if (body !== null && body !== '') throw new Error(`${where}: documented without a body, answered ${JSON.stringify(body)}`);
    return;
  }
  const mediaType = (contentType ?? '').split(';')[0].trim();
  if (!response.content[mediaType]) {
    throw new Error(`${where}: answered ${mediaType}, documented ${Object.keys(response.content).join(', ')}`);
  }
  if (!mediaType.endsWith('json')) return;
  assertSchema(where, `${pointer}/content/${escape(mediaType)}/schema`, body);
}

function assertSchema(where: string, pointer: string, body: unknown): void {
  const validate = validatorFor(pointer);
  if (!validate(body)) {
    throw new Error(`${where}: the body breaks the OpenAPI document: ${ajv.errorsText(validate.errors)}\n${JSON.stringify(body).slice(0, 2000)}`);
  }
}
