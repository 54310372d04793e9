import { randomUUID } from 'node:crypto';
import { hostname } from 'node:os';
import type { Worker } from '@temporalio/worker';
import type { Kysely } from 'kysely';
import { HEARTBEAT_INTERVAL_MS, forgetOldHeartbeats, recordHeartbeat, removeHeartbeat } from '../db/worker-heartbeats';
import type { Database } from '../db/schema';

/**
 * Runs the worker and, from its own event loop, writes a heartbeat every two seconds while it
 * runs. A worker killed, or pinned by a runaway activity (its loop blocked, its pollers still
 * registered with Temporal), stops beating; a worker shut down cleanly removes its row at once.
 */
export async function runWithHeartbeat(worker: Worker, db: Kysely<Database>, taskQueue: string): Promise<void> {
  const workerId = `${hostname()}:${process.pid}:${randomUUID().slice(0, 8)}`;
  const beat = () => {
    if (worker.getState() !== 'RUNNING') return;
    recordHeartbeat(db, workerId, taskQueue).catch((error) => console.error(`worker heartbeat not written: ${(error as Error).message}`));
  };
  const timer = setInterval(beat, HEARTBEAT_INTERVAL_MS);
  const running = worker.run();
  beat();
  void forgetOldHeartbeats(db).catch(() => undefined);
  try {
    await running;
  } finally {
    clearInterval(timer);
    await removeHeartbeat(db, workerId).catch(() => undefined);
  }
}
