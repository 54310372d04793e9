import type { ChildProcess } from 'node:child_process';
import { stopChild } from './child-process';

export interface SupervisorOptions {
  /** First delay before a restart; doubled after each crash that came soon after a start. */
  initialBackoffMs?: number;
  maxBackoffMs?: number;
  /** A child that ran this long before crashing is restarted after the initial delay again. */
  stableAfterMs?: number;
  log?: (message: string) => void;
}

export interface Supervised {
  /** The running child, or null between a crash and its restart. */
  current(): ChildProcess | null;
  restarts(): number;
  stop(): Promise<void>;
}

/**
 * Keeps one child process running: when it exits without being asked to, it is started again
 * after a delay that grows while it keeps crashing (1 s, 2 s, 4 s ... up to 30 s), and the crash
 * is logged. One crashed worker or API no longer takes the whole local stack down with it.
 */
export function supervise(name: string, start: () => ChildProcess, options: SupervisorOptions = {}): Supervised {
  const initial = options.initialBackoffMs ?? 1000;
  const max = options.maxBackoffMs ?? 30_000;
  const stableAfter = options.stableAfterMs ?? 60_000;
  const log = options.log ?? ((message: string) => console.error(message));
  let child: ChildProcess | null = null;
  let stopping = false;
  let restarts = 0;
  let backoff = initial;
  let timer: NodeJS.Timeout | null = null;

  const launch = () => {
    timer = null;
    const startedAt = Date.now();
    const launched = start();
    child = launched;
    launched.once('exit', (code, signal) => {
      if (child === launched) child = null;
      if (stopping) return;
      if (Date.now() - startedAt >= stableAfter) backoff = initial;
      const delay = backoff;
      backoff = Math.min(max, backoff * 2);
      restarts += 1;
      log(`${name} exited (${signal ?? `code ${code}`}); restarting it in ${delay / 1000} s (restart ${restarts})`);
      timer = setTimeout(launch, delay);
    });
  };
  launch();

  return {
    current: () => child,
    restarts: () => restarts,
    async stop() {
      stopping = true;
      if (timer) clearTimeout(timer);
      if (child) await stopChild(child);
    },
  };
}
