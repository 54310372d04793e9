import fs from 'node:fs';
import path from 'node:path';

/**
 * No Docker engine runs the Dockerfile here; this holds it to what the README promises, and
 * test/integration/production-build.test.ts runs its build steps outside Docker.
 */
const dockerfile = fs.readFileSync(path.resolve(__dirname, '..', '..', 'Dockerfile'), 'utf8');
const stages = dockerfile.split(/^FROM /m).slice(1).map((stage) => `FROM ${stage}`);

test('two stages on a current Node LTS: a build with dev dependencies, a runtime with production ones', () => {
  expect(stages).toHaveLength(2);
  for (const stage of stages) expect(stage).toMatch(/^FROM node:(22|24)[\w.-]*(?: AS \w+)?$/m);
  const [build, runtime] = stages;
  expect(build).toMatch(/^RUN npm ci$/m);
  expect(build).toMatch(/^RUN npm run build$/m);
  expect(runtime).toMatch(/npm ci --omit=dev/);
  expect(runtime).not.toMatch(/tsx|COPY \. /);
  expect(runtime).toMatch(/^COPY --from=build \/app\/dist \.\/dist$/m);
});

test('the runtime is unprivileged, in production mode, with an init process forwarding signals', () => {
  const runtime = stages[1];
  expect(runtime).toMatch(/^USER node$/m);
  expect(runtime).toMatch(/NODE_ENV=production/);
  expect(runtime).toMatch(/HOST=0\.0\.0\.0/);
  expect(runtime).toMatch(/^ENTRYPOINT \["\/usr\/bin\/tini", "--"\]$/m);
  expect(runtime).toMatch(/^CMD \["node", "dist\/api\/server\.js"\]$/m);
});
