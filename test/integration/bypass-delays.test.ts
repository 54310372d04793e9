import { DateTime } from 'luxon';
import { createBookable, createResource, createService, countRows, reserve } from '../stack/fixtures';
import { call } from '../stack/http';
import { bookSeats, createSession } from '../stack/session-fixtures';
import { startTestStack, type TestStack } from '../stack/test-stack';

let stack: TestStack;
beforeAll(async () => {
  stack = await startTestStack('bypass-delays');
});
afterAll(() => stack?.stop());

/** A half-hour grid start `hours` from now. */
const soon = (hours: number) => DateTime.utc().startOf('hour').plus({ hours: hours + 1 }).toISO()!;

const eventsOf = async (id: string) => (await call(stack.baseUrl, 'GET', `/v1/bookings/${id}/events`, { token: stack.apiKey })).body.data;

test('with the API key, bypass_delays ignores minimum notice and horizon, and the audit log says so', async () => {
  const { serviceId } = await createBookable(stack, { min_notice_minutes: 24 * 60, horizon_days: 2 });
  const near = await reserve(stack, { service_id: serviceId, start: soon(1) });
  expect(near.status).toBe(409);
  expect(near.body.code).toBe('min_notice');
  const far = await reserve(stack, { service_id: serviceId, start: soon(24 * 10) });
  expect(far.body.code).toBe('beyond_horizon');

  for (const start of [soon(1), soon(24 * 10)]) {
    const bypassed = await reserve(stack, { service_id: serviceId, start, bypass_delays: true });
    expect(bypassed.status).toBe(201);
    const [hold] = await eventsOf(bypassed.body.id);
    expect(hold).toMatchObject({ to: 'held', reason: expect.stringContaining('bypass_delays') });
  }
  const ordinary = await reserve(stack, { service_id: serviceId, start: soon(30) });
  expect((await eventsOf(ordinary.body.id))[0].reason).toBeNull();
});

test('bypass_delays never opens closed hours or a taken time', async () => {
  const closed = await createResource(stack, { weekly_schedule: {} });
  const service = await createService(stack, { resource_ids: [closed], min_notice_minutes: 600 });
  const outside = await reserve(stack, { service_id: service, start: soon(2), bypass_delays: true });
  expect(outside.status).toBe(409);
  expect(outside.body.code).toBe('outside_hours');

  const { serviceId } = await createBookable(stack, { min_notice_minutes: 600 });
  expect((await reserve(stack, { service_id: serviceId, start: soon(3), bypass_delays: true })).status).toBe(201);
  const taken = await reserve(stack, { service_id: serviceId, start: soon(3), bypass_delays: true });
  expect(taken.status).toBe(409);
  expect(taken.body.code).toBe('no_resource_free');
});

test('a session whose booking window has closed takes a bypassing booking, up to its capacity', async () => {
  const { serviceId } = await createBookable(stack);
  const session = await createSession(stack, {
    service_id: serviceId, start: DateTime.utc().plus({ days: 1 }).startOf('hour').toISO(), capacity: 1, closes_before_seconds: 3 * 86_400,
  });
  const closed = await bookSeats(stack, session.id);
  expect(closed.status).toBe(409);
  expect(closed.body.code).toBe('booking_closed');
  const bypassed = await bookSeats(stack, session.id, { bypass_delays: true });
  expect(bypassed.status).toBe(201);
  expect(DateTime.fromISO(bypassed.body.hold_expires_at) > DateTime.utc()).toBe(true);
  const full = await bookSeats(stack, session.id, { bypass_delays: true });
  expect(full.status).toBe(409);
  expect(full.body.code).toBe('session_full');
});

test('a manage token cannot bypass delays (403) and nothing is booked', async () => {
  const { serviceId } = await createBookable(stack, { min_notice_minutes: 600 });
  const own = await reserve(stack, { service_id: serviceId, start: soon(20) });
  const before = await countRows(stack, 'bookings');
  const refused = await call(stack.baseUrl, 'POST', '/v1/bookings', {
    token: own.body.manage_token, body: { service_id: serviceId, start: soon(1), bypass_delays: true },
  });
  expect(refused.status).toBe(403);
  expect(refused.contentType).toContain('application/problem+json');
  expect(await countRows(stack, 'bookings')).toBe(before);
});
