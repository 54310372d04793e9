import { randomUUID } from 'node:crypto';
import { DateTime } from 'luxon';
import { createBookable, futureSlot, reserve } from '../stack/fixtures';
import { call, waitFor, type ApiResponse } from '../stack/http';
import { startTestStack, type TestStack } from '../stack/test-stack';

/**
 * Every change of a booking takes an Idempotency-Key: a request sent again because its answer was
 * lost gets the first answer (200, the same body), not a 409 saying the change it made is not
 * allowed; the Update it names is made once; the same key with another body is 422.
 */

let stack: TestStack;
let serviceId: string;
let approvalServiceId: string;
let sessionId: string;
let slot = 0;
beforeAll(async () => {
  stack = await startTestStack('state_change_idempotency');
  serviceId = (await createBookable(stack)).serviceId;
  approvalServiceId = (await createBookable(stack, { requires_approval: true })).serviceId;
  const session = await call(stack.baseUrl, 'POST', '/v1/sessions', {
    token: stack.apiKey, body: { service_id: serviceId, capacity: 10, waitlist_size: 5, start: futureSlot(44, 5) },
  });
  sessionId = session.body.id;
});
afterAll(() => stack?.stop());

const post = (path: string, body: unknown, key?: string, token = stack.apiKey) =>
  call(stack.baseUrl, 'POST', path, { token, body, headers: key ? { 'idempotency-key': key } : {} });
const eventsOf = async (id: string) => (await call(stack.baseUrl, 'GET', `/v1/bookings/${id}/events`, { token: stack.apiKey })).body.data as unknown[];

async function held(service = serviceId, extra: Record<string, unknown> = {}) {
  const answer = await reserve(stack, { service_id: service, start: futureSlot((slot += 2)), ...extra });
  expect(answer.status).toBe(201);
  return answer.body as { id: string; manage_token: string };
}
async function pending() {
  const booking = await held(approvalServiceId);
  expect((await post(`/v1/bookings/${booking.id}/details`, { name: 'Ada', email: 'ada@example.com' })).body.status).toBe('pending_approval');
  return booking;
}
async function confirmed() {
  const booking = await held();
  expect((await post(`/v1/bookings/${booking.id}/details`, { name: 'Ada', email: 'ada@example.com' })).body.status).toBe('confirmed');
  return booking;
}

/** Sends the change twice with one key: both answers are the first one, and one transition was made. */
async function sentTwice(id: string, action: string, body: unknown, token?: string): Promise<ApiResponse> {
  const key = randomUUID();
  const before = (await eventsOf(id)).length;
  const first = await post(`/v1/bookings/${id}/${action}`, body, key, token);
  expect({ action, status: first.status, detail: first.body.detail }).toEqual({ action, status: 200, detail: undefined });
  const again = await post(`/v1/bookings/${id}/${action}`, body, key, token);
  expect({ status: again.status, body: again.body }).toEqual({ status: 200, body: first.body });
  expect((await eventsOf(id)).length).toBeLessThanOrEqual(before + 1);
  return first;
}

test('each change sent again with its Idempotency-Key gets the first answer, not 409', async () => {
  await sentTwice((await held()).id, 'details', { name: 'Ada', email: 'ada@example.com' });
  await sentTwice((await pending()).id, 'confirm', { reason: 'welcome' });
  await sentTwice((await pending()).id, 'decline', { reason: 'fully booked' });
  await sentTwice((await confirmed()).id, 'cancel', { reason: 'plans changed' });
  await sentTwice((await confirmed()).id, 'reschedule', { start: futureSlot((slot += 2)) });
  const mine = await held();
  await sentTwice(mine.id, 'cancel', {}, mine.manage_token);

  const seats = await reserve(stack, { session_id: sessionId, spaces: 3 });
  await sentTwice(seats.body.id, 'spaces', { spaces: 1 });
  await sentTwice(seats.body.id, 'suspend', {});
  const waiting = await reserve(stack, { session_id: sessionId, spaces: 1, waitlist: true });
  expect(waiting.status).toBe(202);
  await sentTwice(waiting.body.id, 'accept', {});
});

test('without a key a change is not repeated: the second is 409 as before', async () => {
  const booking = await held();
  expect((await post(`/v1/bookings/${booking.id}/details`, { name: 'Ada', email: 'ada@example.com' })).status).toBe(200);
  const again = await post(`/v1/bookings/${booking.id}/details`, { name: 'Ada', email: 'ada@example.com' });
  expect(again.status).toBe(409);
  expect(again.body).toMatchObject({ code: 'invalid_transition', current_status: 'confirmed' });
});

