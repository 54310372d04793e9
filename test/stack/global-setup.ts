import { spawn } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { bundleWorkflowCode, DefaultLogger } from '@temporalio/worker';

const ROOT = path.resolve(__dirname, '..', '..');

const quietLogger = new DefaultLogger('WARN');

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as net.AddressInfo;
      server.close(() => resolve(port));
    });
    server.on('error', reject);
  });
}

/**
 * One PostgreSQL and one Temporal dev server for the whole run, started by the same launcher as
 * `npm start` (its --infra-only mode) in a throw-away data dir on free ports. DATABASE_URL and
 * TEMPORAL_ADDRESS, when set, are used instead, as `npm start` would.
 */
export default async function globalSetup() {
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'booking-test-'));
  const readyFile = path.join(dataDir, 'ready.json');
  const env = {
    ...process.env,
    DATA_DIR: dataDir,
    PG_PORT: String(await freePort()),
    TEMPORAL_PORT: String(await freePort()),
    TEMPORAL_UI_PORT: String(await freePort()),
    STACK_READY_FILE: readyFile,
  };
  const log = fs.openSync(path.join(dataDir, 'launcher.log'), 'a');
  const launcher = spawn(process.execPath, ['--import', 'tsx', path.join(ROOT, 'scripts', 'start.ts'), '--infra-only'], {
    cwd: ROOT, env, stdio: ['ignore', log, log],
  });
  const started = Date.now();
  while (!fs.existsSync(readyFile)) {
    if (launcher.exitCode !== null) {
      throw new Error(`the test stack failed to start:\n${fs.readFileSync(path.join(dataDir, 'launcher.log'), 'utf8')}`);
    }
    if (Date.now() - started > 180_000) throw new Error('the test stack did not start within 180 s');
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
  const { databaseUrl, temporalAddress } = JSON.parse(fs.readFileSync(readyFile, 'utf8'));
  // Bundled once for the run instead of once per test file's worker.
  const { code } = await bundleWorkflowCode({ workflowsPath: path.join(ROOT, 'workflows'), logger: quietLogger });
  const bundlePath = path.join(dataDir, 'workflow-bundle.js');
  fs.writeFileSync(bundlePath, code);
  process.env.TEST_WORKFLOW_BUNDLE = bundlePath;
  process.env.TEST_DATABASE_URL = databaseUrl;
  process.env.TEST_TEMPORAL_ADDRESS = temporalAddress;
  process.env.TEST_STACK_DIR = dataDir;
  (globalThis as { testStackLauncher?: unknown }).testStackLauncher = launcher;
}
