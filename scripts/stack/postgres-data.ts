import { loadConfig } from '../../config';
import { ClusterInUse, listSharedClusters, pruneSharedClusters, resetData } from './postgres-clusters';
import { SHARED_CACHE } from './postgres-reach';

const USAGE = `usage:
  npm run reset                   deletes DATA_DIR (default .data) and, when it lives in the shared
                                  cache, its PostgreSQL cluster: the next npm start is a fresh stack
  npm run clusters                the PostgreSQL clusters in PG_SHARED_CACHE_DIR (${SHARED_CACHE}),
                                  each with its data folder and whether that folder still uses it
  npm run clusters -- --prune     also deletes the orphaned ones (their data folder is gone or reset)`;

/** The local stack's data: where it is, resetting it, and clusters left behind by gone checkouts. */
function main(args: string[]) {
  const [command, ...rest] = args;
  switch (command) {
    case 'reset': {
      const { dataDir, databaseUrl } = loadConfig();
      const removed = resetData(dataDir);
      console.log(removed.length > 0 ? `removed ${removed.join(' and ')}` : `nothing to remove: ${dataDir} does not exist`);
      if (databaseUrl) console.log('DATABASE_URL is set: that database was not touched');
      return;
    }
    case 'clusters': {
      const clusters = listSharedClusters(SHARED_CACHE);
      if (clusters.length === 0) console.log(`no clusters in ${SHARED_CACHE}`);
      for (const cluster of clusters) {
        const running = cluster.running ? ', running' : '';
        console.log(`${cluster.home}  ${cluster.status}${running}  ${cluster.dataDir ?? '(made before data folders recorded their cluster; delete it by hand if no checkout needs it)'}`);
      }
      if (rest.includes('--prune')) {
        const pruned = pruneSharedClusters(SHARED_CACHE);
        console.log(pruned.length > 0 ? `removed ${pruned.map((cluster) => cluster.home).join(', ')}` : 'no orphaned cluster to remove');
      }
      return;
    }
    default:
      console.log(USAGE);
      if (command && command !== 'help' && command !== '--help') process.exitCode = 2;
  }
}

try {
  main(process.argv.slice(2));
} catch (error) {
  console.error(error instanceof ClusterInUse || (error as Error)?.name === 'ConfigError' ? (error as Error).message : error);
  process.exitCode = 1;
}
