import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { stopChild } from './child-process';
import { freePort } from './infra-launcher';

/** Pinned so every machine tests against the same CalDAV server. */
export const RADICALE_VERSION = '3.9.0';
const PROJECT_ROOT = path.resolve(__dirname, '..', '..');
const TOOLS_DIR = path.join(PROJECT_ROOT, '.tools', `radicale-${RADICALE_VERSION}`);

export interface RadicaleServer {
  /** The server's root, e.g. http://127.0.0.1:5232/ */
  url: string;
  port: number;
  username: string;
  password: string;
  /** The collections live here; a restart on the same folder finds them again. */
  storageDir: string;
  stop(): Promise<void>;
}

function findPython(): string {
  for (const dir of (process.env.PATH ?? '').split(path.delimiter)) {
    for (const name of ['python3', 'python']) {
      const candidate = path.join(dir, name);
      try {
        fs.accessSync(candidate, fs.constants.X_OK);
        return candidate;
      } catch {
        // not in this directory
      }
    }
  }
  throw new Error('Radicale needs python3 on PATH');
}

/**
 * Radicale and its few pure-Python dependencies installed into `.tools/` on first use (pip
 * --target), so nothing is installed into Python itself and no manual step is needed.
 */
export function installRadicale(): string {
  const python = findPython();
  if (fs.existsSync(path.join(TOOLS_DIR, 'radicale', '__init__.py'))) return python;
  const partial = `${TOOLS_DIR}.partial-${process.pid}`;
  fs.rmSync(partial, { recursive: true, force: true });
  execFileSync(python, [
    '-m', 'pip', 'install', '--disable-pip-version-check', '--no-input', '--quiet', '--target', partial,
    `radicale==${RADICALE_VERSION}`,
  ], { stdio: ['ignore', 'ignore', 'pipe'] });
  try {
    // rename is atomic, so a concurrent launcher never imports a half-written package
    fs.renameSync(partial, TOOLS_DIR);
  } catch (error) {
    fs.rmSync(partial, { recursive: true, force: true });
    if (!fs.existsSync(path.join(TOOLS_DIR, 'radicale', '__init__.py'))) throw error;
  }
  return python;
}

function answers(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = net.connect(port, '127.0.0.1', () => {
      socket.end();
      resolve(true);
    });
    socket.on('error', () => resolve(false));
  });
}

/**
 * A Radicale on a loopback port with a throw-away htpasswd (plain: bcrypt would need a compiled
 * extra) and storage folder. Pass `port` and `storageDir` of a stopped server to start it again
 * with its collections, as a calendar server coming back after an outage.
 */
export async function startRadicale(options: { dir?: string; port?: number; storageDir?: string; username?: string; password?: string } = {}): Promise<RadicaleServer> {
  const python = installRadicale();
  const dir = options.dir ?? fs.mkdtempSync(path.join(os.tmpdir(), 'radicale-'));
  const storageDir = options.storageDir ?? path.join(dir, 'collections');
  fs.mkdirSync(storageDir, { recursive: true });
  const username = options.username ?? 'host';
  const password = options.password ?? `pw-${Math.random().toString(36).slice(2)}`;
  const users = path.join(dir, 'users');
  fs.writeFileSync(users, `${username}:${password}\n`, { mode: 0o600 });
  const port = options.port ?? await freePort();
  const log = fs.openSync(path.join(dir, `radicale-${port}.log`), 'a');
  const child: ChildProcess = spawn(python, [
    '-m', 'radicale', '--config', '',
    '--server-hosts', `127.0.0.1:${port}`,
    '--auth-type', 'htpasswd', '--auth-htpasswd-filename', users, '--auth-htpasswd-encryption', 'plain',
    // no pause after a wrong password: the tests count the attempts, not the seconds
    '--auth-delay', '0',
    '--rights-type', 'owner_only',
    '--storage-filesystem-folder', storageDir,
    '--logging-level', 'warning',
  ], { env: { ...process.env, PYTHONPATH: TOOLS_DIR, PYTHONDONTWRITEBYTECODE: '1' }, stdio: ['ignore', log, log] });
  fs.closeSync(log);
  const started = Date.now();
  while (!await answers(port)) {
    if (child.exitCode !== null) {
      throw new Error(`Radicale exited with ${child.exitCode}:\n${fs.readFileSync(path.join(dir, `radicale-${port}.log`), 'utf8')}`);
    }
    if (Date.now() - started > 30_000) {
      child.kill('SIGKILL');
      throw new Error('Radicale did not listen within 30 s');
    }
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  return {
    url: `http://127.0.0.1:${port}/`, port, username, password, storageDir,
    stop: () => stopChild(child, 5000),
  };
}
