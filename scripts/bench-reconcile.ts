import { randomUUID } from 'node:crypto';
import { DateTime } from 'luxon';
import { placeHold } from '../bookings/place-hold';
import { LIVE_STATUSES } from '../domain/booking-status';
import { reconcileBookingsWorkflow, type ReconcileRequest } from '../workflows/reconciler';
import { ALWAYS_OPEN, startBenchStack } from './bench/bench-stack';

const BOOKINGS = Number(process.env.BENCH_BOOKINGS ?? 1000);

function slot(index: number): string {
  return DateTime.utc().startOf('day').plus({ days: 3, minutes: 30 * index }).toISO()!;
}

async function seconds<T>(work: () => Promise<T>): Promise<[T, number]> {
  const started = performance.now();
  const result = await work();
  return [result, (performance.now() - started) / 1000];
}

/**
 * How long the reconciler takes over BOOKINGS live bookings: once when none has a workflow (every
 * one is adopted by a fresh workflow), once when all have one (the check alone), beside the floor
 * of reading the same rows straight from PostgreSQL.
 */
async function main() {
  const stack = await startBenchStack('reconcile');
  const { db, temporal, taskQueue, organizationId, post } = stack;
  const reconcile = (request: ReconcileRequest) => temporal.workflow.execute(reconcileBookingsWorkflow, {
    workflowId: `bench-reconcile-${randomUUID()}`, taskQueue, args: [request],
  });
  try {
    const resource = await post('/v1/resources', { name: 'Bench room', timezone: 'UTC', weekly_schedule: ALWAYS_OPEN });
    const service = await post('/v1/services', {
      name: 'Bench', durations_minutes: [30], hold_ttl_seconds: 86_400, resource_ids: [resource.body.id],
    });
    console.log(`placing ${BOOKINGS} holds without workflows (as if their workflows were lost)…`);
    for (let index = 0; index < BOOKINGS; index += 50) {
      await Promise.all(Array.from({ length: Math.min(50, BOOKINGS - index) }, (_, offset) => placeHold(db, {
        bookingId: randomUUID(), organizationId, serviceId: service.body.id, start: slot(index + offset),
        durationMinutes: null, resourceIds: null, customer: null, metadata: {},
      }, new Date())));
    }

    const [rows, floor] = await seconds(() => db.selectFrom('bookings').selectAll().where('status', 'in', LIVE_STATUSES).execute());
    const [repair, repairSeconds] = await seconds(() => reconcile({ graceSeconds: 0, limit: BOOKINGS }));
    // The adopting workflows' first tasks (each writes its audit event) settle before the check.
    const [, settleSeconds] = await seconds(async () => {
      for (;;) {
        const { count } = await db.selectFrom('booking_events').select((eb) => eb.fn.countAll<string>().as('count'))
          .where('actor', '=', 'reconciler').executeTakeFirstOrThrow();
        if (Number(count) >= repair.repaired.length) return;
        await new Promise((resolve) => setTimeout(resolve, 200));
      }
    });
    const [check, checkSeconds] = await seconds(() => reconcile({ graceSeconds: 0, limit: BOOKINGS }));

    console.log(`\nreconciler over ${rows.length} live bookings`);
    console.log(`floor: read them from PostgreSQL            ${(floor * 1000).toFixed(0).padStart(7)} ms`);
    console.log(`run 1: none has a workflow (all adopted)    ${(repairSeconds * 1000).toFixed(0).padStart(7)} ms  repaired ${repair.repaired.length}`);
    console.log(`the adopting workflows' first tasks done   ${(settleSeconds * 1000).toFixed(0).padStart(7)} ms later`);
    console.log(`run 2: all have one (check only)            ${(checkSeconds * 1000).toFixed(0).padStart(7)} ms  repaired ${check.repaired.length}`);
  } finally {
    await stack.stop();
  }
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
