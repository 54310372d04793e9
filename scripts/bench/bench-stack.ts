import { randomUUID } from 'node:crypto';
import type { AddressInfo } from 'node:net';
import { Connection, type Client } from '@temporalio/client';
import { DefaultLogger, NativeConnection, Runtime } from '@temporalio/worker';
import type { Kysely } from 'kysely';
import { createApp } from '../../api/app';
import { createDb, ensureDatabase } from '../../db/connection';
import { migrateToLatest } from '../../db/migrate';
import { bookingClient } from '../../temporal/client';
import { addApiKey, createOrganization, generateApiKey } from '../../db/organizations';
import type { Database } from '../../db/schema';
import { createBookingWorker } from '../../worker/main';
import { runWithHeartbeat } from '../../worker/heartbeat';
import { launchInfraStack } from '../stack/infra-launcher';
import { startWorkerProcess, stopWorkerProcess } from './worker-process';
import pino from 'pino';
import type { OutboundPolicy } from '../../outbound/address-policy';

export const ALWAYS_OPEN = Object.fromEntries(
  ['monday', 'tuesday', 'wednesday', 'thursday', 'friday', 'saturday', 'sunday'].map((day) => [day, [{ start: '00:00', end: '24:00' }]]),
);

/** A port the bench must use (BENCH_PG_PORT, BENCH_TEMPORAL_PORT, BENCH_TEMPORAL_UI_PORT, BENCH_API_PORT; bench:e2e's sinks BENCH_SMTP_PORT, BENCH_WEBHOOK_PORT); absent = a free one. */
export function benchPort(name: string): number | undefined {
  const value = process.env[name];
  if (!value) return undefined;
  const port = Number(value);
  if (!Number.isInteger(port) || port < 1 || port > 65535) throw new Error(`${name} must be a port number, not ${value}`);
  return port;
}

export interface BenchStack {
  db: Kysely<Database>;
  temporal: Client;
  taskQueue: string;
  organizationId: string;
  databaseUrl: string;
  temporalAddress: string;
  /** The booking worker's pid when it runs as a process of its own. */
  workerPid: number | null;
  baseUrl: string;
  apiKey: string;
  post(path: string, body: unknown): Promise<{ status: number; body: { id: string } & Record<string, unknown> }>;
  stop(): Promise<void>;
}

/**
 * The whole stack as `npm start` runs it (launcher, worker, app), with an organization; the worker
 * in this process, or with `workerProcess` as its own process (`npm run worker`'s entry point).
 */
export async function startBenchStack(
  name: string, { workerProcess = false, outbound }: { workerProcess?: boolean; outbound?: OutboundPolicy } = {},
): Promise<BenchStack> {
  Runtime.install({ logger: new DefaultLogger('WARN') });
  console.log('starting PostgreSQL and Temporal (the npm start launcher, --infra-only)…');
  const infra = await launchInfraStack('booking-bench', {
    pg: benchPort('BENCH_PG_PORT'), temporal: benchPort('BENCH_TEMPORAL_PORT'), temporalUi: benchPort('BENCH_TEMPORAL_UI_PORT'),
  });
  const databaseUrl = await ensureDatabase(infra.databaseUrl, `bench_${name}`);
  const db = createDb(databaseUrl, 40);
  await migrateToLatest(db);
  const taskQueue = `bench-${name}-${randomUUID()}`;
  const connection = await Connection.connect({ address: infra.temporalAddress });
  // The API's own client (request id, sealed personal fields), so the API is measured as it runs.
  const temporal = bookingClient(connection, 'default', db);
  // Logging as in production (JSON lines at info), written to /dev/null: its cost counts, its output does not.
  const logger = pino({ level: 'info' }, pino.destination('/dev/null'));
  const child = workerProcess ? await startWorkerProcess('worker/main.ts', {
    DATABASE_URL: databaseUrl, TEMPORAL_ADDRESS: infra.temporalAddress, TEMPORAL_TASK_QUEUE: taskQueue,
  }) : null;
  const workerConnection = child ? null : await NativeConnection.connect({ address: infra.temporalAddress });
  const worker = workerConnection
    ? await createBookingWorker({ db, connection: workerConnection, namespace: 'default', taskQueue, temporal, logger, outbound }) : null;
  // With its heartbeat, as worker/main.ts runs it, so /readyz sees this worker.
  const running = worker ? runWithHeartbeat(worker, db, taskQueue) : undefined;
  const server = createApp({ db, temporal, taskQueue, manageTokenSecret: 'bench', logger, outbound }).listen(benchPort('BENCH_API_PORT') ?? 0, '127.0.0.1');
  await new Promise((resolve) => server.once('listening', resolve));
  const baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const organizationId = await createOrganization(db, 'bench');
  const apiKey = generateApiKey();
  await addApiKey(db, organizationId, apiKey, 'bench');

  return {
    db, temporal, taskQueue, organizationId, databaseUrl, temporalAddress: infra.temporalAddress, workerPid: child?.pid ?? null, baseUrl, apiKey,
    async post(path, body) {
      const response = await fetch(`${baseUrl}${path}`, {
        method: 'POST',
        headers: { authorization: `Bearer ${apiKey}`, 'content-type': 'application/json' },
        body: JSON.stringify(body),
      });
      return { status: response.status, body: (await response.json()) as { id: string } & Record<string, unknown> };
    },
    async stop() {
      server.close();
      worker?.shutdown();
      await running;
      await workerConnection?.close();
      if (child) await stopWorkerProcess(child);
      await connection.close();
      await db.destroy();
      await infra.stop();
    },
  };
}
