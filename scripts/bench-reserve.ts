import { randomUUID } from 'node:crypto';
import { WithStartWorkflowOperation, type Client } from '@temporalio/client';
import { DateTime } from 'luxon';
import { placeHold } from '../bookings/place-hold';
import { ALWAYS_OPEN, startBenchStack } from './bench/bench-stack';
import { answerUpdate, localActivityFloorWorkflow, trivialFloorWorkflow } from './bench/floor-workflows';
import { figuresHeader, figuresRow, measure, type Figures } from './bench/measure';
import { cpuByPart, cpuSince } from './bench/process-cpu';
import { startWorkerProcess, stopWorkerProcess } from './bench/worker-process';

const RESERVATIONS = Number(process.env.BENCH_RESERVATIONS ?? 500);
const SERIAL_RESERVATIONS = Number(process.env.BENCH_SERIAL_RESERVATIONS ?? 60);
const CONCURRENCY = Number(process.env.BENCH_CONCURRENCY ?? 16);
const RACE_REQUESTS = Number(process.env.BENCH_RACE_REQUESTS ?? 1000);
const RACE_IN_FLIGHT = Number(process.env.BENCH_RACE_IN_FLIGHT ?? 200);
const WARM_UP = 20;
/** BENCH_CUSTOMER=1: every reservation names its customer, so its workflow's payloads carry sealed personal fields. */
const WITH_CUSTOMER = process.env.BENCH_CUSTOMER === '1';

/** Distinct free half-hour slots on an always-open resource, starting a few days ahead. */
function slot(index: number): string {
  return DateTime.utc().startOf('day').plus({ days: 3, minutes: 30 * index }).toISO()!;
}

/**
 * In one run, on one stack: the two floors (the least Update-with-Start can cost, with and without
 * one local activity), the API's reservation, the same hold as a direct transaction and a refused
 * reservation, at concurrency 1 and 16; the CPU each part spends on the API's reservations; then
 * the contention race (many requests for one slot) with its settle time, its status histogram and
 * the number of workflows it started.
 */
