import { Client, Connection } from '@temporalio/client';
import { NativeConnection, Worker } from '@temporalio/worker';
import type { Kysely } from 'kysely';
import { createActivities } from './activities';
import { createSmtpMailer, type Mailer } from './activities/mailer';
import { loadConfig } from './config';
import { createDb } from './db/connection';
import type { Database } from './db/schema';
import { ensureReconcilerSchedule } from './reconciler-schedule';
import type { OutboundPolicy } from './outbound/address-policy';
import { runWithHeartbeat } from './worker-heartbeat';

export interface BookingWorkerOptions {
  db: Kysely<Database>;
  connection: NativeConnection;
  namespace: string;
  taskQueue: string;
  /** A prebuilt bundle (the tests build one per run); by default the workflows are bundled at start. */
  workflowBundle?: { codePath: string };
  mailer?: Mailer | null;
  /** For the reconciler's activity, which asks Temporal about bookings' workflows. */
  temporal?: Client | null;
  outbound?: OutboundPolicy;
}

/** Shared by `npm start` and the tests, so both run the same workflows and activities. */
export function createBookingWorker({ db, connection, namespace, taskQueue, workflowBundle, mailer, temporal, outbound }: BookingWorkerOptions): Promise<Worker> {
  return Worker.create({
    connection,
    namespace,
    taskQueue,
    ...(workflowBundle ? { workflowBundle } : { workflowsPath: require.resolve('./workflows') }),
    activities: createActivities({ db, mailer, temporal, outbound }),
  });
}

async function main() {
  const config = loadConfig();
  if (!config.databaseUrl || !config.temporalAddress) {
    throw new Error('the worker needs DATABASE_URL and TEMPORAL_ADDRESS (npm start sets both)');
  }
  const db = createDb(config.databaseUrl);
  const connection = await NativeConnection.connect({ address: config.temporalAddress });
  const mailer = config.smtpUrl ? createSmtpMailer(config.smtpUrl, config.mailFrom) : null;
  const clientConnection = await Connection.connect({ address: config.temporalAddress });
  const temporal = new Client({ connection: clientConnection, namespace: config.temporalNamespace });
  await ensureReconcilerSchedule(temporal, config.taskQueue, config.reconcileIntervalSeconds);
  const worker = await createBookingWorker({
    db, connection, namespace: config.temporalNamespace, taskQueue: config.taskQueue, mailer, temporal,
    outbound: { allowedHosts: config.webhookAllowedHosts, allowHttp: config.webhookAllowHttp },
  });
  console.log(`worker polling task queue "${config.taskQueue}"`);
  await runWithHeartbeat(worker, db, config.taskQueue);
  await connection.close();
  await clientConnection.close();
  await db.destroy();
}

if (require.main === module) {
  main().catch((error) => {
    console.error(error);
    process.exit(1);
  });
}
