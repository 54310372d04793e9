import fs from 'node:fs';
import os from 'node:os';
import { randomUUID } from 'node:crypto';
import { sql } from 'kysely';
import { DateTime } from 'luxon';
import { encodeCursor } from '../api/cursor';
import { placeHold } from '../bookings/place-hold';
import { listBookings } from '../db/bookings';
import { planOf, type PlanNode } from '../db/query-plan';
import { reconcileBookingsWorkflow, type ReconcileRequest } from '../workflows/reconciler';
import { reconcilerScheduleId, reconcilerSweepScheduleId } from '../worker/schedules';
import { ALWAYS_OPEN, startBenchStack } from './bench/bench-stack';
import { percentile } from './bench/measure';
import { cpuByPart, cpuSince } from './bench/process-cpu';

/**
 * Grows the live bookings in steps and measures, at each, with the machine's load beside it: a
 * reservation's and an availability query's p50, the bookings list's first page and a page at 90 %
 * of its depth (and, at the last step, the plan PostgreSQL makes for the list's own query there), a
 * reconciler pass (time and CPU by process), the idle CPU per minute (one pass per minute, as its
 * Schedule runs it, once what the step set going has settled) between two of the same window with
 * no pass at all (the floor of the processes that merely wait), with --workflows a full sweep (time, and its CPU per minute spread over
 * RECONCILE_SWEEP_INTERVAL_SECONDS' default of 6 hours) and the worker's and Temporal's resident memory.
 *
 *   npm run bench:scale                          # steps 0, 2000, 10000, 20000
 *   npm run bench:scale -- --steps 0,500,2000    # smaller steps
 *   npm run bench:scale -- --workflows           # each seeded booking gets a running workflow
 *   npm run bench:scale -- --idle 30             # idle window in seconds (default 60)
 *
 * The bookings are seeded straight into PostgreSQL (the hold's own transaction, then confirmed),
 * without a workflow each unless --workflows: the reconciler's pass, the list and availability read
 * the same rows either way; Temporal's memory and idle CPU only grow with --workflows (a reconciler
 * pass adopts each seeded row, which takes a while at 20k).
 */
const args = process.argv.slice(2);
const flag = (name: string) => { const at = args.indexOf(name); return at === -1 ? undefined : args[at + 1]; };
const STEPS = (flag('--steps') ?? '0,2000,10000,20000').split(',').map(Number);
const WITH_WORKFLOWS = args.includes('--workflows');
const IDLE_SECONDS = Number(flag('--idle') ?? 60);
const SAMPLES = Number(flag('--samples') ?? 20);
const RESOURCES = 20;
// RECONCILE_SWEEP_INTERVAL_SECONDS' default: what a sweep costs per minute, spread over it.
const SWEEP_INTERVAL_MINUTES = 6 * 60;

const ms = (value: number) => `${value.toFixed(1)} ms`;

function rssMiB(pids: number[]): number {
  let kib = 0;
  for (const pid of pids) {
    try {
      const match = /VmRSS:\s+(\d+) kB/.exec(fs.readFileSync(`/proc/${pid}/status`, 'utf8'));
      kib += match ? Number(match[1]) : 0;
    } catch { /* gone */ }
  }
  return kib / 1024;
}

function pidsNamed(prefix: string): number[] {
  return fs.readdirSync('/proc').filter((entry) => /^\d+$/.test(entry)).filter((pid) => {
    try { return fs.readFileSync(`/proc/${pid}/comm`, 'utf8').startsWith(prefix); } catch { return false; }
  }).map(Number);
}

async function p50(count: number, job: (index: number) => Promise<unknown>): Promise<number> {
  const latencies: number[] = [];
  for (let index = 0; index < count; index++) {
    const started = performance.now();
    await job(index);
    latencies.push(performance.now() - started);
  }
  return percentile(latencies.sort((a, b) => a - b), 50);
}

/** The plan's nodes, one a line, indented by depth, with what decides a deep page's cost. */
function describePlan(node: PlanNode, depth = 0): string[] {
  const fields = ['Index Name', 'Index Cond', 'Filter', 'Rows Removed by Filter', 'Actual Rows', 'Actual Total Time']
    .filter((field) => node[field] !== undefined).map((field) => `${field}: ${String(node[field])}`);
  return [`${'  '.repeat(depth)}${node['Node Type']}${fields.length ? ` (${fields.join('; ')})` : ''}`,
    ...(node.Plans ?? []).flatMap((child) => describePlan(child, depth + 1))];
}

