import { randomUUID } from 'node:crypto';
import type { AddressInfo } from 'node:net';
import { Client, Connection } from '@temporalio/client';
import { DefaultLogger, NativeConnection, Runtime } from '@temporalio/worker';
import { DateTime } from 'luxon';
import { placeHold } from '../activities/place-hold';
import { createApp } from '../api/app';
import { createDb, ensureDatabase } from '../db/connection';
import { migrateToLatest } from '../db/migrate';
import { addApiKey, createOrganization, generateApiKey } from '../db/organizations';
import { createBookingWorker } from '../worker';
import { launchInfraStack } from './stack/infra-launcher';

const RESERVATIONS = Number(process.env.BENCH_RESERVATIONS ?? 500);
const CONCURRENCY = Number(process.env.BENCH_CONCURRENCY ?? 16);
const WARM_UP = 20;
const ALWAYS_OPEN = Object.fromEntries(
  ['monday', 'tuesday', 'wednesday', 'thursday', 'friday', 'saturday', 'sunday'].map((day) => [day, [{ start: '00:00', end: '24:00' }]]),
);

interface Figures { p50: number; p99: number; throughput: number }

function percentile(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)];
}

/** Runs `count` jobs with at most `concurrency` in flight; returns per-job latency and the rate. */
async function measure(count: number, concurrency: number, job: (index: number) => Promise<void>): Promise<Figures> {
  const latencies: number[] = [];
  let next = 0;
  const started = performance.now();
  await Promise.all(Array.from({ length: concurrency }, async () => {
    while (next < count) {
      const index = next++;
      const t0 = performance.now();
      await job(index);
      latencies.push(performance.now() - t0);
    }
  }));
  const elapsed = (performance.now() - started) / 1000;
  latencies.sort((a, b) => a - b);
  return { p50: percentile(latencies, 50), p99: percentile(latencies, 99), throughput: count / elapsed };
}

/** Distinct free half-hour slots on an always-open resource, starting a few days ahead. */
function slot(index: number): string {
  return DateTime.utc().startOf('day').plus({ days: 3, minutes: 30 * index }).toISO()!;
}

async function main() {
  Runtime.install({ logger: new DefaultLogger('WARN') });
  console.log('starting PostgreSQL and Temporal (the npm start launcher, --infra-only)…');
  const infra = await launchInfraStack('booking-bench');
  const databaseUrl = await ensureDatabase(infra.databaseUrl, 'bench_reserve');
  const db = createDb(databaseUrl, 40);
  await migrateToLatest(db);
  const taskQueue = `bench-reserve-${randomUUID()}`;
  const workerConnection = await NativeConnection.connect({ address: infra.temporalAddress });
  const worker = await createBookingWorker({ db, connection: workerConnection, namespace: 'default', taskQueue });
  const running = worker.run();
  const connection = await Connection.connect({ address: infra.temporalAddress });
  const temporal = new Client({ connection });
  const server = createApp({ db, temporal, taskQueue, manageTokenSecret: 'bench' }).listen(0, '127.0.0.1');
  await new Promise((resolve) => server.once('listening', resolve));
  const baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;

  try {
    const organizationId = await createOrganization(db, 'bench');
    const apiKey = generateApiKey();
    await addApiKey(db, organizationId, apiKey, 'bench');
    const post = async (path: string, body: unknown) => {
      const response = await fetch(`${baseUrl}${path}`, {
        method: 'POST',
        headers: { authorization: `Bearer ${apiKey}`, 'content-type': 'application/json' },
        body: JSON.stringify(body),
      });
      return { status: response.status, body: (await response.json()) as { id: string } & Record<string, unknown> };
    };
    const bookableService = async () => {
      const resource = await post('/v1/resources', { name: 'Bench room', timezone: 'UTC', weekly_schedule: ALWAYS_OPEN });
      const service = await post('/v1/services', {
        name: 'Bench', durations_minutes: [30], hold_ttl_seconds: 3600, resource_ids: [resource.body.id],
      });
      return service.body.id as string;
    };

    const apiService = await bookableService();
    const reserveOverHttp = async (index: number) => {
      const response = await post('/v1/bookings', { service_id: apiService, start: slot(index) });
      if (response.status !== 201) throw new Error(`reservation ${index}: ${response.status} ${JSON.stringify(response.body)}`);
    };
    await measure(WARM_UP, CONCURRENCY, (index) => reserveOverHttp(RESERVATIONS + index));
    const api = await measure(RESERVATIONS, CONCURRENCY, reserveOverHttp);

    const dbService = await bookableService();
    const holdDirectly = async (index: number) => {
      const outcome = await placeHold(db, {
        bookingId: randomUUID(), organizationId, serviceId: dbService, start: slot(index), durationMinutes: null,
        resourceIds: null, customer: null, metadata: {},
      }, new Date());
      if (outcome.outcome === 'rejected') throw new Error(`direct hold ${index}: ${outcome.message}`);
    };
    await measure(WARM_UP, CONCURRENCY, (index) => holdDirectly(RESERVATIONS + index));
    const direct = await measure(RESERVATIONS, CONCURRENCY, holdDirectly);

    const row = (name: string, figures: Figures) =>
      `${name.padEnd(44)} ${figures.p50.toFixed(1).padStart(8)} ${figures.p99.toFixed(1).padStart(8)} ${figures.throughput.toFixed(0).padStart(10)}`;
    console.log(`\n${RESERVATIONS} reservations of distinct free slots, concurrency ${CONCURRENCY}`);
    console.log(`${'path'.padEnd(44)} ${'p50 ms'.padStart(8)} ${'p99 ms'.padStart(8)} ${'per second'.padStart(10)}`);
    console.log(row('POST /v1/bookings (Update-with-Start + hold)', api));
    console.log(row('hold placed by a direct DB transaction', direct));
    console.log(`ratio API / direct: p50 ${(api.p50 / direct.p50).toFixed(1)}x, p99 ${(api.p99 / direct.p99).toFixed(1)}x, `
      + `throughput ${(direct.throughput / api.throughput).toFixed(1)}x`);
  } finally {
    server.close();
    worker.shutdown();
    await running;
    await workerConnection.close();
    await connection.close();
    await db.destroy();
    await infra.stop();
  }
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
