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

/**
 * Every workflow run evaluates the modules it imports afresh (the SDK keeps a module cache per
 * run), so a heavy library in the workflows' import graph is paid for by every booking: zod's
 * classes and schemas cost more worker CPU per reservation than the rest of the workflow code.
 * The Update validators check payloads with workflows/payload-checks.ts instead.
 */
test('zod stays out of the modules the workflows load', () => {
  const seen = new Set<string>();
  const visit = (file: string): string[] => {
    if (seen.has(file)) return [];
    seen.add(file);
    const source = fs.readFileSync(path.join(WORKFLOWS, file), 'utf8');
    const imports = [...source.matchAll(/^import\s+(type\s+)?[^;]*?from\s+'([^']+)'/gms)].filter(([, typeOnly]) => !typeOnly);
    return imports.flatMap(([, , specifier]) => (specifier.startsWith('./')
      ? visit(`${specifier.slice(2)}.ts`)
      : specifier === 'zod' ? [file] : []));
  };
  expect(visit('index.ts')).toEqual([]);
});
