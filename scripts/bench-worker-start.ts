import { execFileSync, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { createDb, ensureDatabase } from '../db/connection';
import { migrateToLatest } from '../db/migrate';
import { launchInfraStack } from './stack/infra-launcher';
import { benchPort } from './bench/bench-stack';

const ROOT = path.resolve(__dirname, '..');
const RUNS = Number(process.env.BENCH_RUNS ?? 5);

/**
 * How long the compiled worker takes from `node dist/worker/main.js` to polling its task queue: with the
 * workflow bundle `npm run build` made, and with the same dist/ minus that bundle (so it runs
 * webpack at start, as every start did before). The floor is Node loading the worker SDK alone.
 */
async function main() {
  console.log('npm run build…');
  execFileSync('npm', ['run', 'build'], { cwd: ROOT, stdio: 'ignore' });
  // A dist/ without the prebuilt bundle, inside the project so it finds node_modules.
  const unbundled = path.join(ROOT, '.data', 'bench-dist-unbundled');
  fs.rmSync(unbundled, { recursive: true, force: true });
  fs.cpSync(path.join(ROOT, 'dist'), unbundled, { recursive: true });
  fs.rmSync(path.join(unbundled, 'worker', 'workflow-bundle.js'));

  console.log('starting PostgreSQL and Temporal (the npm start launcher, --infra-only)…');
  const infra = await launchInfraStack('booking-bench', {
    pg: benchPort('BENCH_PG_PORT'), temporal: benchPort('BENCH_TEMPORAL_PORT'), temporalUi: benchPort('BENCH_TEMPORAL_UI_PORT'),
  });
  try {
    const databaseUrl = await ensureDatabase(infra.databaseUrl, 'bench_worker_start');
    const db = createDb(databaseUrl, 1);
    await migrateToLatest(db);
    await db.destroy();
    const env = {
      PATH: process.env.PATH, NODE_ENV: 'production', DATABASE_URL: databaseUrl, TEMPORAL_ADDRESS: infra.temporalAddress,
      MANAGE_TOKEN_SECRET: randomBytes(48).toString('base64'),
    };
    const rows: Array<[string, number[]]> = [
      ['floor: node loads @temporalio/worker', await repeat(() => timeToExit(['-e', "require('@temporalio/worker')"], env))],
      ['dist/worker/main.js, prebuilt bundle', await repeat(() => timeToPolling(path.join(ROOT, 'dist', 'worker', 'main.js'), env))],
      ['dist/worker/main.js, bundling at start', await repeat(() => timeToPolling(path.join(unbundled, 'worker', 'main.js'), env))],
    ];
    console.log(`\nworker start, ${RUNS} runs each, ms from spawn to "worker polling" (${process.version}):`);
    console.log(`${'variant'.padEnd(40)} ${'median'.padStart(8)} ${'min'.padStart(8)} ${'max'.padStart(8)}`);
    for (const [name, times] of rows) {
      const sorted = [...times].sort((a, b) => a - b);
      console.log(`${name.padEnd(40)} ${String(sorted[Math.floor(sorted.length / 2)]).padStart(8)} ${String(sorted[0]).padStart(8)} ${String(sorted[sorted.length - 1]).padStart(8)}`);
    }
  } finally {
    await infra.stop();
    fs.rmSync(unbundled, { recursive: true, force: true });
  }
}

async function repeat(run: () => Promise<number>): Promise<number[]> {
  const times: number[] = [];
  for (let i = 0; i < RUNS; i += 1) times.push(await run());
  return times;
}

function timeToExit(args: string[], env: NodeJS.ProcessEnv): Promise<number> {
  const started = performance.now();
  return new Promise((resolve, reject) => {
    spawn(process.execPath, args, { cwd: ROOT, env, stdio: 'ignore' }).once('exit', (code) => {
      if (code === 0) resolve(Math.round(performance.now() - started));
      else reject(new Error(`node ${args.join(' ')} exited with ${code}`));
    });
  });
}

/** Spawns the worker on a task queue of its own, waits for its "polling" line, then stops it. */
function timeToPolling(entry: string, env: NodeJS.ProcessEnv): Promise<number> {
  const started = performance.now();
  const child = spawn(process.execPath, [entry], {
    cwd: ROOT, env: { ...env, TEMPORAL_TASK_QUEUE: `bench-start-${randomBytes(4).toString('hex')}` }, stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  return new Promise((resolve, reject) => {
    child.stderr.on('data', (chunk) => { output += chunk; });
    child.stdout.on('data', (chunk) => {
      output += chunk;
      if (output.includes('worker polling')) {
        const elapsed = Math.round(performance.now() - started);
        child.once('exit', () => resolve(elapsed));
        child.kill('SIGTERM');
      }
    });
    child.once('exit', (code) => {
      if (!output.includes('worker polling')) reject(new Error(`worker exited with ${code}:\n${output}`));
    });
  });
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