async function main() {
  const stack = await startBenchStack('scale', { workerProcess: true });
  const { db, temporal, taskQueue, organizationId, post, baseUrl, apiKey } = stack;
  const workers: Record<string, number> = stack.workerPid ? { worker: stack.workerPid } : {};
  const get = async (path: string) => {
    const response = await fetch(`${baseUrl}${path}`, { headers: { authorization: `Bearer ${apiKey}` } });
    if (!response.ok) throw new Error(`${path}: ${response.status} ${await response.text()}`);
    return response.json() as Promise<Record<string, unknown>>;
  };
  const reconcile = (request: ReconcileRequest = {}) => temporal.workflow.execute(reconcileBookingsWorkflow, {
    workflowId: `bench-scale-reconcile-${randomUUID()}`, taskQueue, args: [request],
  });
  // CPU per minute of the lasting processes over IDLE_SECONDS, with `tick` run at the start of each minute.
  const idleCpuPerMinute = async (tick: () => Promise<void>) => {
    const before = cpuByPart(workers);
    const started = performance.now();
    for (let elapsed = 0; elapsed < IDLE_SECONDS; elapsed = (performance.now() - started) / 1000) {
      const tickAt = performance.now();
      await tick();
      await new Promise((resolve) => setTimeout(resolve, Math.max(0, Math.min(60_000 - (performance.now() - tickAt), IDLE_SECONDS * 1000 - (performance.now() - started)))));
    }
    const seconds = (performance.now() - started) / 1000;
    // PostgreSQL's backends come and go (an exited one takes its CPU with it): only the lasting processes are summed.
    const lasting = Object.entries(cpuSince(before, cpuByPart(workers))).filter(([part]) => part !== 'postgres');
    const perMinute = lasting.reduce((sum, [, value]) => sum + value, 0) / seconds * 60;
    return { perMinute, text: `${perMinute.toFixed(2)} s (${lasting.map(([part, value]) => `${part} ${(value / seconds * 60).toFixed(2)}`).join(', ')})` };
  };
  // Waits until the lasting processes use under 0.12 CPU-s in 10 s (0.72 a minute, above Temporal's own
  // idle floor of about 0.4) or 5 minutes have passed; returns the seconds it took.
  const settle = async () => {
    const started = performance.now();
    for (;;) {
      const before = cpuByPart(workers);
      await new Promise((resolve) => setTimeout(resolve, 10_000));
      const busy = Object.entries(cpuSince(before, cpuByPart(workers))).filter(([part]) => part !== 'postgres')
        .reduce((sum, [, value]) => sum + value, 0);
      if (busy < 0.12 || performance.now() - started > 300_000) return (performance.now() - started) / 1000;
    }
  };
  try {
    const resourceIds: string[] = [];
    for (let index = 0; index < RESOURCES; index++) {
      resourceIds.push((await post('/v1/resources', { name: `Room ${index}`, timezone: 'UTC', weekly_schedule: ALWAYS_OPEN })).body.id);
    }
    const seeded = (await post('/v1/services', {
      name: 'Seeded', durations_minutes: [30], hold_ttl_seconds: 86_400, resource_ids: resourceIds,
    })).body.id;
    // Reservations and availability on a room of their own, so the seeded rows do not crowd its slots.
    const room = (await post('/v1/resources', { name: 'Measured room', timezone: 'UTC', weekly_schedule: ALWAYS_OPEN })).body.id;
    const measured = (await post('/v1/services', { name: 'Measured', durations_minutes: [30], resource_ids: [room] })).body.id;
    const firstDay = DateTime.utc().startOf('day').plus({ days: 3 });
    // Only the passes this bench runs: the worker's own Schedules would run more, at moments of their choosing.
    for (const scheduleId of [reconcilerScheduleId(taskQueue), reconcilerSweepScheduleId(taskQueue)]) {
      await temporal.schedule.getHandle(scheduleId).pause('bench:scale runs the passes it measures')
        .catch((error) => console.warn(`${scheduleId} could not be paused: its runs count too`, error));
    }
    let live = 0;
    let reserved = 0;

    console.log(`\nsteps ${STEPS.join(' → ')}; bookings seeded ${WITH_WORKFLOWS ? 'with' : 'without'} workflows; ${os.cpus().length} cores`);
    const rows: string[][] = [];
    for (const target of STEPS) {
      // Seed up to the step: the hold's transaction, then confirmed as if its details had come.
      const before = live;
      for (; live < target; live += 20) {
        const ids = Array.from({ length: Math.min(20, target - live) }, () => randomUUID());
        await Promise.all(ids.map((bookingId, offset) => {
          const index = live + offset;
          return placeHold(db, {
            bookingId, organizationId, serviceId: seeded,
            start: firstDay.plus({ minutes: 30 * Math.floor(index / RESOURCES) }).toISO()!,
            durationMinutes: null, resourceIds: [resourceIds[index % RESOURCES]], customer: null, metadata: {},
          }, new Date());
        }));
        // Recorded at once: a row without a workflow and without a recorded start is what the reconciler adopts.
        if (!WITH_WORKFLOWS) await db.updateTable('bookings').set({ workflow_started_at: sql`now()` }).where('id', 'in', ids).execute();
      }
      live = Math.max(live, target);
      await db.updateTable('bookings').set({ status: 'confirmed', hold_expires_at: null })
        .where('service_id', '=', seeded).where('status', '=', 'held').execute();
      // Each seeded row adopted by a workflow, as after a lost Temporal: pass after pass (each hands back at most 200).
      if (WITH_WORKFLOWS && live > before) {
        for (let adopted = -1; adopted !== 0;) adopted = (await reconcile({ graceSeconds: 0 })).repaired.length;
      }
      await sql`ANALYZE bookings`.execute(db);
      // A pass first, so what the seeding left (recorded starts, the mark) is behind it.
      await reconcile();

      const reserve = await p50(SAMPLES, () => post('/v1/bookings', {
        service_id: measured, start: firstDay.plus({ days: 400, minutes: 30 * reserved++ }).toISO(),
      }).then((answer) => { if (answer.status !== 201) throw new Error(`reserve: ${answer.status}`); }));
      const day = firstDay.plus({ days: 1 }).toISODate();
      const availability = await p50(SAMPLES, () => get(`/v1/availability?service=${seeded}&from=${day}&to=${day}`));
      const first = await p50(SAMPLES, () => get('/v1/bookings?limit=50'));
      const all = await db.selectFrom('bookings').select(['start_at', 'id']).where('organization_id', '=', organizationId)
        .orderBy('start_at').orderBy('id').execute();
      const deepRow = all[Math.floor(all.length * 0.9)];
      const deep = deepRow ? await p50(SAMPLES, () => get(`/v1/bookings?limit=50&cursor=${encodeURIComponent(encodeCursor(deepRow.start_at, deepRow.id))}`)) : NaN;
      if (deepRow && target === STEPS[STEPS.length - 1]) {
        // The list's own query (db/bookings.ts), as the API sends it for this cursor.
        const plan = await planOf(db, (explained) => listBookings(explained, {
          organizationId, limit: 51, after: { startAt: deepRow.start_at, id: deepRow.id },
        }), { analyze: true });
        console.log(`\nplan of the deep page at ${live} bookings:\n${describePlan(plan).map((line) => `  ${line}`).join('\n')}`);
      }

      const cpuBefore = cpuByPart(workers);
      const passStarted = performance.now();
      const pass = await reconcile();
      const passSeconds = (performance.now() - passStarted) / 1000;
      const passCpu = cpuSince(cpuBefore, cpuByPart(workers));

      // What the seeding, the adoptions and the samples set going (workflow tasks, collections) ends first.
      const settled = await settle();
      // The same window with no pass (the processes merely waiting) before and after the one with a
      // pass each minute (run here, as its Schedule would): a drift between the two floors is left
      // over from the step, not the pass's.
      const floorBefore = await idleCpuPerMinute(async () => {});
      const idle = await idleCpuPerMinute(async () => { await reconcile(); });
      const floorAfter = await idleCpuPerMinute(async () => {});
      // The full sweep, which only means something when each row has its workflow (without, it would adopt them all).
      const sweepStarted = performance.now();
      const sweepCpuBefore = cpuByPart(workers);
      const swept = WITH_WORKFLOWS ? await reconcile({ sweep: { after: null } }) : null;
      const sweepSeconds = (performance.now() - sweepStarted) / 1000;
      const sweepCpu = Object.values(cpuSince(sweepCpuBefore, cpuByPart(workers))).reduce((sum, value) => sum + value, 0);

      const row = [
        String(live), os.loadavg()[0].toFixed(2), ms(reserve), ms(availability), ms(first), ms(deep),
        `${(passSeconds * 1000).toFixed(0)} ms (checked ${pass.checked})`,
        Object.entries(passCpu).map(([part, seconds]) => `${part} ${(seconds * 1000).toFixed(0)}`).join(', '),
        `${idle.text} after ${settled.toFixed(0)} s to settle`, `${floorBefore.text}; after: ${floorAfter.text}`,
        swept ? `${sweepSeconds.toFixed(1)} s (checked ${swept.checked}; ${sweepCpu.toFixed(1)} CPU-s = ${(sweepCpu / SWEEP_INTERVAL_MINUTES).toFixed(3)} per minute)` : '–',
        `${rssMiB(stack.workerPid ? [stack.workerPid] : []).toFixed(0)} MiB`, `${rssMiB(pidsNamed('temporal')).toFixed(0)} MiB`,
      ];
      rows.push(row);
      console.log(`step ${live}: ${row.join(' | ')}`);
    }
    const header = ['live bookings', 'load (1 min)', 'reserve p50', 'availability p50', 'list first page p50', 'list page at 90 % p50',
      'reconciler pass', 'pass CPU ms by process', 'idle CPU-s per minute, a pass each minute (without PostgreSQL)',
      'idle floor: no pass, before the window with passes; after it', 'full sweep', 'worker RSS', 'Temporal RSS'];
    console.log(`\n| ${header.join(' | ')} |\n|${header.map(() => '---').join('|')}|`);
    for (const row of rows) console.log(`| ${row.join(' | ')} |`);
  } finally {
    await stack.stop();
  }
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
