export interface Figures {
  p50: number;
  p99: number;
  throughput: number;
  /** The rate once `settle` (work the answers did not wait for) is done too. */
  settledThroughput?: number;
}

export function percentile(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)];
}

/**
 * Runs `count` jobs with at most `concurrency` in flight; returns per-job latency and the rate, and
 * with `settle` also the rate counted until it resolves after the last job.
 */
export async function measure(
  count: number, concurrency: number, job: (index: number) => Promise<void>, settle?: () => Promise<void>,
): Promise<Figures> {
  const latencies: number[] = [];
  let next = 0;
  const started = performance.now();
  await Promise.all(Array.from({ length: concurrency }, async () => {
    while (next < count) {
      const index = next++;
      const t0 = performance.now();
      await job(index);
      latencies.push(performance.now() - t0);
    }
  }));
  const elapsed = (performance.now() - started) / 1000;
  await settle?.();
  const settled = (performance.now() - started) / 1000;
  latencies.sort((a, b) => a - b);
  return {
    p50: percentile(latencies, 50), p99: percentile(latencies, 99), throughput: count / elapsed,
    ...(settle && { settledThroughput: count / settled }),
  };
}

export function figuresRow(name: string, figures: Figures): string {
  return `${name.padEnd(48)} ${figures.p50.toFixed(1).padStart(8)} ${figures.p99.toFixed(1).padStart(8)} ${figures.throughput.toFixed(0).padStart(10)}`;
}

export function figuresHeader(): string {
  return `${'path'.padEnd(48)} ${'p50 ms'.padStart(8)} ${'p99 ms'.padStart(8)} ${'per second'.padStart(10)}`;
}
