import fs from 'node:fs';
import path from 'node:path';

const WORKFLOWS = path.resolve(__dirname, '..', '..', 'workflows');
// zod is pure (workflows/text.ts and payloads.ts build the API's schemas from it), though no workflow loads it.
const ALLOWED_VALUE_IMPORTS = ['@temporalio/workflow', '@temporalio/common', 'zod'];
// The booking statuses' one home: pure definitions without I/O, shared with the database and the API.
const ALLOWED_DOMAIN_IMPORTS = ['../domain/booking-status'];
/** Every `import … from` and `export … from` of a module, and whether it is type-only. */
const MODULE_REFERENCES = /^(?:import|export)\s+(type\s+)?[^;]*?from\s+'([^']+)'/gms;

/**
 * House rule 1: workflow code is deterministic. It may import values only from the workflow SDK
 * and its own folder; anything else (db, activities, Node modules, Luxon zones) only as types.
 */
describe('workflows/ imports', () => {
  const files = fs.readdirSync(WORKFLOWS).filter((file) => file.endsWith('.ts'));

  test.each(files)('%s imports only deterministic modules as values', (file) => {
    const source = fs.readFileSync(path.join(WORKFLOWS, file), 'utf8');
    const imports = [...source.matchAll(MODULE_REFERENCES)];
    const offending = imports
      .filter(([, typeOnly, specifier]) => !typeOnly && !ALLOWED_VALUE_IMPORTS.includes(specifier) && !ALLOWED_DOMAIN_IMPORTS.includes(specifier)
        && !specifier.startsWith('./'))
      .map(([, , specifier]) => specifier);
    expect(offending).toEqual([]);
    expect(source).not.toMatch(/\brequire\(/);
  });
});

/**
 * Zod's classes and schemas once cost more worker CPU per reservation than the rest of the
 * workflow code (each run evaluated them afresh, before the workflows' modules were preloaded).
 * The Update validators check payloads with workflows/payload-checks.ts instead.
 */
test('zod stays out of the modules the workflows load', () => {
  const seen = new Set<string>();
  const visit = (file: string): string[] => {
    if (seen.has(file)) return [];
    seen.add(file);
    const source = fs.readFileSync(path.join(WORKFLOWS, file), 'utf8');
    const imports = [...source.matchAll(MODULE_REFERENCES)].filter(([, typeOnly]) => !typeOnly);
    return imports.flatMap(([, , specifier]) => (specifier.startsWith('./')
      ? visit(`${specifier.slice(2)}.ts`)
      : specifier === 'zod' ? [file] : []));
  };
  expect(visit('index.ts')).toEqual([]);
});
