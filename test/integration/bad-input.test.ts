import fc from 'fast-check';
import { countRows, createBookable, createResource, futureSlot, reserve } from '../stack/fixtures';
import { call, type ApiResponse } from '../stack/http';
import { startTestStack, type TestStack } from '../stack/test-stack';

let stack: TestStack;
let serviceId: string;
let resourceId: string;
beforeAll(async () => {
  stack = await startTestStack('bad_input');
  ({ serviceId, resourceId } = await createBookable(stack, { min_notice_minutes: 60 }));
});
afterAll(() => stack?.stop());

const TABLES = ['bookings', 'allocations', 'booking_events', 'resources', 'services', 'sessions'] as const;
async function snapshotCounts() {
  return Object.fromEntries(await Promise.all(TABLES.map(async (table) => [table, await countRows(stack, table)])));
}

/** Asserts a problem+json answer that names the field, and that nothing was written. */
async function expectRefused(
  request: () => Promise<ApiResponse>, status: number, field: string | null, detail: RegExp,
): Promise<ApiResponse> {
  const before = await snapshotCounts();
  const response = await request();
  expect(response.status).toBe(status);
  expect(response.contentType).toContain('application/problem+json');
  expect(response.body).toMatchObject({ status, type: expect.any(String), title: expect.any(String) });
  expect(response.body.detail).toMatch(detail);
  if (field) expect(response.body.errors.map((error: { path: string }) => error.path)).toContain(field);
  expect(await snapshotCounts()).toEqual(before);
  return response;
}

const post = (path: string, body: unknown, token: string | undefined = stack.apiKey) => () => call(stack.baseUrl, 'POST', path, { token, body });

describe('authentication', () => {
  test('a missing or unknown key is 401', async () => {
    await expectRefused(post('/v1/resources', {}, ''), 401, null, /Authorization: Bearer/);
    await expectRefused(post('/v1/resources', {}, 'sk_not_a_key'), 401, null, /API key is not valid/);
  });

  test('another organization sees nothing of this one: 404', async () => {
    const other = await stack.newOrganization();
    const held = await reserve(stack, { service_id: serviceId, start: futureSlot(40) });
    await expectRefused(() => call(stack.baseUrl, 'GET', `/v1/bookings/${held.body.id}`, { token: other.apiKey }), 404, null, /not found/);
    await expectRefused(() => call(stack.baseUrl, 'GET', `/v1/services/${serviceId}`, { token: other.apiKey }), 404, null, /not found/);
    await expectRefused(post(`/v1/bookings/${held.body.id}/cancel`, {}, other.apiKey), 404, null, /not found/);
    await expectRefused(post('/v1/bookings', { service_id: serviceId, start: futureSlot(41) }, other.apiKey), 404, 'service_id', /not found/);
    await expectRefused(post('/v1/services', { name: 'x', durations_minutes: [30], resource_ids: [resourceId] }, other.apiKey),
      404, 'resource_ids.0', /not found/);
    const listed = await call(stack.baseUrl, 'GET', '/v1/bookings', { token: other.apiKey });
    expect(listed.body.data).toEqual([]);
  });
});

describe('resources and services', () => {
  test('wrong types, unknown zones, impossible schedules and unknown fields name the field', async () => {
    const valid = { name: 'Room', timezone: 'Europe/Paris', weekly_schedule: { monday: [{ start: '09:00', end: '17:00' }] } };
    await expectRefused(post('/v1/resources', { ...valid, timezone: 'Mars/Olympus_Mons' }), 400, 'timezone', /IANA time zone/);
    await expectRefused(post('/v1/resources', { ...valid, name: 42 }), 400, 'name', /string/);
    await expectRefused(post('/v1/resources', { ...valid, weekly_schedule: { monday: [{ start: '17:00', end: '09:00' }] } }),
      400, 'weekly_schedule.monday.0.end', /end must be after start/);
    await expectRefused(post('/v1/resources', { ...valid, weekly_schedule: { funday: [] } }), 400, 'weekly_schedule.funday', /funday/);
    await expectRefused(post('/v1/resources', { ...valid, date_overrides: [{ date: '2026-02-30', intervals: [] }] }),
      400, 'date_overrides.0.date', /calendar date/);
    await expectRefused(post('/v1/resources', { ...valid, valid_from: '2026-05-01', valid_until: '2026-04-01' }),
      400, 'valid_until', /before valid_from/);
    await expectRefused(post('/v1/resources', '{"name": '), 400, 'body', /not valid JSON/);
  });

  test('a service with bad settings or an unknown resource writes nothing', async () => {
    const valid = { name: 'Cut', durations_minutes: [30], resource_ids: [resourceId] };
    await expectRefused(post('/v1/services', { ...valid, durations_minutes: [] }), 400, 'durations_minutes', /1/);
    await expectRefused(post('/v1/services', { ...valid, hold_ttl_seconds: -5 }), 400, 'hold_ttl_seconds', />=1|too small/i);
    await expectRefused(post('/v1/services', { ...valid, resource_mode: 'some' }), 400, 'resource_mode', /one|all/);
    await expectRefused(post('/v1/services', { ...valid, resource_ids: ['00000000-0000-4000-8000-000000000000'] }),
      404, 'resource_ids.0', /not found/);
  });
});

