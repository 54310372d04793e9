import fs from 'node:fs';
import path from 'node:path';
import { bundleWorkflowCode, DefaultLogger } from '@temporalio/worker';
import { launchInfraStack } from '../../scripts/stack/infra-launcher';
import { startRadicale } from '../../scripts/stack/radicale';
import { PAYLOAD_CONVERTER_PATH } from '../../personal-data/data-converter';
import { workflowInterceptorModules } from '../../telemetry/workflow-interceptor-modules';
import { PRELOADED_WORKFLOW_MODULES, WORKFLOWS_PATH } from '../../worker/bundled-workflows';

/**
 * One PostgreSQL and one Temporal dev server for the whole run, started by the same launcher as
 * `npm start`, and one Radicale as the hosts' CalDAV server; the workflows are bundled once for
 * every test file's worker.
 */
export default async function globalSetup() {
  const stack = await launchInfraStack('booking-test');
  const { code } = await bundleWorkflowCode({
    workflowsPath: WORKFLOWS_PATH,
    workflowInterceptorModules,
    payloadConverterPath: PAYLOAD_CONVERTER_PATH,
    preloadModules: PRELOADED_WORKFLOW_MODULES,
    logger: new DefaultLogger('WARN'),
  });
  const radicaleDir = path.join(stack.dataDir, 'radicale');
  fs.mkdirSync(radicaleDir);
  const radicale = await startRadicale({ dir: radicaleDir });
  const bundlePath = path.join(stack.dataDir, 'workflow-bundle.js');
  fs.writeFileSync(bundlePath, code);
  process.env.TEST_DATABASE_URL = stack.databaseUrl;
  process.env.TEST_TEMPORAL_ADDRESS = stack.temporalAddress;
  if (stack.temporalUi) process.env.TEST_TEMPORAL_UI = stack.temporalUi;
  process.env.TEST_WORKFLOW_BUNDLE = bundlePath;
  process.env.TEST_CALDAV_URL = radicale.url;
  process.env.TEST_CALDAV_USER = radicale.username;
  process.env.TEST_CALDAV_PASSWORD = radicale.password;
  (globalThis as { testStack?: unknown }).testStack = stack;
  (globalThis as { testRadicale?: unknown }).testRadicale = radicale;
}
