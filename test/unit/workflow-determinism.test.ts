import fs from 'node:fs';
import path from 'node:path';

const WORKFLOWS = path.resolve(__dirname, '..', '..', 'workflows');
// zod is pure: Update validators parse payloads with the API's own schemas.
const ALLOWED_VALUE_IMPORTS = ['@temporalio/workflow', '@temporalio/common', 'zod'];

/**
 * House rule 1: workflow code is deterministic. It may import values only from the workflow SDK
 * and its own folder; anything else (db, activities, Node modules, Luxon zones) only as types.
 */
describe('workflows/ imports', () => {
  const files = fs.readdirSync(WORKFLOWS).filter((file) => file.endsWith('.ts'));

  test.each(files)('%s imports only deterministic modules as values', (file) => {
    const source = fs.readFileSync(path.join(WORKFLOWS, file), 'utf8');
    const imports = [...source.matchAll(/^import\s+(type\s+)?[^;]*?from\s+'([^']+)'/gms)];
    const offending = imports
      .filter(([, typeOnly, specifier]) => !typeOnly && !ALLOWED_VALUE_IMPORTS.includes(specifier) && !specifier.startsWith('./'))
      .map(([, , specifier]) => specifier);
    expect(offending).toEqual([]);
    expect(source).not.toMatch(/\brequire\(/);
  });
});
