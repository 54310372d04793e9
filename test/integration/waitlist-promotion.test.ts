import { Worker } from '@temporalio/worker';
import { DateTime } from 'luxon';
import { bookingStateQuery } from '../../workflows/messages';
import { createResource, createService } from '../stack/fixtures';
import { call, waitFor } from '../stack/http';
import { bookSeats, createSession, expectSeatsWithinCapacity } from '../stack/session-fixtures';
import { startTestStack, type TestStack } from '../stack/test-stack';
import { bookingDataConverter } from '../../personal-data/data-converter';

let stack: TestStack;
let resourceId: string;
beforeAll(async () => {
  stack = await startTestStack('promotion');
  resourceId = await createResource(stack);
});
afterAll(() => stack?.stop());

const get = (path: string) => call(stack.baseUrl, 'GET', path, { token: stack.apiKey });
const post = (path: string, body: unknown = {}) => call(stack.baseUrl, 'POST', path, { token: stack.apiKey, body });
const details = { name: 'Ada Lovelace', email: 'ada@example.com' };

async function sessionOf(serviceFields: Record<string, unknown>, sessionFields: Record<string, unknown>) {
  const serviceId = await createService(stack, { resource_ids: [resourceId], ...serviceFields });
  return createSession(stack, { service_id: serviceId, ...sessionFields });
}

async function book(sessionId: string, fields: Record<string, unknown> = {}) {
  const response = await bookSeats(stack, sessionId, fields);
  if (response.status !== 201 && response.status !== 202) throw new Error(`not booked: ${JSON.stringify(response.body)}`);
  return response.body as { id: string; status: string; workflow_id: string; waitlist_position: number | null };
}

const statusOf = async (bookingId: string) => (await get(`/v1/bookings/${bookingId}`)).body.status;

/** The workflow itself, not only the database, must know of the promotion. */
function workflowReaches(workflowId: string, status: string) {
  const handle = stack.temporal.workflow.getHandle(workflowId);
  return waitFor(() => handle.query(bookingStateQuery), (state) => state.status === status);
}

test('offer: a freed seat goes to the oldest waiting booking, held with its own TTL; the next keeps its place', async () => {
  const session = await sessionOf({ promotion: 'offer', hold_ttl_seconds: 600 }, { capacity: 2, waitlist_size: 5 });
  const [first] = [await book(session.id), await book(session.id)];
  const waiting = [await book(session.id), await book(session.id), await book(session.id)];
  expect(waiting.map((booking) => [booking.status, booking.waitlist_position])).toEqual([['waitlisted', 1], ['waitlisted', 2], ['waitlisted', 3]]);
  await expectSeatsWithinCapacity(stack, session.id);

  expect((await post(`/v1/bookings/${first.id}/cancel`, { reason: 'cannot come' })).body.status).toBe('cancelled');
  const promoted = await get(`/v1/bookings/${waiting[0].id}`);
  expect(promoted.body).toMatchObject({ status: 'held', waitlist_position: null });
  expect(Date.parse(promoted.body.hold_expires_at) - Date.now()).toBeGreaterThan(500_000);
  expect((await get(`/v1/bookings/${waiting[1].id}`)).body).toMatchObject({ status: 'waitlisted', waitlist_position: 1 });
  await expectSeatsWithinCapacity(stack, session.id);
  await workflowReaches(waiting[0].workflow_id, 'held');

  // The promoted booking carries on like any held one.
  expect((await post(`/v1/bookings/${waiting[0].id}/details`, details)).body.status).toBe('confirmed');
  const events = await get(`/v1/bookings/${waiting[0].id}/events`);
  expect(events.body.data.map((event: { from: string | null; to: string }) => [event.from, event.to]))
    .toEqual([[null, 'waitlisted'], ['waitlisted', 'held'], ['held', 'confirmed']]);
  await expectSeatsWithinCapacity(stack, session.id);

  // Both recorded histories (the one that freed the seat, the promoted one) replay against the current code.
  for (const booking of [first, waiting[0]]) {
    const history = await stack.temporal.workflow.getHandle(booking.workflow_id).fetchHistory();
    await Worker.runReplayHistory({ workflowsPath: require.resolve('../../workflows'), dataConverter: bookingDataConverter(stack.db) }, history);
  }
});

