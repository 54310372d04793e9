import { NativeConnection, Runtime, Worker } from '@temporalio/worker';
import pino from 'pino';
import type { Kysely } from 'kysely';
import { createActivities } from './activities';
import { createSmtpMailer, type Mailer } from './activities/mailer';
import { loadConfig } from './config';
import { createDb } from './db/connection';
import type { Database } from './db/schema';
import { activityLogInterceptor } from './telemetry/activity-log-interceptor';
import { activityMetricsInterceptor } from './telemetry/activity-metrics-interceptor';
import { serveWorkerMetrics } from './telemetry/worker-metrics-server';
import { createLogger, type Logger } from './telemetry/logger';
import { temporalLogBridge } from './telemetry/temporal-log-bridge';
import { workflowInterceptorModules } from './telemetry/workflow-interceptor-modules';

export interface BookingWorkerOptions {
  db: Kysely<Database>;
  connection: NativeConnection;
  namespace: string;
  taskQueue: string;
  /** A prebuilt bundle (the tests build one per run); by default the workflows are bundled at start. */
  workflowBundle?: { codePath: string };
  mailer?: Mailer | null;
  /** Each activity's log line (with request and booking id); absent, none. */
  logger?: Logger;
}

/** Shared by `npm start` and the tests, so both run the same workflows and activities. */
export function createBookingWorker({
  db, connection, namespace, taskQueue, workflowBundle, mailer, logger = pino({ level: 'silent' }),
}: BookingWorkerOptions): Promise<Worker> {
  return Worker.create({
    connection,
    namespace,
    taskQueue,
    ...(workflowBundle ? { workflowBundle } : { workflowsPath: require.resolve('./workflows') }),
    activities: createActivities({ db, mailer }),
    // A prebuilt bundle already holds the workflow interceptors (bundleWorkflowCode's workflowInterceptorModules).
    interceptors: { activity: [activityLogInterceptor(logger), activityMetricsInterceptor], ...(!workflowBundle && { workflowModules: workflowInterceptorModules }) },
  });
}

async function main() {
  const config = loadConfig();
  if (!config.databaseUrl || !config.temporalAddress) {
    throw new Error('the worker needs DATABASE_URL and TEMPORAL_ADDRESS (npm start sets both)');
  }
  const logger = createLogger({ level: config.logLevel, format: config.logFormat }).child({ process: 'worker' });
  // The SDK's own lines and the workflows' (through the logger sink) go to pino too.
  Runtime.install({
    logger: temporalLogBridge(logger),
    // The SDK's own worker metrics (task slots, poll latencies, schedule-to-start...) for Prometheus.
    ...(config.temporalMetricsPort > 0 && {
      telemetryOptions: { metrics: { prometheus: { bindAddress: `0.0.0.0:${config.temporalMetricsPort}` } } },
    }),
  });
  if (config.workerMetricsPort > 0) serveWorkerMetrics(config.workerMetricsPort);
  const db = createDb(config.databaseUrl);
  const connection = await NativeConnection.connect({ address: config.temporalAddress });
  const mailer = config.smtpUrl ? createSmtpMailer(config.smtpUrl, config.mailFrom) : null;
  const worker = await createBookingWorker({
    db, connection, namespace: config.temporalNamespace, taskQueue: config.taskQueue, mailer, logger,
  });
  logger.info({ taskQueue: config.taskQueue }, 'worker polling');
  await worker.run();
  await connection.close();
  await db.destroy();
}

if (require.main === module) {
  main().catch((error) => {
    console.error(error);
    process.exit(1);
  });
}