test('the same key with another body is 422 naming the header; another booking\'s or action\'s key is its own', async () => {
  const booking = await confirmed();
  const key = randomUUID();
  expect((await post(`/v1/bookings/${booking.id}/reschedule`, { start: futureSlot((slot += 2)) }, key)).status).toBe(200);
  const other = await post(`/v1/bookings/${booking.id}/reschedule`, { start: futureSlot((slot += 2)) }, key);
  expect(other.status).toBe(422);
  expect(other.contentType).toContain('application/problem+json');
  expect(other.body).toMatchObject({ code: 'idempotency_key_reused', errors: [{ path: 'header.Idempotency-Key' }] });
  // The key is per booking and action: used elsewhere, it names another change.
  expect((await post(`/v1/bookings/${booking.id}/cancel`, {}, key)).body.status).toBe('cancelled');
  const second = await confirmed();
  expect((await post(`/v1/bookings/${second.id}/cancel`, {}, key)).body.status).toBe('cancelled');
  const malformed = await post(`/v1/bookings/${second.id}/cancel`, {}, 'not ascii é');
  expect(malformed.status).toBe(400);
});

test('a retry whose first answer never reached the API\'s record is the same Update: 200, made once', async () => {
  // The API died after Temporal took the change and before it kept the answer: only the Update's
  // id, derived from the key, tells the retry that the change is its own.
  const forget = () => stack.db.deleteFrom('idempotency_keys').where('organization_id', '=', stack.organizationId).execute();
  const booking = await held();
  const key = randomUUID();
  const details = { name: 'Ada', email: 'ada@example.com' };
  const first = await post(`/v1/bookings/${booking.id}/details`, details, key);
  expect(first.body.status).toBe('confirmed');
  await forget();
  const retried = await post(`/v1/bookings/${booking.id}/details`, details, key);
  expect({ status: retried.status, body: retried.body }).toEqual({ status: 200, body: first.body });

  const rescheduled = await confirmed();
  const start = futureSlot((slot += 2));
  const moved = await post(`/v1/bookings/${rescheduled.id}/reschedule`, { start }, key);
  expect(moved.status).toBe(200);
  const eventsAfterMove = (await eventsOf(rescheduled.id)).length;
  await forget();
  const movedAgain = await post(`/v1/bookings/${rescheduled.id}/reschedule`, { start }, key);
  expect(movedAgain.status).toBe(200);
  expect(movedAgain.body.start).toBe(moved.body.start);
  expect((await eventsOf(rescheduled.id)).length).toBe(eventsAfterMove);

  const seats = await reserve(stack, { session_id: sessionId, spaces: 2 });
  const fewer = await post(`/v1/bookings/${seats.body.id}/spaces`, { spaces: 1 }, key);
  expect(fewer.body.spaces).toBe(1);
  await forget();
  const fewerAgain = await post(`/v1/bookings/${seats.body.id}/spaces`, { spaces: 1 }, key);
  expect({ status: fewerAgain.status, spaces: fewerAgain.body.spaces }).toEqual({ status: 200, spaces: 1 });
  // Without the key the booking's seats decide: one seat cannot become one.
  expect((await post(`/v1/bookings/${seats.body.id}/spaces`, { spaces: 1 })).body).toMatchObject({ status: 400, errors: [{ path: 'spaces' }] });

  // A cancellation ends the workflow: its retry still finds its own change.
  const cancelled = await confirmed();
  const cancel = await post(`/v1/bookings/${cancelled.id}/cancel`, { reason: 'plans changed' }, key);
  expect(cancel.body.status).toBe('cancelled');
  await forget();
  const cancelAgain = await post(`/v1/bookings/${cancelled.id}/cancel`, { reason: 'plans changed' }, key);
  expect({ status: cancelAgain.status, status_: cancelAgain.body.status }).toEqual({ status: 200, status_: 'cancelled' });
});

test('check-in sent again with its key gets the first answer', async () => {
  const { serviceId: minuteService } = await createBookable(stack, { durations_minutes: [1], slot_step_minutes: 1 });
  const start = DateTime.utc().plus({ seconds: 5 }).startOf('minute').plus({ minutes: 1 });
  const booking = await reserve(stack, { service_id: minuteService, start: start.toISO() });
  expect(booking.status).toBe(201);
  await post(`/v1/bookings/${booking.body.id}/details`, { name: 'Ada', email: 'ada@example.com' });
  const key = randomUUID();
  // A refusal is not kept: before the start, the key's check-in is 409 and decided afresh later.
  const early = await post(`/v1/bookings/${booking.body.id}/check-in`, { present: true }, key);
  expect(early.body.code).toBe('check_in_not_open');
  await waitFor(async () => Date.now(), (now) => now > start.toMillis() + 1_000, 90_000);
  const first = await post(`/v1/bookings/${booking.body.id}/check-in`, { present: true }, key);
  expect(first.status).toBe(200);
  const again = await post(`/v1/bookings/${booking.body.id}/check-in`, { present: true }, key);
  expect({ status: again.status, body: again.body }).toEqual({ status: 200, body: first.body });
}, 120_000);
