import { randomBytes } from 'node:crypto';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Client, Connection } from '@temporalio/client';
import { DefaultLogger, NativeConnection, Runtime, type Worker } from '@temporalio/worker';
import type { Kysely } from 'kysely';
import { createApp } from '../../api/app';
import { bookingClient } from '../../temporal/client';
import type { Logger } from '../../telemetry/logger';
import { createDb, ensureDatabase } from '../../db/connection';
import { migrateToLatest } from '../../db/migrate';
import { addApiKey, createOrganization, generateApiKey } from '../../db/organizations';
import type { Database } from '../../db/schema';
import { createBookingWorker } from '../../worker/main';
import { runWithHeartbeat } from '../../worker/heartbeat';
import type { Mailer } from '../../outbound/mailer';
import type { OutboundPolicy } from '../../outbound/address-policy';

export interface TestStack {
  name: string;
  baseUrl: string;
  apiKey: string;
  organizationId: string;
  db: Kysely<Database>;
  databaseUrl: string;
  temporal: Client;
  temporalAddress: string;
  taskQueue: string;
  manageTokenSecret: string;
  startWorker(): Promise<void>;
  stopWorker(): Promise<void>;
  newOrganization(): Promise<{ organizationId: string; apiKey: string }>;
  stop(): Promise<void>;
}

let runtimeInstalled = false;
function quietRuntime() {
  if (runtimeInstalled) return;
  runtimeInstalled = true;
  // Worker state changes at INFO drown the test report; warnings and errors still show.
  Runtime.install({ logger: new DefaultLogger('WARN') });
}

/**
 * A test file's own slice of the shared stack: a fresh database with the app's migrations, a task
 * queue of its own with a real worker on it, and the real app on port 0.
 */
export async function startTestStack(
  name: string, options: { worker?: boolean; mailer?: Mailer; outbound?: OutboundPolicy; logger?: Logger } = {},
): Promise<TestStack> {
  // As `npm start` in development: http allowed, no internal host; a test with a local receiver
  // lets it in explicitly, as an operator would with WEBHOOK_ALLOWED_HOSTS.
  const outbound = options.outbound ?? { allowedHosts: [], allowHttp: true };
  const serverUrl = process.env.TEST_DATABASE_URL;
  const temporalAddress = process.env.TEST_TEMPORAL_ADDRESS;
  if (!serverUrl || !temporalAddress) throw new Error('integration tests run under the jest global setup (npm test)');
  quietRuntime();
  const suffix = randomBytes(4).toString('hex');
  const databaseUrl = await ensureDatabase(serverUrl, `test_${name.replace(/\W/g, '_')}_${suffix}`);
  const db = createDb(databaseUrl, 40);
  await migrateToLatest(db);

  const taskQueue = `test-${name}-${suffix}`;
  const connection = await Connection.connect({ address: temporalAddress });
  const temporal = bookingClient(connection, 'default', db);
  const manageTokenSecret = randomBytes(16).toString('hex');
  const app = createApp({ db, temporal, taskQueue, manageTokenSecret, outbound, logger: options.logger, mailer: options.mailer });
  const server: Server = await new Promise((resolve) => {
    const listening = app.listen(0, '127.0.0.1', () => resolve(listening));
  });
  const baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;

  let worker: { instance: Worker; running: Promise<void>; connection: NativeConnection } | null = null;
  const startWorker = async () => {
    const workerConnection = await NativeConnection.connect({ address: temporalAddress });
    const instance = await createBookingWorker({
      db, connection: workerConnection, namespace: 'default', taskQueue, mailer: options.mailer, temporal, outbound, logger: options.logger,
      links: { publicUrl: baseUrl, manageTokenSecret },
      workflowBundle: process.env.TEST_WORKFLOW_BUNDLE ? { codePath: process.env.TEST_WORKFLOW_BUNDLE } : undefined,
    });
    worker = { instance, running: runWithHeartbeat(instance, db, taskQueue), connection: workerConnection };
  };
  const stopWorker = async () => {
    if (!worker) return;
    const { instance, running, connection: workerConnection } = worker;
    worker = null;
    instance.shutdown();
    await running;
    await workerConnection.close();
  };
  if (options.worker !== false) await startWorker();

  const newOrganization = async () => {
    const organizationId = await createOrganization(db, `org-${randomBytes(3).toString('hex')}`);
    const apiKey = generateApiKey();
    await addApiKey(db, organizationId, apiKey, 'test');
    return { organizationId, apiKey };
  };
  const { organizationId, apiKey } = await newOrganization();

  return {
    name, baseUrl, apiKey, organizationId, db, databaseUrl, temporal, temporalAddress, taskQueue, manageTokenSecret,
    startWorker, stopWorker, newOrganization,
    async stop() {
      await stopWorker();
      await new Promise((resolve) => server.close(resolve));
      server.closeAllConnections();
      await connection.close();
      await db.destroy();
    },
  };
}