test('auto_confirm: the promoted booking is confirmed at once', async () => {
  const session = await sessionOf({ promotion: 'auto_confirm' }, { capacity: 1, waitlist_size: 2 });
  const seated = await book(session.id);
  const waiting = await book(session.id, { customer: details });
  await post(`/v1/bookings/${seated.id}/cancel`);
  expect(await statusOf(waiting.id)).toBe('confirmed');
  await workflowReaches(waiting.workflow_id, 'confirmed');
  await expectSeatsWithinCapacity(stack, session.id);
});

test('offer lapse: an unanswered offer expires and the seat moves on to the next in line', async () => {
  const session = await sessionOf({ promotion: 'offer', hold_ttl_seconds: 2 }, { capacity: 1, waitlist_size: 3 });
  const seated = await book(session.id);
  await post(`/v1/bookings/${seated.id}/details`, details);
  const [second, third] = [await book(session.id), await book(session.id)];
  await post(`/v1/bookings/${seated.id}/cancel`);
  expect(await statusOf(second.id)).toBe('held');
  await expectSeatsWithinCapacity(stack, session.id);

  await waitFor(() => statusOf(third.id), (status) => status === 'held');
  expect(await statusOf(second.id)).toBe('expired');
  await workflowReaches(third.workflow_id, 'held');
  await expectSeatsWithinCapacity(stack, session.id);
});

test('spaces: 3 waiting before spaces: 1 — the single seat goes to the one that fits; the 3 keep their place', async () => {
  const session = await sessionOf({}, { capacity: 4, waitlist_size: 10 });
  const [a, b] = [await book(session.id, { spaces: 2 }), await book(session.id, { spaces: 2 })];
  const three = await book(session.id, { spaces: 3 });
  const one = await book(session.id, { spaces: 1 });
  expect([three.waitlist_position, one.waitlist_position]).toEqual([1, 2]);

  await post(`/v1/bookings/${a.id}/cancel`);
  expect(await statusOf(one.id)).toBe('held');
  expect((await get(`/v1/bookings/${three.id}`)).body).toMatchObject({ status: 'waitlisted', waitlist_position: 1 });
  expect(await expectSeatsWithinCapacity(stack, session.id)).toMatchObject({ seated: 3, waiting: 3 });

  await post(`/v1/bookings/${b.id}/cancel`);
  expect(await statusOf(three.id)).toBe('held');
  expect(await expectSeatsWithinCapacity(stack, session.id)).toMatchObject({ seated: 4, waiting: 0 });
});

test('raising the capacity promotes in queue order; lowering it below the seats taken is refused', async () => {
  const session = await sessionOf({}, { capacity: 1, waitlist_size: 3 });
  await book(session.id);
  const waiting = [await book(session.id), await book(session.id), await book(session.id)];
  const lowered = await call(stack.baseUrl, 'PATCH', `/v1/sessions/${session.id}`, { token: stack.apiKey, body: { capacity: 0 } });
  expect(lowered.status).toBe(400);
  const raised = await call(stack.baseUrl, 'PATCH', `/v1/sessions/${session.id}`, { token: stack.apiKey, body: { capacity: 3 } });
  expect(raised.status).toBe(200);
  expect(raised.body).toMatchObject({ capacity: 3, seats_taken: 3, waitlist_length: 1 });
  expect(await Promise.all(waiting.map((booking) => statusOf(booking.id)))).toEqual(['held', 'held', 'waitlisted']);
  await workflowReaches(waiting[1].workflow_id, 'held');
  const below = await call(stack.baseUrl, 'PATCH', `/v1/sessions/${session.id}`, { token: stack.apiKey, body: { capacity: 2 } });
  expect(below.status).toBe(409);
  expect(below.body.code).toBe('capacity_below_seats_taken');
  await expectSeatsWithinCapacity(stack, session.id);
});

