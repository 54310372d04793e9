import type { Client } from '@temporalio/client';
import { temporal } from '@temporalio/proto';
import { Router } from 'express';
import { sql, type Kysely } from 'kysely';
import type { Database } from '../db/schema';
import { secondsSinceLastHeartbeat, WORKER_SILENCE_SECONDS } from '../db/worker-heartbeats';

/** Readiness answers within 2 s even when a dependency hangs instead of refusing. */
const PROBE_TIMEOUT_MS = 2000;

async function check(name: string, probe: () => Promise<void>): Promise<[string, string]> {
  let timer: NodeJS.Timeout | undefined;
  try {
    await Promise.race([probe(), new Promise<never>((_resolve, reject) => {
      timer = setTimeout(() => reject(new Error(`no answer within ${PROBE_TIMEOUT_MS} ms`)), PROBE_TIMEOUT_MS);
    })]);
    return [name, 'ok'];
  } catch (error) {
    return [name, (error as Error).message];
  } finally {
    clearTimeout(timer);
  }
}

function withinProbeDeadline<T>(client: Client, call: () => Promise<T>): Promise<T> {
  return client.connection.withDeadline(Date.now() + PROBE_TIMEOUT_MS, call);
}

/** /healthz: the process answers. /readyz: it can do its job — database, Temporal and a worker. */
export function healthRouter(deps: { db: Kysely<Database>; temporal: Client; taskQueue: string; isDraining?: () => boolean }): Router {
  const router = Router();
  router.get('/healthz', (_req, res) => {
    res.json({ status: 'ok' });
  });
  router.get('/readyz', async (_req, res) => {
    if (deps.isDraining?.()) {
      res.status(503).json({ status: 'draining', checks: {} });
      return;
    }
    const checks = Object.fromEntries(await Promise.all([
      check('database', async () => {
        await sql`SELECT 1`.execute(deps.db);
      }),
      // The gRPC calls carry the same deadline, so a hung Temporal leaves no call behind.
      check('temporal', async () => {
        await withinProbeDeadline(deps.temporal, () => deps.temporal.connection.workflowService.getSystemInfo({}));
      }),
      check('worker', async () => {
        // The worker's own heartbeat, not Temporal's poller list: that one keeps a dead or
        // pinned worker for minutes.
        const age = await secondsSinceLastHeartbeat(deps.db, deps.taskQueue);
        if (age === null) throw new Error(`no worker of task queue "${deps.taskQueue}" is running`);
        if (age > WORKER_SILENCE_SECONDS) {
          throw new Error(`no worker of task queue "${deps.taskQueue}" has reported for ${Math.round(age)} s (dead or stalled)`);
        }
        const { pollers } = await withinProbeDeadline(deps.temporal, () => deps.temporal.connection.workflowService.describeTaskQueue({
          namespace: deps.temporal.options.namespace,
          taskQueue: { name: deps.taskQueue, kind: temporal.api.enums.v1.TaskQueueKind.TASK_QUEUE_KIND_NORMAL },
          taskQueueType: temporal.api.enums.v1.TaskQueueType.TASK_QUEUE_TYPE_WORKFLOW,
        }));
        if (!pollers?.length) throw new Error(`no worker polls task queue "${deps.taskQueue}"`);
      }),
    ]));
    const ready = Object.values(checks).every((value) => value === 'ok');
    if (!ready) res.set('retry-after', '5');
    res.status(ready ? 200 : 503).json({ status: ready ? 'ready' : 'not_ready', checks });
  });
  return router;
}
