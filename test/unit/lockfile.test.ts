import fs from 'node:fs';
import path from 'node:path';
import semver from 'semver';

/**
 * `npm ci` (the README's install, .ci/run and the Dockerfile) refuses a lockfile that does not match
 * package.json; this finds the drift in milliseconds, before a clean clone or an image build does.
 */
const root = path.resolve(__dirname, '..', '..');
const manifest = JSON.parse(fs.readFileSync(path.join(root, 'package.json'), 'utf8'));
const lock = JSON.parse(fs.readFileSync(path.join(root, 'package-lock.json'), 'utf8'));
const declaredKinds = ['dependencies', 'devDependencies', 'optionalDependencies'] as const;

test('the lockfile records exactly the dependencies package.json declares', () => {
  const locked = lock.packages[''];
  expect(lock.name).toBe(manifest.name);
  for (const kind of declaredKinds) expect({ kind, ranges: locked[kind] ?? {} }).toEqual({ kind, ranges: manifest[kind] ?? {} });
});

test('every declared dependency is resolved in the lockfile, and only development ones are marked dev', () => {
  for (const kind of declaredKinds) {
    for (const name of Object.keys(manifest[kind] ?? {})) {
      const entry = lock.packages[`node_modules/${name}`];
      expect({ name, resolved: Boolean(entry?.version) }).toEqual({ name, resolved: true });
      if (kind === 'dependencies') expect({ name, dev: entry.dev ?? false }).toEqual({ name, dev: false });
    }
  }
});

test('every locked package runs on the oldest Node.js that package.json names (CI runs it)', () => {
  const oldest = semver.minVersion(manifest.engines.node)!.version;
  const refusing = Object.entries(lock.packages as Record<string, { engines?: { node?: string } }>)
    .filter(([name, entry]) => name && typeof entry.engines?.node === 'string' && !semver.satisfies(oldest, entry.engines.node))
    .map(([name, entry]) => `${name} wants node ${entry.engines!.node}`);
  expect(refusing).toEqual([]);
});