test('a booking giving seats back promotes the next in line', async () => {
  const session = await sessionOf({}, { capacity: 3, waitlist_size: 3 });
  const group = await book(session.id, { spaces: 3 });
  const waiting = await book(session.id);
  const more = await post(`/v1/bookings/${group.id}/spaces`, { spaces: 3 });
  expect(more.status).toBe(400);
  expect(more.body.errors[0].path).toBe('spaces');
  const fewer = await post(`/v1/bookings/${group.id}/spaces`, { spaces: 2 });
  expect(fewer.status).toBe(200);
  expect(fewer.body).toMatchObject({ spaces: 2, status: 'held' });
  expect(await statusOf(waiting.id)).toBe('held');
  await expectSeatsWithinCapacity(stack, session.id);

  // Details and seats given back at the same moment (both reach the workflow in one task, as the
  // worker comes back): the confirmation stands, whatever the order.
  const other = await sessionOf({}, { capacity: 3, waitlist_size: 0 });
  const pair = await book(other.id, { spaces: 2 });
  await stack.stopWorker();
  const confirming = post(`/v1/bookings/${pair.id}/details`, details);
  const shrinking = post(`/v1/bookings/${pair.id}/spaces`, { spaces: 1 });
  await waitFor(() => stack.temporal.workflow.getHandle(pair.workflow_id).describe(), (description) => description.raw.pendingWorkflowTask !== undefined && description.raw.pendingWorkflowTask !== null);
  await stack.startWorker();
  const [confirmed, fewerAgain] = await Promise.all([confirming, shrinking]);
  expect([confirmed.status, fewerAgain.status]).toEqual([200, 200]);
  expect((await get(`/v1/bookings/${pair.id}`)).body).toMatchObject({ status: 'confirmed', spaces: 1 });
  await workflowReaches(pair.workflow_id, 'confirmed');
  await expectSeatsWithinCapacity(stack, other.id);
});

test('a waiting booking expires when the booking window closes', async () => {
  const start = DateTime.utc().plus({ seconds: 63 });
  const session = await sessionOf({}, { start: start.toISO(), capacity: 1, waitlist_size: 1, closes_before_seconds: 60 });
  await book(session.id);
  const waiting = await book(session.id);
  await waitFor(() => statusOf(waiting.id), (status) => status === 'expired');
  const events = await get(`/v1/bookings/${waiting.id}/events`);
  expect(events.body.data.at(-1)).toMatchObject({ from: 'waitlisted', to: 'expired', actor: 'system' });
  expect((await get(`/v1/sessions/${session.id}`)).body).toMatchObject({ waitlist_length: 0, waitlist_places_taken: 0 });
  await expectSeatsWithinCapacity(stack, session.id);
});

test('cancelling a session cancels every booking, held, confirmed or waiting, with the reason; the attendee list follows', async () => {
  const session = await sessionOf({}, { capacity: 2, waitlist_size: 2 });
  const held = await book(session.id, { customer: { name: 'Held' } });
  const confirmed = await book(session.id);
  await post(`/v1/bookings/${confirmed.id}/details`, details);
  const waiting = await book(session.id, { customer: { name: 'Waiting' } });

  const attendees = await get(`/v1/sessions/${session.id}?include=bookings`);
  expect(attendees.body.bookings.map((b: { id: string; status: string; waitlist_position: number | null }) => [b.id, b.status, b.waitlist_position]))
    .toEqual([[held.id, 'held', null], [confirmed.id, 'confirmed', null], [waiting.id, 'waitlisted', 1]]);
  expect(attendees.body.bookings[1].customer).toMatchObject({ name: details.name, email: details.email });

  const cancelled = await post(`/v1/sessions/${session.id}/cancel`, { reason: 'the trainer is ill' });
  expect(cancelled.status).toBe(200);
  expect(cancelled.body).toMatchObject({ status: 'cancelled', cancel_reason: 'the trainer is ill' });
  expect(cancelled.body.cancelled_booking_ids.sort()).toEqual([held.id, confirmed.id, waiting.id].sort());

  const after = await waitFor(() => get(`/v1/sessions/${session.id}?include=bookings`),
    (response) => response.body.bookings.every((b: { status: string }) => b.status === 'cancelled'));
  expect(after.body).toMatchObject({ seats_taken: 0, waitlist_length: 0 });
  for (const booking of [held, confirmed, waiting]) {
    const events = await get(`/v1/bookings/${booking.id}/events`);
    expect(events.body.data.at(-1)).toMatchObject({ to: 'cancelled', actor: 'host', reason: 'the trainer is ill' });
    await workflowReaches(booking.workflow_id, 'cancelled');
  }
  expect((await bookSeats(stack, session.id)).body.code).toBe('session_cancelled');
  const resized = await call(stack.baseUrl, 'PATCH', `/v1/sessions/${session.id}`, { token: stack.apiKey, body: { capacity: 5 } });
  expect(resized.body).toMatchObject({ status: 409, code: 'session_cancelled' });
  const listed = await get(`/v1/bookings?session_id=${session.id}&status=cancelled`);
  expect(listed.body.data.map((b: { id: string }) => b.id).sort()).toEqual([held.id, confirmed.id, waiting.id].sort());
  await expectSeatsWithinCapacity(stack, session.id);
});
