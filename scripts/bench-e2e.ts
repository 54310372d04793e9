import os from 'node:os';
import { randomUUID } from 'node:crypto';
import { WithStartWorkflowOperation, type Client } from '@temporalio/client';
import { temporal as proto } from '@temporalio/proto';
import { DateTime } from 'luxon';
import { bookingWorkflowId, webhookDeliveryWorkflowId } from '../workflows/messages';
import { ALWAYS_OPEN, benchPort, startBenchStack } from './bench/bench-stack';
import { startSmtpSink, startWebhookSink } from './bench/local-sinks';
import { answerUpdate, bookingShapedFloorWorkflow, confirmUpdate, trivialFloorWorkflow } from './bench/floor-workflows';
import { measure, type Figures } from './bench/measure';
import { cpuByPart, cpuSince } from './bench/process-cpu';
import { startWorkerProcess, stopWorkerProcess } from './bench/worker-process';

/**
 * End to end on one stack: a booking reserved and given its details until confirmed, with e-mails
 * on (a local SMTP sink) and one webhook subscription (to a local receiver, for booking.confirmed),
 * at each concurrency, beside the trivial Update-with-Start floor measured in the same run. Prints
 * confirmed bookings per second, CPU per booking by process (counted until every delivery the
 * bookings started has closed), the machine's load, and per booking the booking workflow's history
 * by event type and the delivery workflows it started with theirs.
 *
 *   npm run bench:e2e                                    # 200 bookings at concurrency 16 and 32
 *   npm run bench:e2e -- --bookings 500 --concurrency 16,32,64 --sample 20
 *   npm run bench:e2e -- --bookings 300 --concurrency 16,16,16   # the same run three times: Temporal CPU per booking as N grows
 */
const args = process.argv.slice(2);
const flag = (name: string) => { const at = args.indexOf(name); return at === -1 ? undefined : args[at + 1]; };
const BOOKINGS = Number(flag('--bookings') ?? 200);
const CONCURRENCIES = (flag('--concurrency') ?? '16,32').split(',').map(Number);
/** Bookings whose histories are read for the breakdown (each read costs Temporal CPU: after the CPU is counted). */
const SAMPLE = Number(flag('--sample') ?? 10);
const WARM_UP = 20;
const SETTLE_TIMEOUT_MS = 120_000;
const PARTS = ['API + client', 'booking worker', 'floor worker', 'temporal', 'postgres'];

/** Distinct free half-hour slots on an always-open resource, starting a few days ahead. */
function slot(index: number): string {
  return DateTime.utc().startOf('day').plus({ days: 3, minutes: 30 * index }).toISO()!;
}

