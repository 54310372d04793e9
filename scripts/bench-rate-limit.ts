import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createApp } from '../api/app';
import type { RateLimits } from '../api/rate-limit';
import { startBenchStack } from './bench/bench-stack';
import { figuresHeader, figuresRow, measure, type Figures } from './bench/measure';

/**
 * What counting a request against its credential's rate limit costs: `GET /v1/resources` (one
 * small organization) through three apps on the same database and process, without a limit (the
 * floor), counted in memory (per process), and counted in PostgreSQL (shared by the replicas, one
 * upsert per request). Rounds alternate between them so drift of the machine hits all three.
 * `npm run bench:rate-limit`.
 */
const ROUNDS = 9;
const PER_ROUND = 300;
const CONCURRENCY = [1, 16];

async function main() {
  const stack = await startBenchStack('rate_limit');
  const variants: Array<{ name: string; rateLimits?: RateLimits }> = [
    { name: 'no rate limit (floor)' },
    { name: 'RATE_LIMIT_STORE=memory', rateLimits: { apiKeyPerMinute: 10_000_000, manageTokenPerMinute: 60, store: 'memory' } },
    { name: 'RATE_LIMIT_STORE=postgres', rateLimits: { apiKeyPerMinute: 10_000_000, manageTokenPerMinute: 60, store: 'postgres' } },
  ];
  const servers: Server[] = [];
  const urls = await Promise.all(variants.map(async ({ rateLimits }) => {
    const server = createApp({ db: stack.db, temporal: stack.temporal, taskQueue: stack.taskQueue, manageTokenSecret: 'bench', rateLimits }).listen(0, '127.0.0.1');
    servers.push(server);
    await new Promise((resolve) => server.once('listening', resolve));
    return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  }));
  const headers = { authorization: `Bearer ${stack.apiKey}` };
  const get = (url: string) => async () => {
    const response = await fetch(`${url}/v1/resources?limit=10`, { headers });
    if (response.status !== 200) throw new Error(`${url}: ${response.status}`);
    await response.arrayBuffer();
  };
  // Warm-up: connections, JIT, the counter's row.
  for (const url of urls) await measure(200, 4, get(url));

  try {
    for (const concurrency of CONCURRENCY) {
      const samples = variants.map(() => [] as Figures[]);
      for (let round = 0; round < ROUNDS; round += 1) {
        for (const [index, url] of urls.entries()) samples[index].push(await measure(PER_ROUND, concurrency, get(url)));
      }
      console.log(`\nconcurrency ${concurrency}, ${ROUNDS} rounds × ${PER_ROUND} requests, median of the rounds`);
      console.log(figuresHeader());
      const medians = samples.map((rounds) => ({
        p50: median(rounds.map(({ p50 }) => p50)), p99: median(rounds.map(({ p99 }) => p99)), throughput: median(rounds.map(({ throughput }) => throughput)),
      }));
      for (const [index, { name }] of variants.entries()) console.log(figuresRow(name, medians[index]));
      const floor = medians[0];
      for (const [index, { name }] of variants.entries()) {
        if (index === 0) continue;
        const perRequestMs = 1000 / medians[index].throughput - 1000 / floor.throughput;
        console.log(`  ${name}: p50 ${(medians[index].p50 - floor.p50).toFixed(2)} ms over the floor; ${(perRequestMs * 1000).toFixed(0)} µs of wall time per request at this concurrency`);
      }
    }
  } finally {
    for (const server of servers) server.close();
    await stack.stop();
  }
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)];
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
