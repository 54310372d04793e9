import { WorkflowNotFoundError } from '@temporalio/client';
import { DateTime } from 'luxon';
import { bookingIdFor } from '../../bookings/hold-request';
import { countRows, createBookable, reserve } from '../stack/fixtures';
import { call } from '../stack/http';
import { bookSeats, createSession, expectSeatsWithinCapacity } from '../stack/session-fixtures';
import { startTestStack, type TestStack } from '../stack/test-stack';

let stack: TestStack;
let serviceId: string;
let resourceId: string;
beforeAll(async () => {
  stack = await startTestStack('sessions');
  ({ serviceId, resourceId } = await createBookable(stack));
});
afterAll(() => stack?.stop());

const get = (path: string) => call(stack.baseUrl, 'GET', path, { token: stack.apiKey });
const post = (path: string, body: unknown = {}) => call(stack.baseUrl, 'POST', path, { token: stack.apiKey, body });
const inDays = (days: number, hour = 18) => DateTime.utc().plus({ days }).set({ hour, minute: 0, second: 0, millisecond: 0 }).toISO()!;

describe('sessions', () => {
  test('a weekly rule keeps 18:00 Paris time across the change to summer time; the list shows the seats', async () => {
    const created = await post('/v1/sessions', {
      service_id: serviceId, start: '2027-03-15T18:00:00+01:00', duration_minutes: 60, timezone: 'Europe/Paris',
      capacity: 12, waitlist_size: 4, recurrence: 'FREQ=WEEKLY;BYDAY=MO;UNTIL=20270412T000000Z',
    });
    expect(created.status).toBe(201);
    expect(created.body.data.map((session: { start: string }) => session.start)).toEqual([
      '2027-03-15T18:00:00+01:00', '2027-03-22T18:00:00+01:00', '2027-03-29T18:00:00+02:00', '2027-04-05T18:00:00+02:00',
    ]);
    const listed = await get(`/v1/sessions?service=${serviceId}&from=2027-03-20T00:00:00Z&to=2027-04-01T00:00:00Z`);
    expect(listed.status).toBe(200);
    expect(listed.body.data).toHaveLength(2);
    expect(listed.body.data[0]).toMatchObject({
      series_id: created.body.series_id, capacity: 12, seats_taken: 0, seats_left: 12, waitlist_length: 0, status: 'scheduled',
    });
  });

  test('a daily rule through the night clocks go back takes the first 01:30 (RFC 5545), and a zone typed in lower case is stored canonical', async () => {
    const created = await post('/v1/sessions', {
      service_id: serviceId, start: '2027-11-05T01:30:00-04:00', duration_minutes: 30, timezone: 'america/new_york',
      capacity: 3, recurrence: 'FREQ=DAILY;COUNT=4',
    });
    expect(created.status).toBe(201);
    expect(created.body.data.map((session: { start: string }) => session.start)).toEqual([
      '2027-11-05T01:30:00-04:00', '2027-11-06T01:30:00-04:00', '2027-11-07T01:30:00-04:00', '2027-11-08T01:30:00-05:00',
    ]);
    expect(created.body.data[0].timezone).toBe('America/New_York');
  });

  test('a bad rule is a 400 naming recurrence, and writes nothing', async () => {
    const before = await stack.db.selectFrom('sessions').select((eb) => eb.fn.countAll<string>().as('n')).executeTakeFirstOrThrow();
    for (const recurrence of ['FREQ=WEEKLY;BYDAY=MO', 'EVERY MONDAY', 'FREQ=DAILY;COUNT=5000']) {
      const refused = await post('/v1/sessions', { service_id: serviceId, start: inDays(3), capacity: 5, recurrence });
      expect(refused.status).toBe(400);
      expect(refused.contentType).toContain('application/problem+json');
      expect(refused.body.errors[0].path).toBe('recurrence');
    }
    const after = await stack.db.selectFrom('sessions').select((eb) => eb.fn.countAll<string>().as('n')).executeTakeFirstOrThrow();
    expect(after.n).toBe(before.n);
  });

  test('a session occupies its resources: no appointment and no other session overlaps it there', async () => {
    const start = inDays(4, 9);
    await createSession(stack, { service_id: serviceId, start, duration_minutes: 60, resource_ids: [resourceId] });
    const appointment = await reserve(stack, { service_id: serviceId, start: DateTime.fromISO(start).plus({ minutes: 30 }).toISO() });
    expect(appointment.status).toBe(409);
    const overlapping = await post('/v1/sessions', {
      service_id: serviceId, start: DateTime.fromISO(start).plus({ minutes: 30 }).toISO(), capacity: 3, resource_ids: [resourceId],
    });
    expect(overlapping.status).toBe(409);
    expect(overlapping.body.code).toBe('resource_busy');
  });
});

