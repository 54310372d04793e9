import { createBookable } from '../stack/fixtures';
import { call } from '../stack/http';
import { bookSeats, createSession, expectSeatsWithinCapacity } from '../stack/session-fixtures';
import { startTestStack, type TestStack } from '../stack/test-stack';

let stack: TestStack;
beforeAll(async () => {
  stack = await startTestStack('suspend-accept');
});
afterAll(() => stack?.stop());

const post = (path: string, body: unknown = {}, token = stack.apiKey) => call(stack.baseUrl, 'POST', path, { token, body });
const statusOf = async (id: string) => (await call(stack.baseUrl, 'GET', `/v1/bookings/${id}`, { token: stack.apiKey })).body;
const outboxTypes = async (id: string) => (await stack.db.selectFrom('webhook_events').select('type').where('booking_id', '=', id)
  .orderBy('occurred_at').execute()).map((row) => row.type);

test('accept takes a chosen waiting booking ahead of its turn while seats are free; suspend frees seats for the queue; capacity holds at every step', async () => {
  const { serviceId } = await createBookable(stack);
  const session = await createSession(stack, { service_id: serviceId, capacity: 3, waitlist_size: 4 });
  const seated = [];
  for (const name of ['Ann', 'Bob']) {
    const booked = await bookSeats(stack, session.id);
    await post(`/v1/bookings/${booked.body.id}/details`, { name, email: `${name.toLowerCase()}@example.com` });
    seated.push(booked.body);
  }
  // Staff put two on the list although a seat is free: the queue is [first, second].
  const first = (await bookSeats(stack, session.id, { waitlist: true })).body;
  const second = (await bookSeats(stack, session.id, { waitlist: true })).body;
  expect([first.status, second.status]).toEqual(['waitlisted', 'waitlisted']);
  expect(await expectSeatsWithinCapacity(stack, session.id)).toMatchObject({ seated: 2, waiting: 2 });

  const accepted = await post(`/v1/bookings/${second.id}/accept`, { reason: 'VIP' });
  expect(accepted.status).toBe(200);
  expect(accepted.body.status).toBe('held');
  expect(await expectSeatsWithinCapacity(stack, session.id)).toMatchObject({ seated: 3, waiting: 1 });
  expect(await outboxTypes(second.id)).toEqual(['booking.waitlisted', 'booking.promoted']);

  const full = await post(`/v1/bookings/${first.id}/accept`);
  expect(full.status).toBe(409);
  expect(full.contentType).toContain('application/problem+json');
  expect(full.body.code).toBe('session_full');
  expect((await statusOf(first.id)).status).toBe('waitlisted');
  await expectSeatsWithinCapacity(stack, session.id);

  // Ann goes back to the list: her seat goes to the first in line, she queues behind.
  const suspended = await post(`/v1/bookings/${seated[0].id}/suspend`);
  expect(suspended.status).toBe(200);
  expect(suspended.body.status).toBe('waitlisted');
  expect((await statusOf(first.id)).status).toBe('held');
  expect((await statusOf(seated[0].id)).waitlist_position).toBe(1);
  expect(await expectSeatsWithinCapacity(stack, session.id)).toMatchObject({ seated: 3, waiting: 1 });
  const events = (await call(stack.baseUrl, 'GET', `/v1/bookings/${seated[0].id}/events`, { token: stack.apiKey })).body.data;
  expect(events.at(-1)).toMatchObject({ from: 'confirmed', to: 'waitlisted', actor: 'host' });
  expect((await outboxTypes(seated[0].id)).at(-1)).toBe('booking.waitlisted');
  expect((await outboxTypes(first.id)).at(-1)).toBe('booking.promoted');

  // Her workflow follows: a seat freed later promotes her like any waiting booking.
  await post(`/v1/bookings/${seated[1].id}/cancel`);
  expect((await statusOf(seated[0].id)).status).toBe('held');
  await expectSeatsWithinCapacity(stack, session.id);
});

test('suspend and accept need the API key, a session booking, and a fitting status', async () => {
  const { serviceId } = await createBookable(stack);
  const session = await createSession(stack, { service_id: serviceId, capacity: 1, waitlist_size: 1 });
  const seat = (await bookSeats(stack, session.id)).body;
  expect((await post(`/v1/bookings/${seat.id}/suspend`, {}, seat.manage_token)).status).toBe(403);
  const notWaiting = await post(`/v1/bookings/${seat.id}/accept`);
  expect(notWaiting.status).toBe(409);
  expect(notWaiting.body).toMatchObject({ code: 'invalid_transition', current_status: 'held' });

  const appointment = await call(stack.baseUrl, 'POST', '/v1/bookings', {
    token: stack.apiKey, body: { service_id: serviceId, start: new Date(Date.now() + 3 * 86_400_000).toISOString().slice(0, 11) + '10:00:00Z' },
  });
  const refused = await post(`/v1/bookings/${appointment.body.id}/suspend`);
  expect(refused.status).toBe(400);
  expect(refused.body.errors[0].message).toMatch(/only a session booking/);
});
