import http from 'node:http';
import { sql, type Kysely } from 'kysely';
import type { Worker } from '@temporalio/worker';
import type { Database } from '../db/schema';

/** PostgreSQL answers a trivial query within this, or the worker is reported unhealthy. */
const DATABASE_CHECK_MS = 2000;

/** Whether PostgreSQL answers now: every activity of the worker needs it. */
export function databaseReachability(db: Kysely<Database>): () => Promise<boolean> {
  return async () => {
    let timer: NodeJS.Timeout | undefined;
    const late = new Promise<boolean>((resolve) => {
      timer = setTimeout(() => resolve(false), DATABASE_CHECK_MS);
    });
    try {
      return await Promise.race([sql`select 1`.execute(db).then(() => true, () => false), late]);
    } finally {
      clearTimeout(timer);
    }
  };
}

/**
 * The worker serves no API, so an orchestrator's health check (compose, Kubernetes) asks this:
 * 200 while the worker polls its task queue and PostgreSQL answers, 503 once it stops or drains, or
 * while PostgreSQL does not answer (its activities would all fail meanwhile), saying which.
 */
export function serveWorkerHealth(
  worker: Pick<Worker, 'getState'>, host: string, port: number, databaseReachable: () => Promise<boolean>,
): Promise<http.Server> {
  const server = http.createServer((req, res) => {
    if (req.url !== '/healthz') {
      res.writeHead(404, { 'content-type': 'application/json' }).end(JSON.stringify({ status: 'not_found' }));
      return;
    }
    const state = worker.getState();
    void databaseReachable().then((database) => {
      const healthy = state === 'RUNNING' && database;
      res.writeHead(healthy ? 200 : 503, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ status: healthy ? 'ok' : 'unavailable', worker: state, database: database ? 'ok' : 'unreachable' }));
    });
  });
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => resolve(server));
  });
}