describe('reservations', () => {
  test('malformed requests are 400 naming the field', async () => {
    await expectRefused(post('/v1/bookings', { service_id: 'abc', start: futureSlot(1) }), 400, 'service_id', /UUID/);
    await expectRefused(post('/v1/bookings', { service_id: serviceId, start: '2026-12-01T10:00:00' }), 400, 'start', /offset/);
    await expectRefused(post('/v1/bookings', { service_id: serviceId, start: futureSlot(5), end: futureSlot(4) }), 400, 'end', /after start/);
    await expectRefused(post('/v1/bookings', { service_id: serviceId, start: futureSlot(5), duration_minutes: 45 }),
      400, 'duration_minutes', /durations of 30 minutes/);
    await expectRefused(post('/v1/bookings', { service_id: serviceId }), 400, 'start', /./);
    const strangerResource = await createResource(stack);
    await expectRefused(post('/v1/bookings', { service_id: serviceId, start: futureSlot(5), resource_ids: [strangerResource] }),
      400, 'resource_ids.0', /does not provide/);
    await expectRefused(post('/v1/bookings', { service_id: serviceId, start: futureSlot(5), customer: { email: 'nope' } }),
      400, 'customer.email', /e-mail/);
    await expectRefused(post('/v1/bookings', { service_id: '00000000-0000-4000-8000-000000000000', start: futureSlot(5) }),
      404, 'service_id', /not found/);
  });

  test('a time the schedule does not offer is 409 with the reason, and keeps no booking', async () => {
    const parisResource = await createResource(stack, {
      timezone: 'Europe/Paris', weekly_schedule: { monday: [{ start: '09:00', end: '12:00' }] },
    });
    const { body: service } = await call(stack.baseUrl, 'POST', '/v1/services', {
      // Its fixed dates lie beyond the default horizon of two years.
      token: stack.apiKey, body: { name: 'Morning', durations_minutes: [30], resource_ids: [parisResource], horizon_days: 3650 },
    });
    const outside = await expectRefused(post('/v1/bookings', { service_id: service.id, start: '2030-01-07T13:00:00+01:00' }),
      409, null, /outside the working hours/);
    expect(outside.body.code).toBe('outside_hours');
    const offGrid = await expectRefused(post('/v1/bookings', { service_id: service.id, start: '2030-01-07T09:10:00+01:00' }),
      409, null, /./);
    expect(offGrid.body.code).toBe('not_on_slot_grid');
    const tooSoon = await expectRefused(post('/v1/bookings', { service_id: serviceId, start: futureSlot(0, 0) }), 409, null, /minutes from now/);
    expect(tooSoon.body.code).toBe('min_notice');
  });

  test('bad details are 400 and the booking stays held', async () => {
    const held = await reserve(stack, { service_id: serviceId, start: futureSlot(50) });
    await expectRefused(post(`/v1/bookings/${held.body.id}/details`, { name: '', email: 'ada@example.com' }), 400, 'name', /1/);
    await expectRefused(post(`/v1/bookings/${held.body.id}/details`, { name: 'Ada', email: 'ada' }), 400, 'email', /e-mail/);
    expect((await call(stack.baseUrl, 'GET', `/v1/bookings/${held.body.id}`, { token: stack.apiKey })).body.status).toBe('held');
  });

  test('unknown bookings and filters that make no sense', async () => {
    await expectRefused(() => call(stack.baseUrl, 'GET', '/v1/bookings/not-a-uuid', { token: stack.apiKey }), 404, null, /not found/);
    await expectRefused(post('/v1/bookings/00000000-0000-4000-8000-000000000000/cancel', {}), 404, null, /not found/);
    await expectRefused(() => call(stack.baseUrl, 'GET', '/v1/bookings?status=lost', { token: stack.apiKey }), 400, 'status', /held/);
    await expectRefused(() => call(stack.baseUrl, 'GET', '/v1/bookings?from=yesterday', { token: stack.apiKey }), 400, 'from', /ISO 8601/);
    await expectRefused(() => call(stack.baseUrl, 'GET', '/v1/bookings?timezone=Nowhere', { token: stack.apiKey }), 400, 'timezone', /IANA/);
    await expectRefused(() => call(stack.baseUrl, 'GET', '/v1/bookings?cursor=zzz', { token: stack.apiKey }), 400, 'cursor', /cursor/);
  });
});

