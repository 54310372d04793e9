import { Connection } from '@temporalio/client';
import { Client as PgClient } from 'pg';

export interface DependencyWatch { stop(): void }

/** One probe of PostgreSQL: connect and SELECT 1, within the time the watch allows. */
async function probePostgres(databaseUrl: string, timeoutMs: number): Promise<void> {
  const client = new PgClient({ connectionString: databaseUrl, connectionTimeoutMillis: timeoutMs, query_timeout: timeoutMs });
  try {
    await client.connect();
    await client.query('SELECT 1');
  } finally {
    await client.end().catch(() => undefined);
  }
}

async function probeTemporal(address: string, timeoutMs: number): Promise<void> {
  const connection = await Connection.connect({ address, connectTimeout: timeoutMs });
  try {
    await connection.workflowService.getSystemInfo({});
  } finally {
    await connection.close().catch(() => undefined);
  }
}

/**
 * Watches the launcher's dependencies and says so, once, when one stops answering and again when
 * it is back: a Temporal or PostgreSQL that died is reported in the launcher's output instead of
 * surfacing only as failing requests.
 */
export function watchDependencies(
  targets: { databaseUrl: string; temporalAddress: string },
  options: { intervalMs?: number; log?: (message: string) => void } = {},
): DependencyWatch {
  const intervalMs = options.intervalMs ?? 5000;
  const log = options.log ?? ((message: string) => console.error(message));
  const probes: Array<[string, () => Promise<void>]> = [
    ['PostgreSQL', () => probePostgres(targets.databaseUrl, intervalMs)],
    ['Temporal', () => probeTemporal(targets.temporalAddress, intervalMs)],
  ];
  const down = new Set<string>();
  let running = false;
  const round = async () => {
    if (running) return;
    running = true;
    await Promise.all(probes.map(async ([name, probe]) => {
      try {
        await probe();
        if (down.delete(name)) log(`${name} answers again`);
      } catch (error) {
        if (!down.has(name)) {
          down.add(name);
          log(`${name} is not answering (${(error as Error).message}); bookings fail until it is back (a server npm start started is restarted by it; an external one is not).`);
        }
      }
    }));
    running = false;
  };
  const timer = setInterval(() => void round(), intervalMs);
  timer.unref();
  return { stop: () => clearInterval(timer) };
}
