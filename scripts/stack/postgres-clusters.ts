import { createHash, randomBytes } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';

/**
 * Clusters kept in the shared cache for checkouts whose data folder PostgreSQL's user cannot
 * enter. The data folder records which cluster is its own (DATA_DIR/postgres-cluster) and the
 * cluster records its data folder (owner.json), so that deleting the data folder leaves its
 * cluster behind for good: the next start makes a new, empty one, and the old one shows up as
 * orphaned, to be pruned.
 */

const RECORD = 'postgres-cluster';
const OWNER = 'owner.json';
const CLUSTER_NAME = /^cluster-[0-9a-f]+$/;

interface Owner {
  dataDir: string;
  createdAt: string;
}

export interface SharedCluster {
  home: string;
  /** The data folder it belongs to, if it says. */
  dataDir: string | null;
  status: 'in use' | 'orphaned' | 'owner unknown';
  running: boolean;
}

/** The cluster home recorded in a data folder, if any. */
export function recordedCluster(dataDir: string): string | null {
  try {
    const home = fs.readFileSync(path.join(dataDir, RECORD), 'utf8').trim();
    return CLUSTER_NAME.test(path.basename(home)) ? home : null;
  } catch {
    return null;
  }
}

/** Where the clusters of earlier versions went: named by the data folder's path, not recorded. */
function unrecordedHome(sharedCache: string, dataDir: string): string {
  const key = createHash('sha256').update(path.resolve(dataDir)).digest('hex').slice(0, 12);
  return path.join(sharedCache, `cluster-${key}`);
}

/**
 * The home in the shared cache of the cluster of `dataDir`: the recorded one, else a new one,
 * recorded. An existing data folder (not an emptied one) whose cluster predates the record keeps it.
 */
export function sharedClusterHome(sharedCache: string, dataDir: string): string {
  let home = recordedCluster(dataDir);
  if (!home) {
    const unrecorded = unrecordedHome(sharedCache, dataDir);
    const keepsOld = fs.readdirSync(dataDir).length > 0 && fs.existsSync(unrecorded);
    home = keepsOld ? unrecorded : path.join(sharedCache, `cluster-${randomBytes(8).toString('hex')}`);
  }
  fs.mkdirSync(home, { recursive: true, mode: 0o755 });
  fs.chmodSync(home, 0o755);
  if (!fs.existsSync(path.join(home, OWNER))) {
    const owner: Owner = { dataDir: path.resolve(dataDir), createdAt: new Date().toISOString() };
    fs.writeFileSync(path.join(home, OWNER), `${JSON.stringify(owner, null, 2)}\n`);
  }
  fs.writeFileSync(path.join(dataDir, RECORD), `${home}\n`);
  return home;
}

/** Refusal to delete a cluster a server runs on. */
export class ClusterInUse extends Error {}

/** Whether a PostgreSQL server is running on the cluster in `databaseDir`. */
export function isServerRunning(databaseDir: string): boolean {
  let pid: number;
  try {
    pid = Number(fs.readFileSync(path.join(databaseDir, 'postmaster.pid'), 'utf8').split('\n')[0]);
  } catch {
    return false;
  }
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

function readOwner(home: string): Owner | null {
  try {
    return JSON.parse(fs.readFileSync(path.join(home, OWNER), 'utf8')) as Owner;
  } catch {
    return null;
  }
}

/** Every cluster in the shared cache, with the data folder it belongs to and whether that still claims it. */
export function listSharedClusters(sharedCache: string): SharedCluster[] {
  if (!fs.existsSync(sharedCache)) return [];
  return fs.readdirSync(sharedCache)
    .filter((entry) => CLUSTER_NAME.test(entry))
    .map((entry) => {
      const home = path.join(sharedCache, entry);
      const owner = readOwner(home);
      const running = isServerRunning(path.join(home, 'postgres'));
      if (!owner) return { home, dataDir: null, status: 'owner unknown', running };
      const claimed = recordedCluster(owner.dataDir) === home;
      return { home, dataDir: owner.dataDir, status: claimed ? 'in use' : 'orphaned', running };
    });
}

/** Removes the clusters whose data folder is gone or has another cluster, unless a server runs on one. */
export function pruneSharedClusters(sharedCache: string): SharedCluster[] {
  const orphans = listSharedClusters(sharedCache).filter((cluster) => cluster.status === 'orphaned' && !cluster.running);
  for (const cluster of orphans) fs.rmSync(cluster.home, { recursive: true, force: true });
  return orphans;
}

/**
 * Deletes the data of `dataDir`: the folder and, when its cluster is in the shared cache, that
 * cluster. Refused while a server runs on it. Returns what was removed.
 */
export function resetData(dataDir: string): string[] {
  const shared = recordedCluster(dataDir);
  const ownShared = shared && readOwner(shared)?.dataDir === path.resolve(dataDir) ? shared : null;
  for (const databaseDir of [path.join(dataDir, 'postgres'), ...(ownShared ? [path.join(ownShared, 'postgres')] : [])]) {
    if (isServerRunning(databaseDir)) throw new ClusterInUse(`PostgreSQL is running on ${databaseDir}: stop npm start first`);
  }
  const removed = [dataDir, ...(ownShared ? [ownShared] : [])].filter((folder) => fs.existsSync(folder));
  for (const folder of removed) fs.rmSync(folder, { recursive: true, force: true });
  return removed;
}
