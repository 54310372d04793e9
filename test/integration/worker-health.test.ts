import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { NativeConnection, type Worker } from '@temporalio/worker';
import type { Kysely } from 'kysely';
import { createDb } from '../../db/connection';
import type { Database } from '../../db/schema';
import { createBookingWorker } from '../../worker/main';
import { databaseReachability, serveWorkerHealth } from '../../worker/health';
import { waitFor } from '../stack/http';
import { DependencyLink } from '../stack/dependency-link';
import { startTestStack, type TestStack } from '../stack/test-stack';

/**
 * A real worker whose only way to PostgreSQL is a relay the test takes down: its /healthz says 503
 * (database unreachable) while PostgreSQL is away, and 200 again once it is back.
 */

let stack: TestStack;
let link: DependencyLink;
let db: Kysely<Database>;
let connection: NativeConnection;
let worker: Worker;
let running: Promise<void>;
let health: Server;
let healthUrl: string;

beforeAll(async () => {
  stack = await startTestStack('worker_health', { worker: false });
  const url = new URL(stack.databaseUrl);
  link = new DependencyLink({ host: url.hostname, port: Number(url.port) });
  await link.up();
  url.host = `127.0.0.1:${link.port}`;
  db = createDb(url.toString(), 5);
  connection = await NativeConnection.connect({ address: stack.temporalAddress });
  worker = await createBookingWorker({
    db, connection, namespace: 'default', taskQueue: `${stack.taskQueue}-health`, temporal: stack.temporal,
    workflowBundle: process.env.TEST_WORKFLOW_BUNDLE ? { codePath: process.env.TEST_WORKFLOW_BUNDLE } : undefined,
  });
  running = worker.run();
  health = await serveWorkerHealth(worker, '127.0.0.1', 0, databaseReachability(db));
  healthUrl = `http://127.0.0.1:${(health.address() as AddressInfo).port}/healthz`;
});
afterAll(async () => {
  await new Promise((resolve) => health?.close(resolve));
  worker?.shutdown();
  await running;
  await connection?.close();
  await link?.down();
  await db?.destroy();
  await stack?.stop();
});

const probe = async () => {
  const response = await fetch(healthUrl);
  return { status: response.status, body: await response.json() as Record<string, string> };
};

test('/healthz is 503 naming the database while PostgreSQL is unreachable, 200 once it is back', async () => {
  await waitFor(probe, (answer) => answer.status === 200, 30_000);
  expect(await probe()).toEqual({ status: 200, body: { status: 'ok', worker: 'RUNNING', database: 'ok' } });

  await link.down();
  const started = Date.now();
  const down = await waitFor(probe, (answer) => answer.status === 503, 15_000);
  expect(down.body).toEqual({ status: 'unavailable', worker: 'RUNNING', database: 'unreachable' });
  // Within the check's own 2 s (plus the probe's turn), not after a minute's outage.
  expect(Date.now() - started).toBeLessThan(10_000);

  await link.up();
  expect((await waitFor(probe, (answer) => answer.status === 200, 30_000)).body.database).toBe('ok');
}, 120_000);