describe('booking seats', () => {
  test('seats while they last, then the waiting list with a place in the queue, then 409', async () => {
    const session = await createSession(stack, { service_id: serviceId, capacity: 3, waitlist_size: 2 });
    const pair = await bookSeats(stack, session.id, { spaces: 2 });
    expect(pair.status).toBe(201);
    expect(pair.body).toMatchObject({ status: 'held', spaces: 2, session_id: session.id, waitlist_position: null });
    expect(pair.body.start).toBe(session.start);
    const tooMany = await bookSeats(stack, session.id, { spaces: 2 });
    expect(tooMany.status).toBe(202);
    expect(tooMany.body).toMatchObject({ status: 'waitlisted', waitlist_position: 1 });
    const last = await bookSeats(stack, session.id);
    expect(last.status).toBe(201);
    const full = await bookSeats(stack, session.id);
    expect(full.status).toBe(409);
    expect(full.body).toMatchObject({ code: 'session_full', status: 409 });
    await expectSeatsWithinCapacity(stack, session.id);

    const read = await get(`/v1/sessions/${session.id}`);
    expect(read.body).toMatchObject({ seats_taken: 3, seats_left: 0, waitlist_length: 1, waitlist_places_taken: 2 });
    // A seat has its session's time: moving it is booking another session.
    const moved = await post(`/v1/bookings/${pair.body.id}/reschedule`, { start: inDays(9) });
    expect(moved.status).toBe(400);
    expect(moved.body.errors[0]).toMatchObject({ path: 'start', message: expect.stringMatching(/another session/) });
  });

  test('waitlist: true queues even when seats are left; more spaces than seats is a 400 on spaces', async () => {
    const session = await createSession(stack, { service_id: serviceId, capacity: 2, waitlist_size: 5 });
    const staff = await bookSeats(stack, session.id, { waitlist: true });
    expect(staff.status).toBe(202);
    const tooBig = await bookSeats(stack, session.id, { spaces: 3 });
    expect(tooBig.status).toBe(400);
    expect(tooBig.body.errors[0].path).toBe('spaces');
    const withStart = await bookSeats(stack, session.id, { start: session.start });
    expect(withStart.status).toBe(400);
    expect(withStart.body.errors[0].path).toBe('start');
    await expectSeatsWithinCapacity(stack, session.id);
  });

  test('booking outside the window: not yet open, or already closed', async () => {
    const notOpen = await createSession(stack, { service_id: serviceId, start: inDays(20), opens_before_seconds: 86_400 });
    expect((await bookSeats(stack, notOpen.id)).body.code).toBe('booking_not_open');
    const closed = await createSession(stack, { service_id: serviceId, start: DateTime.utc().plus({ hours: 1 }).toISO(), closes_before_seconds: 7200 });
    const refused = await bookSeats(stack, closed.id);
    expect(refused.status).toBe(409);
    expect(refused.body.code).toBe('booking_closed');
  });

  test('an exclusive customer cannot hold two overlapping sessions; the e-mail is then required', async () => {
    const start = inDays(6, 10);
    const first = await createSession(stack, { service_id: serviceId, start, duration_minutes: 60 });
    const second = await createSession(stack, { service_id: serviceId, start: DateTime.fromISO(start).plus({ minutes: 30 }).toISO(), duration_minutes: 60 });
    const customer = { name: 'Ada', email: 'ada@example.com' };
    expect((await bookSeats(stack, first.id, { customer, exclusive_customer: true })).status).toBe(201);
    const overlap = await bookSeats(stack, second.id, { customer: { ...customer, email: 'ADA@example.com' }, exclusive_customer: true });
    expect(overlap.status).toBe(409);
    expect(overlap.body.code).toBe('customer_overlap');
    const anonymous = await bookSeats(stack, second.id, { exclusive_customer: true });
    expect(anonymous.status).toBe(400);
    expect(anonymous.body.errors[0].path).toBe('customer.email');
    expect((await bookSeats(stack, second.id, { customer })).status).toBe(201);

    // Nor by taking the seat under another e-mail and giving the first one with the details.
    const third = await createSession(stack, { service_id: serviceId, start: DateTime.fromISO(start).plus({ minutes: 15 }).toISO(), duration_minutes: 60 });
    const disguised = await bookSeats(stack, third.id, { customer: { name: 'Ada', email: 'not-ada@example.com' }, exclusive_customer: true });
    expect(disguised.status).toBe(201);
    const revealed = await post(`/v1/bookings/${disguised.body.id}/details`, { name: 'Ada', email: 'ada@example.com' });
    expect(revealed.status).toBe(409);
    expect(revealed.body.code).toBe('customer_overlap');
    expect((await get(`/v1/bookings/${disguised.body.id}`)).body).toMatchObject({ status: 'held', customer: { email: 'not-ada@example.com' } });
  });

  test('a course: all sessions held in one call, or none when one is full', async () => {
    const sessions = [];
    for (const days of [7, 14, 21]) sessions.push(await createSession(stack, { service_id: serviceId, start: inDays(days, 7), capacity: 2 }));
    expect((await bookSeats(stack, sessions[2].id, { spaces: 2 })).status).toBe(201);
    const bookingsBefore = await countRows(stack, 'bookings');
    const refused = await post('/v1/bookings/batch', { session_ids: sessions.map((s) => s.id), customer: { name: 'Bo', email: 'bo@example.com' } });
    expect(refused.status).toBe(409);
    expect(refused.body).toMatchObject({ code: 'session_full', errors: [{ path: 'session_ids.2' }] });
    expect(await countRows(stack, 'bookings')).toBe(bookingsBefore);
    for (const session of sessions.slice(0, 2)) expect((await get(`/v1/sessions/${session.id}`)).body.seats_taken).toBe(0);
    // A refusal costs no workflow: the course's workflow (named by its key) was never started.
    const refusedKey = 'course-refused';
    const keyedRefusal = await call(stack.baseUrl, 'POST', '/v1/bookings/batch', {
      token: stack.apiKey, body: { session_ids: sessions.map((s) => s.id) }, headers: { 'Idempotency-Key': refusedKey },
    });
    expect(keyedRefusal.body).toMatchObject({ status: 409, code: 'session_full', errors: [{ path: 'session_ids.2' }] });
    await expect(stack.temporal.workflow.getHandle(`booking-batch-${bookingIdFor(stack.organizationId, refusedKey)}`).describe())
      .rejects.toBeInstanceOf(WorkflowNotFoundError);

    const booked = await post('/v1/bookings/batch', { session_ids: sessions.slice(0, 2).map((s) => s.id), spaces: 2 });
    expect(booked.status).toBe(201);
    expect(booked.body.data.map((b: { status: string; session_id: string }) => [b.status, b.session_id]))
      .toEqual(sessions.slice(0, 2).map((s) => ['held', s.id]));
    // Each booking of the course lives on in its own workflow: details confirm it.
    const confirmed = await call(stack.baseUrl, 'POST', `/v1/bookings/${booked.body.data[1].id}/details`, {
      token: booked.body.data[1].manage_token, body: { name: 'Bo', email: 'bo@example.com' },
    });
    expect(confirmed.body.status).toBe('confirmed');
    for (const session of sessions) await expectSeatsWithinCapacity(stack, session.id);

    // The same Idempotency-Key gives the same course; with other sessions it is refused.
    const fresh = [await createSession(stack, { service_id: serviceId, start: inDays(28, 7) }), await createSession(stack, { service_id: serviceId, start: inDays(35, 7) })];
    const course = { session_ids: [fresh[0].id], customer: { name: 'Cy', email: 'cy@example.com' } };
    const headers = { 'Idempotency-Key': 'course-1' };
    const first = await call(stack.baseUrl, 'POST', '/v1/bookings/batch', { token: stack.apiKey, body: course, headers });
    const again = await call(stack.baseUrl, 'POST', '/v1/bookings/batch', { token: stack.apiKey, body: course, headers });
    expect([first.status, again.status]).toEqual([201, 201]);
    expect(again.body.data[0].id).toBe(first.body.data[0].id);
    const other = await call(stack.baseUrl, 'POST', '/v1/bookings/batch', {
      token: stack.apiKey, body: { ...course, session_ids: [fresh[1].id] }, headers,
    });
    expect(other.status).toBe(422);
    expect(other.body.errors[0].path).toBe('header.Idempotency-Key');
  });
});
