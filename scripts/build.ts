import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { bundleWorkflowCode, DefaultLogger } from '@temporalio/worker';
import { PAYLOAD_CONVERTER_PATH } from '../personal-data/data-converter';
import { PRELOADED_WORKFLOW_MODULES, WORKFLOWS_PATH } from '../worker/bundled-workflows';
import { tracedWorkflowInterceptorModules, workflowInterceptorModules } from '../telemetry/workflow-interceptor-modules';

const ROOT = path.resolve(__dirname, '..');
const DIST = path.join(ROOT, 'dist');

/**
 * `npm run build`: the production entry points compiled to CommonJS in dist/ (tsconfig.build.json),
 * and the workflows bundled once, into dist/worker/workflow-bundle.js, beside the compiled worker, which loads it
 * instead of running webpack at every start.
 */
async function main() {
  fs.rmSync(DIST, { recursive: true, force: true });
  execFileSync(process.execPath, [require.resolve('typescript/bin/tsc'), '-p', path.join(ROOT, 'tsconfig.build.json')], { stdio: 'inherit' });
  // The request id's interceptors go into the bundle: a worker given a bundle loads no modules of its
  // own. A second bundle adds OpenTelemetry's, for a worker with tracing on (OTEL_EXPORTER_OTLP_ENDPOINT).
  // Both carry the workflows' side of the personal-data codec (it sets personal fields apart for sealing).
  const bundles = [
    { file: 'workflow-bundle.js', modules: workflowInterceptorModules },
    { file: 'workflow-bundle-traced.js', modules: tracedWorkflowInterceptorModules },
  ];
  for (const { file, modules } of bundles) {
    const { code } = await bundleWorkflowCode({
      workflowsPath: WORKFLOWS_PATH,
      workflowInterceptorModules: modules,
      payloadConverterPath: PAYLOAD_CONVERTER_PATH,
      preloadModules: PRELOADED_WORKFLOW_MODULES,
      logger: new DefaultLogger('WARN'),
    });
    fs.writeFileSync(path.join(DIST, 'worker', file), code);
  }
  // The pages' script is served as a file, not compiled.
  fs.cpSync(path.join(ROOT, 'web', 'assets'), path.join(DIST, 'web', 'assets'), { recursive: true });
  console.log(`dist/ built: ${['api/server.js', 'worker/main.js', 'scripts/migrate.js', 'scripts/admin.js', 'worker/workflow-bundle.js', 'worker/workflow-bundle-traced.js'].join(', ')}`);
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
