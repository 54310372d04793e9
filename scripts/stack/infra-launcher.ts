import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';

const ROOT = path.resolve(__dirname, '..', '..');

export interface InfraStack {
  databaseUrl: string;
  temporalAddress: string;
  /** The dev server's Web UI (null with an external TEMPORAL_ADDRESS). */
  temporalUi: string | null;
  dataDir: string;
  /** The launcher's process: PostgreSQL and the Temporal dev server are its children. */
  launcherPid: number;
  stop(): Promise<void>;
}

export function freePort(): Promise<number> {
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
 * PostgreSQL and Temporal started by the same launcher as `npm start` (its --infra-only mode) in a
 * throw-away data dir on free ports, for the test suite and the benchmarks. DATABASE_URL and
 * TEMPORAL_ADDRESS in the environment are honoured exactly as `npm start` honours them.
 */
export async function launchInfraStack(
  prefix: string, ports: { pg?: number; temporal?: number; temporalUi?: number } = {},
): Promise<InfraStack> {
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), `${prefix}-`));
  const readyFile = path.join(dataDir, 'ready.json');
  const logFile = path.join(dataDir, 'launcher.log');
  const env = {
    ...process.env,
    DATA_DIR: dataDir,
    PG_PORT: String(ports.pg ?? await freePort()),
    TEMPORAL_PORT: String(ports.temporal ?? await freePort()),
    TEMPORAL_UI_PORT: String(ports.temporalUi ?? await freePort()),
    STACK_READY_FILE: readyFile,
  };
  const log = fs.openSync(logFile, 'a');
  const launcher = spawn(process.execPath, ['--import', 'tsx', path.join(ROOT, 'scripts', 'start.ts'), '--infra-only'], {
    cwd: ROOT, env, stdio: ['ignore', log, log],
  });
  fs.closeSync(log);
  const started = Date.now();
  while (!fs.existsSync(readyFile)) {
    if (launcher.exitCode !== null) throw new Error(`the stack failed to start:\n${fs.readFileSync(logFile, 'utf8')}`);
    if (Date.now() - started > 180_000) {
      launcher.kill('SIGKILL');
      throw new Error('the stack did not start within 180 s');
    }
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
  const { databaseUrl, temporalAddress, temporalUi } = JSON.parse(fs.readFileSync(readyFile, 'utf8'));
  return { databaseUrl, temporalAddress, temporalUi, dataDir, launcherPid: launcher.pid!, stop: () => stopLauncher(launcher, dataDir) };
}

async function stopLauncher(launcher: ChildProcess, dataDir: string): Promise<void> {
  if (launcher.exitCode === null && launcher.signalCode === null) {
    await new Promise<void>((resolve) => {
      const killer = setTimeout(() => launcher.kill('SIGKILL'), 20_000);
      launcher.once('exit', () => {
        clearTimeout(killer);
        resolve();
      });
      launcher.kill('SIGTERM');
    });
  }
  if (!process.env.KEEP_TEST_STACK) fs.rmSync(dataDir, { recursive: true, force: true });
}
