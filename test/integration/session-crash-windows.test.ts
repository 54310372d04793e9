import { randomUUID } from 'node:crypto';
import { createActivities } from '../../activities';
import { placeHold } from '../../bookings/place-hold';
import { bookingWorkflow } from '../../workflows/booking';
import { bookingStateQuery, bookingWorkflowId } from '../../workflows/messages';
import { createBookable } from '../stack/fixtures';
import { call, waitFor } from '../stack/http';
import { bookSeats, createSession, expectSeatsWithinCapacity } from '../stack/session-fixtures';
import { startTestStack, type TestStack } from '../stack/test-stack';

let stack: TestStack;
beforeAll(async () => {
  stack = await startTestStack('session-crash-windows');
});
afterAll(() => stack?.stop());

const post = (path: string, body: unknown = {}) => call(stack.baseUrl, 'POST', path, { token: stack.apiKey, body });

/**
 * The window of invariant 4: the transaction that freed the seat and promoted the next booking has
 * committed, but the worker died before its workflow task completed, so nobody told the promoted
 * booking's workflow. The test leaves the stack in exactly that state: with no worker running, the
 * cancel goes to the workflow, and the transition the worker would have run (the same activity,
 * the same step) commits on its own. A new worker then replays the cancel; the activity finds its
 * committed step and its promotions, and the promoted workflow is told once.
 */
test('the worker dies between freeing a seat and telling the promoted workflow: after restart it is promoted, once', async () => {
  const { serviceId } = await createBookable(stack);
  const session = await createSession(stack, { service_id: serviceId, capacity: 1, waitlist_size: 2 });
  const seated = (await bookSeats(stack, session.id)).body;
  await post(`/v1/bookings/${seated.id}/details`, { name: 'Ada', email: 'ada@example.com' });
  const [next, after] = [(await bookSeats(stack, session.id)).body, (await bookSeats(stack, session.id)).body];
  expect([next.status, after.status]).toEqual(['waitlisted', 'waitlisted']);

  await stack.stopWorker();
  const cancelling = post(`/v1/bookings/${seated.id}/cancel`, { reason: 'crash test' });
  // What the dead worker committed: the workflow's second transition ("2:cancelled", after "1:confirmed").
  const committed = await createActivities({ db: stack.db }).recordTransition({
    bookingId: seated.id, step: '2:cancelled', from: ['held', 'pending_approval', 'confirmed'], to: 'cancelled',
    actor: 'organization', reason: 'crash test', releaseCapacity: true,
  });
  expect(committed.ok && committed.promoted.map((promoted) => promoted.booking.id)).toEqual([next.id]);
  const promotedRow = await stack.db.selectFrom('bookings').select('status').where('id', '=', next.id).executeTakeFirstOrThrow();
  expect(promotedRow.status).toBe('held');
  await expectSeatsWithinCapacity(stack, session.id);

  await stack.startWorker();
  expect((await cancelling).body.status).toBe('cancelled');
  const handle = stack.temporal.workflow.getHandle(next.workflow_id);
  await waitFor(() => handle.query(bookingStateQuery), (state) => state.status === 'held');

  // Exactly once: one promotion row, one audit step, one signal, and the next in line still waits.
  const promotions = await stack.db.selectFrom('promotions').selectAll().where('session_id', '=', session.id).execute();
  expect(promotions.map((promotion) => promotion.booking_id)).toEqual([next.id]);
  const steps = await stack.db.selectFrom('booking_events').select(['from_status', 'to_status'])
    .where('booking_id', '=', next.id).orderBy('id').execute();
  expect(steps.map((step) => [step.from_status, step.to_status])).toEqual([[null, 'waitlisted'], ['waitlisted', 'held']]);
  let signals = 0;
  for (const event of (await handle.fetchHistory()).events ?? []) {
    if (event.workflowExecutionSignaledEventAttributes?.signalName === 'promoted') signals += 1;
  }
  expect(signals).toBe(1);
  const afterRow = await stack.db.selectFrom('bookings').select('status').where('id', '=', after.id).executeTakeFirstOrThrow();
  expect(afterRow.status).toBe('waitlisted');
  await expectSeatsWithinCapacity(stack, session.id);

  // The promoted booking goes on as a held one: its workflow accepts the customer's details.
  expect((await post(`/v1/bookings/${next.id}/details`, { name: 'Bo', email: 'bo@example.com' })).body.status).toBe('confirmed');
});

test('a course whose workflows never started: cancelling the session still ends its bookings, and a late workflow finds them ended', async () => {
  const { serviceId } = await createBookable(stack);
  const session = await createSession(stack, { service_id: serviceId, capacity: 3 });
  const bookingId = randomUUID();
  // What the course's workflow committed before it died, with no booking workflow started yet.
  const placed = await createActivities({ db: stack.db }).placeSessionHolds([{
    bookingId, organizationId: stack.organizationId, serviceId, sessionId: session.id, start: session.start,
    durationMinutes: null, resourceIds: null, spaces: 2, customer: null, metadata: {},
  }]);
  expect(placed.outcome).toBe('held');

  const cancelled = await post(`/v1/sessions/${session.id}/cancel`, { reason: 'venue flooded' });
  expect(cancelled.body.cancelled_booking_ids).toEqual([bookingId]);
  const row = await stack.db.selectFrom('bookings').select('status').where('id', '=', bookingId).executeTakeFirstOrThrow();
  expect(row.status).toBe('cancelled');
  expect(await expectSeatsWithinCapacity(stack, session.id)).toMatchObject({ seated: 0 });

  // The course's workflow, resumed, starts the booking's workflow: it finds the booking ended.
  const handle = await stack.temporal.workflow.start(bookingWorkflow, {
    workflowId: bookingWorkflowId(bookingId), taskQueue: stack.taskQueue,
    args: [{ hold: { bookingId, organizationId: stack.organizationId, serviceId, sessionId: session.id, start: session.start, durationMinutes: null, resourceIds: null, spaces: 2, customer: null, metadata: {} } }],
  });
  expect((await handle.result()).status).toBe('cancelled');
});

test('a hold attempt that runs past its deadline commits nothing', async () => {
  const { serviceId } = await createBookable(stack);
  const session = await createSession(stack, { service_id: serviceId, capacity: 3 });
  const bookingId = randomUUID();
  const request = {
    bookingId, organizationId: stack.organizationId, serviceId, sessionId: session.id, start: session.start,
    durationMinutes: null, resourceIds: null, customer: null, metadata: {},
  };
  await expect(placeHold(stack.db, request, new Date(), new Date(Date.now() - 1))).rejects.toThrow(/deadline/);
  expect(await stack.db.selectFrom('bookings').select('id').where('id', '=', bookingId).executeTakeFirst()).toBeUndefined();
  expect(await expectSeatsWithinCapacity(stack, session.id)).toMatchObject({ seated: 0 });
  expect(await placeHold(stack.db, request, new Date(), new Date(Date.now() + 60_000))).toMatchObject({ outcome: 'held' });
});
