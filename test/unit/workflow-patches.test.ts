import fs from 'node:fs';
import path from 'node:path';

const ROOT = path.resolve(__dirname, '..', '..');

/** Every patch the workflows call is in the dated list of docs/operations.md, and nothing else is. */
test('the workflows\' patches are the ones docs/operations.md dates', () => {
  const dir = path.join(ROOT, 'workflows');
  const called = fs.readdirSync(dir).filter((file) => file.endsWith('.ts'))
    .flatMap((file) => [...fs.readFileSync(path.join(dir, file), 'utf8').matchAll(/\b(?:patched|deprecatePatch)\('([^']+)'\)/g)].map((m) => m[1]))
    .sort();
  const operations = fs.readFileSync(path.join(ROOT, 'docs', 'operations.md'), 'utf8');
  const listed = [...operations.matchAll(/^\| `([a-z-]+)` \|/gm)].map((m) => m[1]).sort();
  expect(listed).toEqual(called);
});