async function main() {
  const stack = await startBenchStack('reserve', { workerProcess: true });
  const { db, organizationId, post, temporal } = stack;
  const floorQueue = `bench-floor-${randomUUID()}`;
  const floorWorker = await startWorkerProcess('scripts/bench/floor-worker.ts', {
    DATABASE_URL: stack.databaseUrl, TEMPORAL_ADDRESS: stack.temporalAddress, TEMPORAL_TASK_QUEUE: floorQueue,
  });
  try {
    const bookableService = async () => {
      const resource = await post('/v1/resources', { name: 'Bench room', timezone: 'UTC', weekly_schedule: ALWAYS_OPEN });
      const service = await post('/v1/services', {
        name: 'Bench', durations_minutes: [30], hold_ttl_seconds: 3600, resource_ids: [resource.body.id],
      });
      return service.body.id as string;
    };

    const floor = (workflow: typeof trivialFloorWorkflow) => async () => {
      await temporal.workflow.executeUpdateWithStart(answerUpdate, {
        updateId: 'answer',
        startWorkflowOperation: new WithStartWorkflowOperation(workflow, {
          workflowId: `floor-${randomUUID()}`, taskQueue: floorQueue, workflowIdConflictPolicy: 'USE_EXISTING',
        }),
      });
    };
    // The API answers once Temporal has accepted the workflow's start, before a worker ran it: the
    // held path counts as settled only when every workflow it started has done its first task.
    let heldWorkflows: string[] = [];
    const overHttp = (serviceId: string) => async (index: number) => {
      const customer = WITH_CUSTOMER ? { customer: { name: `Customer ${index}`, email: `customer-${index}@example.com` } } : {};
      const response = await post('/v1/bookings', { service_id: serviceId, start: slot(index), ...customer });
      if (response.status !== 201) throw new Error(`reservation ${index}: ${response.status} ${JSON.stringify(response.body)}`);
      heldWorkflows.push(response.body.workflow_id as string);
    };
    // Tasks are taken about in the order of their starts: the path has settled when the newest workflow
    // has run its first task. Every one is checked after the run's CPU is counted (the checks cost Temporal CPU).
    const heldWorkflowsRan = () => untilFirstTaskRan(temporal, heldWorkflows[heldWorkflows.length - 1]);
    let late = 0;
    const directly = (serviceId: string) => async (index: number) => {
      const outcome = await placeHold(db, {
        bookingId: randomUUID(), organizationId, serviceId, start: slot(index), durationMinutes: null,
        resourceIds: null, customer: null, metadata: {},
      }, new Date());
      if (outcome.outcome === 'rejected') throw new Error(`direct hold ${index}: ${outcome.message}`);
    };
    const takenService = await bookableService();
    await overHttp(takenService)(0);
    const refusedOverHttp = async () => {
      const response = await post('/v1/bookings', { service_id: takenService, start: slot(0) });
      if (response.status !== 409) throw new Error(`refusal: ${response.status} ${JSON.stringify(response.body)}`);
    };

    // Each path books its own service, so every reservation takes a slot nobody else has taken.
    const paths: { name: string; job: (serviceId: string) => (index: number) => Promise<void>; settle?: () => Promise<void> }[] = [
      { name: 'floor: Update-with-Start, answered at once', job: () => floor(trivialFloorWorkflow) },
      { name: 'floor: Update-with-Start + local activity', job: () => floor(localActivityFloorWorkflow) },
      { name: 'POST /v1/bookings (held)', job: overHttp, settle: heldWorkflowsRan },
      { name: 'hold by a direct DB transaction', job: directly },
      { name: 'POST /v1/bookings refused (slot taken)', job: () => refusedOverHttp },
    ];
    const results: { name: string; concurrency: number; figures: Figures; cpu: Record<string, number> }[] = [];
    const workers = { 'booking worker': stack.workerPid!, 'floor worker': floorWorker.pid! };
    for (const path of paths) {
      const serviceId = await bookableService();
      const job = path.job(serviceId);
      let next = 0;
      await measure(WARM_UP, CONCURRENCY, () => job(next++), path.settle);
      for (const [count, concurrency] of [[SERIAL_RESERVATIONS, 1], [RESERVATIONS, CONCURRENCY]]) {
        const before = cpuByPart(workers);
        const figures = await measure(count, concurrency, () => job(next++), path.settle);
        results.push({ name: path.name, concurrency, figures, cpu: cpuSince(before, cpuByPart(workers)) });
        if (path.settle) {
          late += await stragglers(temporal, heldWorkflows);
          heldWorkflows = [];
        }
      }
    }

    const race = await contentionRace(await bookableService(), post, temporal);

    for (const concurrency of [1, CONCURRENCY]) {
      console.log(`\nconcurrency ${concurrency} (${concurrency === 1 ? SERIAL_RESERVATIONS : RESERVATIONS} requests each)`);
      console.log(figuresHeader());
      for (const result of results.filter((candidate) => candidate.concurrency === concurrency)) {
        console.log(figuresRow(result.name, result.figures));
      }
      const at = (name: string) => results.find((result) => result.concurrency === concurrency && result.name.startsWith(name))!.figures;
      const api = at('POST /v1/bookings (held)');
      const laFloor = at('floor: Update-with-Start + local');
      const refused = at('POST /v1/bookings refused');
      const direct = at('hold by a direct');
      console.log(`POST / floor with local activity: p50 ${(api.p50 / laFloor.p50).toFixed(2)}x (aim <= 1.2x), `
        + `throughput ${(api.settledThroughput! / laFloor.throughput).toFixed(2)}x (aim >= 0.9x) counted until the newest workflow `
        + `had run its first task (${api.settledThroughput!.toFixed(0)}/s; ${(api.throughput / laFloor.throughput).toFixed(2)}x counting answers only)`);
      console.log(`refused POST / direct transaction: p50 ${(refused.p50 / direct.p50).toFixed(2)}x (aim <= 3x)`);
    }

    // Each process's CPU over a path's run at concurrency 16, per request; idle workers poll too.
    const parts = ['booking worker', 'floor worker', 'temporal', 'postgres', 'API + client'];
    console.log(`\nCPU ms per request at concurrency ${CONCURRENCY}, by process`);
    console.log(`${'path'.padEnd(48)} ${parts.map((part) => part.padStart(14)).join(' ')}`);
    for (const result of results.filter((candidate) => candidate.concurrency === CONCURRENCY)) {
      console.log(`${result.name.padEnd(48)} ${parts.map((part) => ((result.cpu[part] * 1000) / RESERVATIONS).toFixed(1).padStart(14)).join(' ')}`);
    }
    const held = results.find((result) => result.concurrency === CONCURRENCY && result.name === 'POST /v1/bookings (held)')!;
    const laFloor = results.find((result) => result.concurrency === CONCURRENCY && result.name.startsWith('floor: Update-with-Start + local'))!;
    console.log(`booking worker CPU per reservation: ${((held.cpu['booking worker'] * 1000) / RESERVATIONS).toFixed(1)} ms (aim <= 5 ms); `
      + `floor worker per floor workflow with a local activity: ${((laFloor.cpu['floor worker'] * 1000) / RESERVATIONS).toFixed(1)} ms`);

    console.log(`held reservations whose workflow had not run its first task when the newest had: ${late}`);

    console.log(`\ncontention race: ${RACE_REQUESTS} requests for one slot, ${RACE_IN_FLIGHT} in flight`);
    console.log(`  settled in ${(race.settleMs / 1000).toFixed(2)} s (aim <= 3 s)`);
    console.log(`  statuses: ${Object.entries(race.statuses).map(([status, count]) => `${count} x ${status}`).join(', ')}`);
    console.log(`  booking workflows started: ${race.workflows} (aim <= 5)`);
  } finally {
    await stopWorkerProcess(floorWorker);
    await stack.stop();
  }
}