describe('sessions', () => {
  const UNKNOWN = '00000000-0000-4000-8000-000000000000';
  const valid = () => ({ service_id: serviceId, start: futureSlot(60, 9), capacity: 5 });

  test('a session with bad settings names the field and writes nothing', async () => {
    await expectRefused(post('/v1/sessions', { ...valid(), capacity: 0 }), 400, 'capacity', />=1|too small/i);
    await expectRefused(post('/v1/sessions', { ...valid(), end: futureSlot(59, 9) }), 400, 'end', /after start/);
    await expectRefused(post('/v1/sessions', { ...valid(), opens_before_seconds: 60, closes_before_seconds: 120 }),
      400, 'opens_before_seconds', /open before it closes/);
    await expectRefused(post('/v1/sessions', { ...valid(), timezone: 'Europe/Atlantis' }), 400, 'timezone', /IANA/);
    await expectRefused(post('/v1/sessions', { ...valid(), service_id: UNKNOWN }), 404, 'service_id', /not found/);
    const other = await stack.newOrganization();
    const foreignResource = await createResource(stack, {}, other.apiKey);
    await expectRefused(post('/v1/sessions', { ...valid(), resource_ids: [foreignResource] }), 404, 'resource_ids.0', /not found/);
  });

  test('seat requests that make no sense name the field and book nothing', async () => {
    const { body: session } = await call(stack.baseUrl, 'POST', '/v1/sessions', { token: stack.apiKey, body: valid() });
    await expectRefused(post('/v1/bookings', { service_id: serviceId, session_id: session.id }), 400, 'service_id', /one of them/);
    await expectRefused(post('/v1/bookings', { session_id: UNKNOWN }), 404, 'session_id', /not found/);
    await expectRefused(post('/v1/bookings', { session_id: session.id, spaces: 'two' }), 400, 'spaces', /number/);
    await expectRefused(post('/v1/bookings', { session_id: session.id, spaces: 6 }), 400, 'spaces', /5 seat/);
    await expectRefused(post('/v1/bookings', { service_id: serviceId, start: futureSlot(61, 9), waitlist: true }), 400, 'waitlist', /waiting list/);
    await expectRefused(post('/v1/bookings/batch', { session_ids: [session.id, session.id] }), 400, 'session_ids', /distinct/);
    await expectRefused(post('/v1/bookings/batch', { session_ids: [session.id, UNKNOWN] }), 404, 'session_ids.1', /not found/);
    await expectRefused(() => call(stack.baseUrl, 'PATCH', `/v1/sessions/${session.id}`, { token: stack.apiKey, body: {} }),
      400, 'capacity', /capacity or waitlist_size/);
    await expectRefused(post(`/v1/sessions/${session.id}/cancel`, {}), 400, 'reason', /./);
    await expectRefused(() => call(stack.baseUrl, 'GET', `/v1/sessions?from=soon`, { token: stack.apiKey }), 400, 'from', /ISO 8601/);
  });
});

test('no body, however strange, makes the API answer 5xx', async () => {
  const routes = ['/v1/resources', '/v1/services', '/v1/bookings', `/v1/bookings/00000000-0000-4000-8000-000000000000/details`,
    '/v1/sessions', '/v1/bookings/batch', '/v1/sessions/00000000-0000-4000-8000-000000000000/cancel'];
  await fc.assert(fc.asyncProperty(fc.constantFrom(...routes), fc.jsonValue(), async (route, body) => {
    const response = await call(stack.baseUrl, 'POST', route, { token: stack.apiKey, body: JSON.stringify(body) });
    expect(response.status).toBeLessThan(500);
    expect(response.status).toBeGreaterThanOrEqual(400);
  }), { numRuns: 150 });
});
