// First: tracing (when configured) must hook pg and http before anything loads them.
import '../telemetry/tracing-worker';
import fs from 'node:fs';
import path from 'node:path';
import { Client, Connection } from '@temporalio/client';
import { NativeConnection, Runtime, Worker } from '@temporalio/worker';
import pino from 'pino';
import type { Kysely } from 'kysely';
import { createActivities } from '../activities';
import { createSmtpMailer, type Mailer } from '../outbound/mailer';
import { drainQueuedMail } from '../bookings/mail-outbox';
import { loadConfig } from '../config';
import { createDb } from '../db/connection';
import type { Database } from '../db/schema';
import type { MailLinks } from '../activities/send-booking-mails';
import { bookingDataConverter } from '../personal-data/data-converter';
import { bookingClient } from '../temporal/client';
import { ensureReconcilerSchedule, ensureReconcilerSweepSchedule, ensureRetentionSchedule } from './schedules';
import type { OutboundPolicy } from '../outbound/address-policy';
import { runWithHeartbeat } from './heartbeat';
import { databaseReachability, serveWorkerHealth } from './health';

/** Where `npm run build` puts the prebuilt workflow bundle: beside the compiled worker. */
export const PREBUILT_WORKFLOW_BUNDLE = path.join(__dirname, 'workflow-bundle.js');
/** The same workflows with the OpenTelemetry interceptors, loaded when tracing is on. */
export const PREBUILT_TRACED_WORKFLOW_BUNDLE = path.join(__dirname, 'workflow-bundle-traced.js');
import { activityLogInterceptor } from '../telemetry/activity-log-interceptor';
import { activityMetricsInterceptor } from './activity-metrics-interceptor';
import { serveWorkerMetrics } from '../telemetry/worker-metrics-server';
import { createLogger, type Logger } from '../telemetry/logger';
import { temporalLogBridge } from '../telemetry/temporal-log-bridge';
import { tracedWorkflowInterceptorModules, workflowInterceptorModules } from '../telemetry/workflow-interceptor-modules';
import { currentTracing, type Tracing } from '../telemetry/tracing';
import { PRELOADED_WORKFLOW_MODULES, WORKFLOWS_PATH } from './bundled-workflows';

export interface BookingWorkerOptions {
  db: Kysely<Database>;
  connection: NativeConnection;
  namespace: string;
  taskQueue: string;
  /** A prebuilt bundle (the tests build one per run); by default the workflows are bundled at start. */
  workflowBundle?: { codePath: string };
  mailer?: Mailer | null;
  links?: MailLinks | null;
  /** For the reconciler's activity, which asks Temporal about bookings' workflows. */
  temporal?: Client | null;
  outbound?: OutboundPolicy;
  /** How long a SIGTERM lets running activities finish before they are cancelled (default: none). */
  shutdownGraceTime?: number;
  /** Each activity's log line (with request and booking id); absent, none. */
  logger?: Logger;
  /** OpenTelemetry spans of workflows and activities; a prebuilt bundle must then be the traced one. */
  tracing?: Tracing | null;
}