/** Whether a booking workflow has completed its first workflow task (the placed hold adopted, its timer started). */
async function ranFirstTask(temporal: Client, workflowId: string): Promise<boolean> {
  return (await temporal.workflow.getHandle(workflowId).describe()).historyLength >= 4;
}

/** Resolves once the workflow has run its first task. */
async function untilFirstTaskRan(temporal: Client, workflowId: string): Promise<void> {
  while (!(await ranFirstTask(temporal, workflowId))) await new Promise((resolve) => setTimeout(resolve, 10));
}

/** The listed workflows that had not run their first task yet (each is then waited for). */
async function stragglers(temporal: Client, workflowIds: string[]): Promise<number> {
  const late: string[] = [];
  for (let from = 0; from < workflowIds.length; from += 16) {
    const batch = workflowIds.slice(from, from + 16);
    const ran = await Promise.all(batch.map((workflowId) => ranFirstTask(temporal, workflowId)));
    late.push(...batch.filter((_, index) => !ran[index]));
  }
  for (const workflowId of late) await untilFirstTaskRan(temporal, workflowId);
  return late.length;
}

/** Every request for the same slot at once; settled when the last answer is in. */
async function contentionRace(serviceId: string, post: Awaited<ReturnType<typeof startBenchStack>>['post'],
  temporal: Awaited<ReturnType<typeof startBenchStack>>['temporal']) {
  const statuses: Record<number, number> = {};
  let next = 0;
  const started = performance.now();
  await Promise.all(Array.from({ length: RACE_IN_FLIGHT }, async () => {
    while (next < RACE_REQUESTS) {
      next += 1;
      const response = await post('/v1/bookings', { service_id: serviceId, start: slot(0) });
      statuses[response.status] = (statuses[response.status] ?? 0) + 1;
    }
  }));
  const settleMs = performance.now() - started;
  // Visibility lags behind: read the count until it stops changing.
  let workflows = -1;
  for (let attempt = 0; attempt < 30; attempt++) {
    const { count } = await temporal.workflow.count(`ServiceId = "${serviceId}"`);
    if (count === workflows) break;
    workflows = count;
    await new Promise((resolve) => setTimeout(resolve, 1000));
  }
  return { settleMs, statuses, workflows };
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
