import { randomUUID } from 'node:crypto';
import { DateTime } from 'luxon';
import { placeHold } from '../activities/place-hold';
import { ALWAYS_OPEN, startBenchStack } from './bench/bench-stack';
import { figuresHeader, figuresRow, measure } from './bench/measure';

const RESERVATIONS = Number(process.env.BENCH_RESERVATIONS ?? 500);
const CONCURRENCY = Number(process.env.BENCH_CONCURRENCY ?? 16);
const WARM_UP = 20;

/** Distinct free half-hour slots on an always-open resource, starting a few days ahead. */
function slot(index: number): string {
  return DateTime.utc().startOf('day').plus({ days: 3, minutes: 30 * index }).toISO()!;
}

async function main() {
  const stack = await startBenchStack('reserve');
  const { db, organizationId, post } = stack;
  try {
    const bookableService = async () => {
      const resource = await post('/v1/resources', { name: 'Bench room', timezone: 'UTC', weekly_schedule: ALWAYS_OPEN });
      const service = await post('/v1/services', {
        name: 'Bench', durations_minutes: [30], hold_ttl_seconds: 3600, resource_ids: [resource.body.id],
      });
      return service.body.id as string;
    };

    const apiService = await bookableService();
    const reserveOverHttp = async (index: number) => {
      const response = await post('/v1/bookings', { service_id: apiService, start: slot(index) });
      if (response.status !== 201) throw new Error(`reservation ${index}: ${response.status} ${JSON.stringify(response.body)}`);
    };
    await measure(WARM_UP, CONCURRENCY, (index) => reserveOverHttp(RESERVATIONS + index));
    const api = await measure(RESERVATIONS, CONCURRENCY, reserveOverHttp);

    const dbService = await bookableService();
    const holdDirectly = async (index: number) => {
      const outcome = await placeHold(db, {
        bookingId: randomUUID(), organizationId, serviceId: dbService, start: slot(index), durationMinutes: null,
        resourceIds: null, customer: null, metadata: {},
      }, new Date());
      if (outcome.outcome === 'rejected') throw new Error(`direct hold ${index}: ${outcome.message}`);
    };
    await measure(WARM_UP, CONCURRENCY, (index) => holdDirectly(RESERVATIONS + index));
    const direct = await measure(RESERVATIONS, CONCURRENCY, holdDirectly);

    console.log(`\n${RESERVATIONS} reservations of distinct free slots, concurrency ${CONCURRENCY}`);
    console.log(figuresHeader());
    console.log(figuresRow('POST /v1/bookings (Update-with-Start + hold)', api));
    console.log(figuresRow('hold placed by a direct DB transaction', direct));
    console.log(`ratio API / direct: p50 ${(api.p50 / direct.p50).toFixed(1)}x, p99 ${(api.p99 / direct.p99).toFixed(1)}x, `
      + `throughput ${(direct.throughput / api.throughput).toFixed(1)}x`);
  } finally {
    await stack.stop();
  }
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