/** Shared by `npm start` and the tests, so both run the same workflows and activities. */
export function createBookingWorker({
  db, connection, namespace, taskQueue, workflowBundle, mailer, temporal, outbound, shutdownGraceTime, links, logger = pino({ level: 'silent' }), tracing = null,
}: BookingWorkerOptions): Promise<Worker> {
  return Worker.create({
    connection,
    namespace,
    taskQueue,
    ...(shutdownGraceTime !== undefined && { shutdownGraceTime, shutdownForceTime: shutdownGraceTime + 5_000 }),
    ...(workflowBundle ? { workflowBundle } : { workflowsPath: WORKFLOWS_PATH, bundlerOptions: { preloadModules: PRELOADED_WORKFLOW_MODULES } }),
    activities: createActivities({ db, mailer, temporal, outbound, links }),
    // Personal fields are sealed with their booking's key; a prebuilt bundle must carry the same converter.
    dataConverter: bookingDataConverter(db),
    // A prebuilt bundle already holds the workflow interceptors (bundleWorkflowCode's workflowInterceptorModules).
    interceptors: {
      activity: [...(tracing ? [tracing.activityInterceptor] : []), activityLogInterceptor(logger), activityMetricsInterceptor],
      ...(!workflowBundle && { workflowModules: tracing ? tracedWorkflowInterceptorModules : workflowInterceptorModules }),
    },
    ...(tracing && { sinks: tracing.workflowSinks }),
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
      telemetryOptions: { metrics: { prometheus: { bindAddress: `${config.host}:${config.temporalMetricsPort}` } } },
    }),
  });
  if (config.workerMetricsPort > 0) serveWorkerMetrics(config.workerMetricsPort);
  const db = createDb(config.databaseUrl);
  const connection = await NativeConnection.connect({ address: config.temporalAddress });
  const mailer = config.smtpUrl ? createSmtpMailer(config.smtpUrl, config.mailFrom) : null;
  const links = config.manageTokenSecret ? { publicUrl: config.publicUrl, manageTokenSecret: config.manageTokenSecret } : null;
  const clientConnection = await Connection.connect({ address: config.temporalAddress });
  const temporal = bookingClient(clientConnection, config.temporalNamespace, db);
  await ensureReconcilerSchedule(temporal, config.taskQueue, config.reconcileIntervalSeconds);
  await ensureReconcilerSweepSchedule(temporal, config.taskQueue, config.reconcileSweepIntervalSeconds);
  await ensureRetentionSchedule(temporal, config.taskQueue, config.retentionIntervalSeconds);
  // The compiled worker loads the bundle `npm run build` made; under tsx (npm start) there is none
  // beside it, and the workflows are bundled at start.
  const tracing = currentTracing();
  const bundlePath = tracing ? PREBUILT_TRACED_WORKFLOW_BUNDLE : PREBUILT_WORKFLOW_BUNDLE;
  const prebuilt = fs.existsSync(bundlePath);
  const worker = await createBookingWorker({
    db, connection, namespace: config.temporalNamespace, taskQueue: config.taskQueue, mailer, temporal, logger, links, tracing,
    outbound: { allowedHosts: config.webhookAllowedHosts, allowHttp: config.webhookAllowHttp },
    workflowBundle: prebuilt ? { codePath: bundlePath } : undefined,
    shutdownGraceTime: config.shutdownTimeoutMs,
  });
  const health = config.workerHealthPort === null ? null : await serveWorkerHealth(worker, config.host, config.workerHealthPort, databaseReachability(db));
  logger.info({ taskQueue: config.taskQueue, workflows: prebuilt ? 'prebuilt' : 'freshly bundled', tracing: Boolean(tracing) }, 'worker polling');
  // Mail queued while e-mail was off goes out now that there is a mailer (bounded; see docs/operations.md).
  if (mailer) {
    drainQueuedMail(db, mailer, new Date())
      .then((drained) => { if (drained.sent + drained.failed > 0) logger.info(drained, 'queued e-mails sent at start'); })
      .catch((error) => logger.warn({ err: error }, 'queued e-mails could not be read at start'));
  }
  // The SDK's runtime turns SIGTERM and SIGINT into worker.shutdown(): polling stops, running
  // activities get shutdownGraceTime to finish, and run() resolves once they have. The heartbeat
  // beside it tells the API's /readyz that this worker lives.
  await runWithHeartbeat(worker, db, config.taskQueue);
  health?.close();
  await connection.close();
  await clientConnection.close();
  await db.destroy();
  await tracing?.shutdown();
}

if (require.main === module) {
  main().catch((error) => {
    // A configuration refusal is read by an operator: its message names the variables, no stack.
    console.error(error?.name === 'ConfigError' ? error.message : error);
    process.exit(1);
  });
}
