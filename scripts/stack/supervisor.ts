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

/** A server the launcher started and can start again: PostgreSQL, the Temporal dev server. */
export interface RunningServer {
  /** Settles when the server's process exits; its value says how (`SIGKILL`, `code 1`). */
  exited: Promise<string>;
  stop(): Promise<void>;
}

export interface SupervisedServer {
  restarts(): number;
  stop(): Promise<void>;
}

/**
 * Keeps a server running as `supervise` keeps a child: when it exits without being asked to it is
 * started again, with the same growing delay, and a start that fails counts as another crash.
 * The first start is the caller's: its failure is thrown, as a launcher that cannot start fails.
 */
export async function superviseServer(name: string, start: () => Promise<RunningServer>, options: SupervisorOptions = {}): Promise<SupervisedServer> {
  const initial = options.initialBackoffMs ?? 1000;
  const max = options.maxBackoffMs ?? 30_000;
  const stableAfter = options.stableAfterMs ?? 60_000;
  const log = options.log ?? ((message: string) => console.error(message));
  let server: RunningServer | null = await start();
  let stopping = false;
  let restarts = 0;
  let backoff = initial;
  let startedAt = Date.now();
  let timer: NodeJS.Timeout | null = null;

  const again = (why: string) => {
    if (stopping) return;
    if (Date.now() - startedAt >= stableAfter) backoff = initial;
    const delay = backoff;
    backoff = Math.min(max, backoff * 2);
    restarts += 1;
    log(`${name} ${why}; restarting it in ${delay / 1000} s (restart ${restarts})`);
    timer = setTimeout(() => {
      timer = null;
      if (stopping) return;
      startedAt = Date.now();
      start().then((started) => {
        if (stopping) return void started.stop();
        server = started;
        watch(started);
        log(`${name} is running again`);
      }, (error: unknown) => again(`failed to start (${(error as Error)?.message ?? String(error)})`));
    }, delay);
  };
  const watch = (running: RunningServer) => {
    void running.exited.then((how) => {
      if (server === running) server = null;
      again(`exited (${how})`);
    });
  };
  watch(server);

  return {
    restarts: () => restarts,
    async stop() {
      stopping = true;
      if (timer) clearTimeout(timer);
      if (server) await server.stop();
    },
  };
}
