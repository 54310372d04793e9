import { randomUUID } from 'node:crypto';
import { DateTime } from 'luxon';
import { placeHold } from '../bookings/place-hold';
import { bookingStateQuery } from '../workflows/messages';
import { ALWAYS_OPEN, startBenchStack } from './bench/bench-stack';
import { figuresHeader, figuresRow, measure, percentile } from './bench/measure';

const REQUESTS = Number(process.env.BENCH_REQUESTS ?? 400);
const CONCURRENCY = Number(process.env.BENCH_CONCURRENCY ?? 16);
const PROMOTIONS = Number(process.env.BENCH_PROMOTIONS ?? 40);

/**
 * Seats of one session under contention (every request takes the same session lock), through the
 * API and by direct transactions; then how long a freed seat takes to reach the promoted booking's
 * workflow (cancel answered → the promoted workflow's state says held).
 */
async function main() {
  const stack = await startBenchStack('sessions');
  const { db, organizationId, post, temporal } = stack;
  try {
    const resource = await post('/v1/resources', { name: 'Bench hall', timezone: 'UTC', weekly_schedule: ALWAYS_OPEN });
    const service = await post('/v1/services', { name: 'Class', durations_minutes: [60], hold_ttl_seconds: 3600, resource_ids: [resource.body.id] });
    const start = DateTime.utc().plus({ days: 7 }).startOf('hour');
    const session = async (hoursAhead: number, capacity: number, waitlist: number) => (await post('/v1/sessions', {
      service_id: service.body.id, start: start.plus({ hours: hoursAhead }).toISO(), capacity, waitlist_size: waitlist,
    })).body.id as string;

    const statuses: Record<number, number> = {};
    const apiSession = await session(0, REQUESTS / 2, REQUESTS / 4);
    const api = await measure(REQUESTS, CONCURRENCY, async () => {
      const response = await post('/v1/bookings', { session_id: apiSession, spaces: 1 });
      statuses[response.status] = (statuses[response.status] ?? 0) + 1;
    });

    const directSession = await session(2, REQUESTS / 2, REQUESTS / 4);
    const direct = await measure(REQUESTS, CONCURRENCY, async () => {
      await placeHold(db, {
        bookingId: randomUUID(), organizationId, serviceId: service.body.id, sessionId: directSession,
        start: start.plus({ hours: 2 }).toISO()!, durationMinutes: null, resourceIds: null, spaces: 1, customer: null, metadata: {},
      }, new Date());
    });

    const promotionSession = await session(4, 1, PROMOTIONS);
    let seated = (await post('/v1/bookings', { session_id: promotionSession })).body.id;
    const waiting = [];
    for (let index = 0; index < PROMOTIONS; index += 1) waiting.push((await post('/v1/bookings', { session_id: promotionSession })).body.id);
    const promotionMs: number[] = [];
    for (const next of waiting) {
      const t0 = performance.now();
      await post(`/v1/bookings/${seated}/cancel`, {});
      const handle = temporal.workflow.getHandle(`booking-${next}`);
      // Poll the workflow itself, for at most 30 s: a promotion that never arrives is a failure, not a wait.
      while ((await handle.query(bookingStateQuery)).status !== 'held') {
        if (performance.now() - t0 > 30_000) throw new Error(`booking ${next} was not promoted within 30 s`);
      }
      promotionMs.push(performance.now() - t0);
      seated = next;
    }
    promotionMs.sort((a, b) => a - b);

    console.log(`\n${REQUESTS} requests for 1 seat of one session (${REQUESTS / 2} seats, ${REQUESTS / 4} waiting places), concurrency ${CONCURRENCY}`);
    console.log(`API answers: ${Object.entries(statuses).map(([status, count]) => `${count} × ${status}`).join(', ')}`);
    console.log(figuresHeader());
    console.log(figuresRow('POST /v1/bookings {session_id} (Update-with-Start)', api));
    console.log(figuresRow('seat claimed by a direct DB transaction', direct));
    console.log(`\n${PROMOTIONS} promotions one after another: cancel → promoted workflow knows it is held`);
    console.log(`p50 ${percentile(promotionMs, 50).toFixed(1)} ms, p99 ${percentile(promotionMs, 99).toFixed(1)} ms`);
  } finally {
    await stack.stop();
  }
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