async function until(what: string, check: () => Promise<boolean>): Promise<void> {
  const deadline = Date.now() + SETTLE_TIMEOUT_MS;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`not settled after ${SETTLE_TIMEOUT_MS / 1000} s: ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
}

/** A workflow's history length and its events counted by type (names without the EVENT_TYPE_ prefix). */
async function historyOf(temporal: Client, workflowId: string): Promise<{ length: number; types: Record<string, number> }> {
  const history = await temporal.workflow.getHandle(workflowId).fetchHistory();
  const types: Record<string, number> = {};
  for (const event of history.events ?? []) {
    const type = (proto.api.enums.v1.EventType[event.eventType ?? 0] ?? String(event.eventType)).replace(/^EVENT_TYPE_/, '');
    types[type] = (types[type] ?? 0) + 1;
  }
  return { length: history.events?.length ?? 0, types };
}

function addInto(total: Record<string, number>, more: Record<string, number>) {
  for (const [key, value] of Object.entries(more)) total[key] = (total[key] ?? 0) + value;
}

async function main() {
  // The worker process reads these: its mailer talks SMTP to the sink, its webhooks may reach 127.0.0.1 over http.
  const inbox = await startSmtpSink(benchPort('BENCH_SMTP_PORT'));
  const receiver = await startWebhookSink(benchPort('BENCH_WEBHOOK_PORT'));
  process.env.SMTP_URL = inbox.url;
  process.env.OUTBOUND_ALLOWED_HOSTS = '127.0.0.1';
  process.env.WEBHOOK_ALLOW_HTTP = 'true';
  const stack = await startBenchStack('e2e', { workerProcess: true, outbound: { allowedHosts: ['127.0.0.1'], allowHttp: true } });
  const { db, post, temporal, organizationId } = stack;
  const floorQueue = `bench-floor-${randomUUID()}`;
  const floorWorker = await startWorkerProcess('scripts/bench/floor-worker.ts', {
    DATABASE_URL: stack.databaseUrl, TEMPORAL_ADDRESS: stack.temporalAddress, TEMPORAL_TASK_QUEUE: floorQueue,
  });
  const workers = { 'booking worker': stack.workerPid!, 'floor worker': floorWorker.pid! };
  try {
    const subscription = await post('/v1/webhooks', { url: receiver.url, event_types: ['booking.confirmed'] });
    if (subscription.status !== 201) throw new Error(`subscription: ${subscription.status} ${JSON.stringify(subscription.body)}`);

    let floorWorkflowId = '';
    const floor = async () => {
      floorWorkflowId = `floor-${randomUUID()}`;
      await temporal.workflow.executeUpdateWithStart(answerUpdate, {
        updateId: 'answer',
        startWorkflowOperation: new WithStartWorkflowOperation(trivialFloorWorkflow, {
          workflowId: floorWorkflowId, taskQueue: floorQueue, workflowIdConflictPolicy: 'USE_EXISTING',
        }),
      });
    };

    let nextSlot = 0;
    const confirmedIds: string[] = [];
    const book = (serviceId: string) => async () => {
      const index = nextSlot++;
      const held = await post('/v1/bookings', { service_id: serviceId, start: slot(index) });
      if (held.status !== 201) throw new Error(`reservation ${index}: ${held.status} ${JSON.stringify(held.body)}`);
      const details = await post(`/v1/bookings/${held.body.id}/details`, { name: `Customer ${index}`, email: `customer-${index}@example.com` });
      if (details.status !== 200 || details.body.status !== 'confirmed') {
        throw new Error(`details ${index}: ${details.status} ${JSON.stringify(details.body)}`);
      }
      confirmedIds.push(held.body.id);
    };
    // Settled when every booking.confirmed reached the receiver, the mails arrived and no delivery workflow runs.
    const settled = (webhooksBefore: number, mailsBefore: number, expected: number) => async () => {
      await until('webhooks received', async () => receiver.received() - webhooksBefore >= expected);
      await until('mails received', async () => inbox.received() - mailsBefore >= expected);
      await until('delivery workflows closed', async () =>
        (await temporal.workflow.count(`WorkflowType = 'deliverBookingEvent' AND ExecutionStatus = 'Running'`)).count === 0);
    };

    // The booking-shaped floor: what a confirmed booking minimally is in Temporal (scripts/bench/floor-workflows.ts).
    let shapedFloorId = '';
    const bookingShapedFloor = async () => {
      const workflowId = `floor-booking-${randomUUID()}`;
      shapedFloorId = workflowId;
      await temporal.workflow.executeUpdateWithStart(answerUpdate, {
        updateId: 'answer',
        startWorkflowOperation: new WithStartWorkflowOperation(bookingShapedFloorWorkflow, {
          workflowId, taskQueue: floorQueue, workflowIdConflictPolicy: 'USE_EXISTING',
        }),
      });
      await temporal.workflow.getHandle(workflowId).executeUpdate(confirmUpdate);
    };
    const floorDeliveriesClosed = async () => until('floor deliveries closed', async () =>
      (await temporal.workflow.count(`WorkflowType = 'floorDeliveryWorkflow' AND ExecutionStatus = 'Running'`)).count === 0);

    const service = async () => {
      const resource = await post('/v1/resources', { name: 'Bench room', timezone: 'UTC', weekly_schedule: ALWAYS_OPEN });
      const created = await post('/v1/services', { name: 'Bench', durations_minutes: [30], hold_ttl_seconds: 3600, resource_ids: [resource.body.id] });
      return created.body.id as string;
    };
    const warm = await service();
    await measure(WARM_UP, 8, book(warm), settled(receiver.received(), inbox.received(), WARM_UP));
    await measure(WARM_UP, 8, floor);
    await measure(WARM_UP, 8, bookingShapedFloor, floorDeliveriesClosed);
    confirmedIds.length = 0;

    const runs: { concurrency: number; path: string; figures: Figures; cpu: Record<string, number>; load: number[]; mails: number; webhooks: number }[] = [];
    for (const concurrency of CONCURRENCIES) {
      let before = cpuByPart(workers);
      let load = os.loadavg();
      const floorFigures = await measure(BOOKINGS, concurrency, floor);
      runs.push({ concurrency, path: 'floor: Update-with-Start', figures: floorFigures, cpu: cpuSince(before, cpuByPart(workers)), load, mails: 0, webhooks: 0 });

      before = cpuByPart(workers);
      load = os.loadavg();
      const shapedFigures = await measure(BOOKINGS, concurrency, bookingShapedFloor, floorDeliveriesClosed);
      runs.push({ concurrency, path: 'booking-shaped floor', figures: shapedFigures, cpu: cpuSince(before, cpuByPart(workers)), load, mails: 0, webhooks: 0 });

      const serviceId = await service();
      const webhooksBefore = receiver.received();
      const mailsBefore = inbox.received();
      before = cpuByPart(workers);
      load = os.loadavg();
      const figures = await measure(BOOKINGS, concurrency, book(serviceId), settled(webhooksBefore, mailsBefore, BOOKINGS));
      runs.push({
        concurrency, path: 'reserve + details → confirmed', figures, cpu: cpuSince(before, cpuByPart(workers)), load,
        mails: inbox.received() - mailsBefore, webhooks: receiver.received() - webhooksBefore,
      });
    }

    console.log(`\n${os.cpus().length} cores; ${BOOKINGS} bookings per run; e-mails on (SMTP sink), one webhook subscription (booking.confirmed)`);
    console.log('load is the 1/5/15-minute load average when the run started; /s counts answers, settled /s until every mail, webhook and delivery workflow was done');
    const header = ['concurrency', 'path', 'load', 'p50 ms', 'p99 ms', 'per second', 'settled /s', ...PARTS.map((part) => `${part} CPU ms`), 'total CPU ms'];
    console.log(`\n| ${header.join(' | ')} |\n|${header.map(() => '---').join('|')}|`);
    for (const run of runs) {
      const perBooking = PARTS.map((part) => ((run.cpu[part] ?? 0) * 1000) / BOOKINGS);
      console.log(`| ${[
        run.concurrency, run.path, run.load.map((value) => value.toFixed(1)).join('/'), run.figures.p50.toFixed(0), run.figures.p99.toFixed(0),
        run.figures.throughput.toFixed(1), run.figures.settledThroughput?.toFixed(1) ?? '–',
        ...perBooking.map((value) => value.toFixed(1)), perBooking.reduce((sum, value) => sum + value, 0).toFixed(1),
      ].join(' | ')} |`);
    }
    // Each pass is three runs in order (a concurrency may be repeated, to see the cost as live bookings grow).
    for (const [pass, concurrency] of CONCURRENCIES.entries()) {
      const at = (path: string) => runs.slice(pass * 3, pass * 3 + 3).find((run) => run.path.startsWith(path))!;
      const e2e = at('reserve');
      const floorRun = at('floor');
      const shaped = at('booking-shaped');
      const total = (run: typeof e2e) => PARTS.reduce((sum, part) => sum + (run.cpu[part] ?? 0), 0);
      console.log(`pass ${pass + 1}, concurrency ${concurrency}, ${pass * BOOKINGS + WARM_UP} live confirmed bookings before it: confirmed/s ÷ floor/s = ${(e2e.figures.settledThroughput! / floorRun.figures.throughput).toFixed(2)}x (aim >= 0.6x), `
        + `CPU per booking ÷ floor's = ${(total(e2e) / total(floorRun)).toFixed(2)}x (aim <= 2x); `
        + `Temporal ${((e2e.cpu.temporal * 1000) / BOOKINGS).toFixed(1)} ms vs floor ${((floorRun.cpu.temporal * 1000) / BOOKINGS).toFixed(1)} ms; `
        + `${e2e.mails} mails, ${e2e.webhooks} webhooks received`);
      console.log(`  the booking-shaped floor (settled): ${(shaped.figures.settledThroughput! / floorRun.figures.throughput).toFixed(2)}x the floor's bookings/s, `
        + `${(total(shaped) / total(floorRun)).toFixed(2)}x its CPU (Temporal ${((shaped.cpu.temporal * 1000) / BOOKINGS).toFixed(1)} ms); `
        + `confirmed/s ÷ booking-shaped floor's = ${(e2e.figures.settledThroughput! / shaped.figures.settledThroughput!).toFixed(2)}x, `
        + `CPU ÷ booking-shaped floor's = ${(total(e2e) / total(shaped)).toFixed(2)}x, Temporal ÷ = ${(e2e.cpu.temporal / shaped.cpu.temporal).toFixed(2)}x`);
    }

    // Item 2's breakdown, read after the CPU was counted: what one confirmed booking costs in histories.
    const sample = confirmedIds.slice(-SAMPLE);
    const bookingTypes: Record<string, number> = {};
    const deliveryTypes: Record<string, number> = {};
    let bookingEvents = 0;
    let deliveries = 0;
    let deliveryEvents = 0;
    const perEventType: Record<string, { started: number; events: number }> = {};
    for (const bookingId of sample) {
      const booking = await historyOf(temporal, bookingWorkflowId(bookingId));
      bookingEvents += booking.length;
      addInto(bookingTypes, booking.types);
      const events = await db.selectFrom('webhook_events').select(['id', 'type']).where('organization_id', '=', organizationId)
        .where('booking_id', '=', bookingId).execute();
      for (const event of events) {
        const delivery = await historyOf(temporal, webhookDeliveryWorkflowId(event.id)).catch(() => null);
        const entry = (perEventType[event.type] ??= { started: 0, events: 0 });
        if (!delivery) continue;
        deliveries += 1;
        deliveryEvents += delivery.length;
        entry.started += 1;
        entry.events += delivery.length;
        addInto(deliveryTypes, delivery.types);
      }
    }
    const per = (value: number) => (value / sample.length).toFixed(1);
    const byType = (types: Record<string, number>) => Object.entries(types).sort(([, a], [, b]) => b - a)
      .map(([type, count]) => `    ${type.padEnd(44)} ${per(count).padStart(6)}`).join('\n');
    console.log(`\nper confirmed booking (mean of the last ${sample.length}):`);
    console.log(`  booking workflow history events: ${per(bookingEvents)}\n${byType(bookingTypes)}`);
    console.log(`  delivery workflows started: ${per(deliveries)}, their history events: ${per(deliveryEvents)}`);
    for (const [type, entry] of Object.entries(perEventType)) {
      console.log(`    ${type.padEnd(44)} ${per(entry.started)} started, ${per(entry.events)} events`);
    }
    console.log(`  delivery history events by type:\n${byType(deliveryTypes)}`);
    const shapedHistory = await historyOf(temporal, shapedFloorId);
    const shapedDelivery = await historyOf(temporal, `${shapedFloorId}-delivery`);
    console.log(`the booking-shaped floor's workflow (the last, open on its timer): ${shapedHistory.length} history events, its delivery ${shapedDelivery.length}`);
    for (const [name, types] of [['workflow', shapedHistory.types], ['delivery', shapedDelivery.types]] as const) {
      console.log(`  ${name}: ${Object.entries(types).map(([type, count]) => `${type} ${count}`).join(', ')}`);
    }
    const floorHistory = await historyOf(temporal, floorWorkflowId);
    console.log(`the floor's workflow (one, still open on its timer): ${floorHistory.length} history events\n${Object.entries(floorHistory.types)
      .map(([type, count]) => `    ${type.padEnd(44)} ${String(count).padStart(6)}`).join('\n')}`);
  } finally {
    await stopWorkerProcess(floorWorker);
    await stack.stop();
    await receiver.stop();
    await inbox.stop();
  }
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
