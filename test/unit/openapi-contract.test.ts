import { execFile } from 'node:child_process';
import path from 'node:path';
import { promisify } from 'node:util';
import Ajv2020 from 'ajv/dist/2020';
import { createApp, type AppDeps } from '../../api/app';
import { componentExamples } from '../../api/openapi-examples';
import { buildOpenApiDocument } from '../../api/openapi';

const run = promisify(execFile);
const root = path.join(__dirname, '..', '..');
const tsx = path.join(root, 'node_modules', '.bin', 'tsx');

interface Layer {
  rawPath?: string;
  route?: { path: string; methods: Record<string, boolean>; stack: { name: string }[] };
  handle?: { stack?: Layer[] };
}

/** Every route the Express routers serve, as "METHOD /path/{id}", found by walking the real app. */
function servedRoutes(): string[] {
  // Building the app touches no dependency; only requests would.
  const app = createApp({} as AppDeps) as unknown as { router: { stack: Layer[] } };
  const routes = new Set<string>();
  const walk = (stack: Layer[], prefix: string) => {
    for (const layer of stack) {
      if (layer.route) {
        if (layer.route.stack.every((handler) => handler.name === 'refuseUnknownQuery')) continue;
        const full = `${prefix}${layer.route.path}`.replace(/\/$/, '').replace(/:(\w+)/g, '{$1}');
        for (const method of Object.keys(layer.route.methods)) routes.add(`${method.toUpperCase()} ${full}`);
      } else if (layer.handle?.stack) {
        walk(layer.handle.stack, prefix + (layer.rawPath && layer.rawPath !== '/' ? layer.rawPath : ''));
      }
    }
  };
  walk(app.router.stack, '');
  // The customers' pages (web/) are HTML forms for people, not part of the API's contract.
  return [...routes].filter((route) => !/^\w+ \/(book|manage|assets)\//.test(route)).sort();
}

function documentedRoutes(): string[] {
  const document = buildOpenApiDocument() as { paths: Record<string, Record<string, unknown>> };
  return Object.entries(document.paths)
    .flatMap(([route, methods]) => Object.keys(methods).map((method) => `${method.toUpperCase()} ${route}`))
    .sort();
}

describe('the OpenAPI document', () => {
  it('documents every route the routers serve, and no route they do not', () => {
    const served = servedRoutes();
    const documented = documentedRoutes();
    expect(served.length).toBeGreaterThan(30);
    expect(served.filter((route) => !documented.includes(route))).toEqual([]);
    expect(documented.filter((route) => !served.includes(route))).toEqual([]);
  });

  it('passes Redocly\'s recommended lint with no error or warning', async () => {
    // Redocly is an ES module; the lint runs in its own process, as `npm run openapi:lint` does.
    const { stdout } = await run(tsx, [path.join(root, 'scripts', 'openapi-lint.ts'), '--json'], { cwd: root }).catch((error) => error);
    expect(JSON.parse(stdout)).toEqual([]);
  });

  it('holds examples that are valid by their own schemas', () => {
    const document = buildOpenApiDocument() as { components: { schemas: Record<string, object> } };
    const ajv = new Ajv2020({ strict: false, allErrors: true });
    ajv.addFormat('date-time', true);
    ajv.addFormat('date', true);
    ajv.addSchema({ $id: 'openapi.json', components: document.components });
    for (const [id, examples] of Object.entries(componentExamples)) {
      expect(document.components.schemas[id]).toBeDefined();
      const validate = ajv.getSchema(`openapi.json#/components/schemas/${id}`)!;
      for (const example of examples) {
        validate(example);
        expect({ id, errors: validate.errors ?? null }).toEqual({ id, errors: null });
      }
    }
  });

  it('is what the committed client types were generated from (npm run openapi:types)', async () => {
    const result = await run(tsx, [path.join(root, 'scripts', 'openapi-types.ts'), '--check'], { cwd: root }).catch((error) => error);
    expect(result.stderr).toBe('');
  });
});

/** A pattern whose every match is ASCII: no wildcard `.`, no negated class, no \S, \D, \W or \P. */
const asciiOnly = (pattern: string) => !/(^|[^\\])\.|\[\^|\\[SDWP]/.test(pattern);

/**
 * The longest query string each operation's parameters admit, percent-encoded: a string of
 * maxLength code units costs at most 9 bytes each (a 3-byte UTF-8 character as %XX%XX%XX), or 3 when
 * a pattern keeps it to ASCII; a parameter with no bound is Infinity.
 */
function longestQuery(parameters: Array<{ name: string; in: string; schema: Record<string, unknown> }>): number {
  return parameters.filter((parameter) => parameter.in === 'query').reduce((total, { name, schema }) => {
    let value: number;
    if (Array.isArray(schema.enum)) value = Math.max(...schema.enum.map((item) => String(item).length));
    else if (schema.type === 'integer' || schema.type === 'number') value = 24;
    else if (schema.type === 'boolean') value = 5;
    else if (typeof schema.maxLength === 'number') value = schema.maxLength * (typeof schema.pattern === 'string' && asciiOnly(schema.pattern) ? 3 : 9);
    else if (typeof schema.pattern === 'string' && /\{\d+\}\$$/.test(schema.pattern) && !/[*+]/.test(schema.pattern)) value = 3 * 64;
    else value = Infinity;
    return total + name.length + 2 + value;
  }, 0);
}

test('no query the document admits is longer than the 16 kB the server reads (a longer one is a 431, so it must be schema-invalid)', () => {
  const document = buildOpenApiDocument() as { paths: Record<string, Record<string, { parameters?: never[] }>> };
  const tooLong: Array<{ operation: string; longest: number }> = [];
  for (const [route, operations] of Object.entries(document.paths)) {
    for (const [method, operation] of Object.entries(operations)) {
      const longest = longestQuery(operation.parameters ?? []);
      // The request line and the headers (a bearer key, a request id...) share the 16 kB.
      if (longest > 14 * 1024) tooLong.push({ operation: `${method.toUpperCase()} ${route}`, longest });
    }
  }
  expect(tooLong).toEqual([]);
});
