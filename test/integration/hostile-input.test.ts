import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { lookup } from 'node:dns/promises';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { DateTime } from 'luxon';
import { ALWAYS_OPEN, countRows, createBookable, futureSlot, reserve } from '../stack/fixtures';
import { call, waitFor, type ApiResponse } from '../stack/http';
import { startTestStack, type TestStack } from '../stack/test-stack';

/**
 * A hostile or careless client: far dates, internal URLs, NUL and oversized text.
 * Every answer is a 4xx within a second, and a normal reservation right after still answers in
 * its usual time. Every answer's status is collected: none may be a 5xx.
 */

/** A name server of the test's own: `rebound.test` can point elsewhere between two lookups. */
const names = new Map<string, string[]>();
let stack: TestStack;
let serviceId: string;
let receiver: Server;
let receiverPort: number;
const received: string[] = [];
const statuses: number[] = [];

beforeAll(async () => {
  stack = await startTestStack('hostile_input', {
    outbound: {
      allowedHosts: [], allowHttp: true,
      lookup: async (name) => names.get(name) ?? (await lookup(name, { all: true })).map((a) => a.address),
    },
  });
  ({ serviceId } = await createBookable(stack));
  receiver = createServer((req, res) => {
    received.push(req.url ?? '');
    res.end();
  });
  await new Promise<void>((resolve) => receiver.listen(0, '127.0.0.1', resolve));
  receiverPort = (receiver.address() as AddressInfo).port;
});
afterAll(async () => {
  await new Promise((resolve) => receiver?.close(resolve));
  await stack?.stop();
});
afterAll(() => {
  // The figure the issue asks for; the assertion below is what holds it at zero.
  console.log(`hostile cases: ${statuses.length} answers, ${statuses.filter((s) => s >= 500).length} of them 5xx`);
});

async function timed(request: () => Promise<ApiResponse>): Promise<ApiResponse & { ms: number }> {
  const started = performance.now();
  const response = await request();
  statuses.push(response.status);
  return { ...response, ms: performance.now() - started };
}

const api = (method: string, path: string, body?: unknown) => () => call(stack.baseUrl, method, path, { token: stack.apiKey, body });

/**
 * A 4xx problem naming `field`, answered within a second; a refusal decided by the booking's
 * workflow (409) within the time a reservation usually takes, plus that second.
 */
let usualMs = 0;
async function expectQuickRefusal(request: () => Promise<ApiResponse>, status: number, field?: string) {
  const response = await timed(request);
  expect({ status: response.status, body: response.body }).toMatchObject({ status, body: { status } });
  expect(response.contentType).toContain('application/problem+json');
  if (field) expect(response.body.errors.map((e: { path: string }) => e.path)).toContain(field);
  expect(response.ms).toBeLessThan(status === 409 ? usualMs + 1000 : 1000);
  return response;
}

describe('far-future and extreme dates', () => {
  const OUT_OF_RANGE = ['9999-12-31T23:30:00Z', '+275760-09-13T00:00:00Z', '2201-01-01T00:00:00Z', '1969-12-31T23:30:00Z'];

  test('reserve, reschedule, availability, days, sessions and recurrence answer 4xx within a second', async () => {
    const usual = await timed(() => reserve(stack, { service_id: serviceId, start: futureSlot(1) }));
    expect(usual.status).toBe(201);
    usualMs = usual.ms;

    for (const start of OUT_OF_RANGE) {
      const refused = await expectQuickRefusal(() => reserve(stack, { service_id: serviceId, start }), 400, 'start');
      expect(refused.body.detail).toMatch(/years 2000 to 2200|ISO 8601/);
    }
    // In range but beyond the default horizon of a service that sets none: a refusal, computed at once.
    const far = await expectQuickRefusal(() => reserve(stack, { service_id: serviceId, start: '2199-12-31T23:30:00Z' }), 409);
    expect(far.body.code).toBe('beyond_horizon');
    // A service with the longest horizon on an always-open resource: the check still costs nothing.
    const { serviceId: tenYears } = await createBookable(stack, { horizon_days: 3650 });
    const decade = await timed(() => reserve(stack, { service_id: tenYears, start: DateTime.utc().plus({ years: 9 }).startOf('day').toISO()! }));
    expect(decade.status).toBe(201);
    expect(decade.ms).toBeLessThan(1000 + usual.ms);

    for (const start of ['9999-12-31T23:30:00Z', '+275760-09-13T00:00:00Z']) {
      await expectQuickRefusal(api('POST', `/v1/bookings/${usual.body.id}/reschedule`, { start }), 400, 'start');
    }
    const beyond = await expectQuickRefusal(api('POST', `/v1/bookings/${usual.body.id}/reschedule`, { start: '2199-12-31T23:30:00Z' }), 409);
    expect(beyond.body.code).toBe('beyond_horizon');

    for (const path of ['/v1/availability', '/v1/availability/days']) {
      await expectQuickRefusal(api('GET', `${path}?service=${serviceId}&from=9999-12-01&to=9999-12-31`), 400, 'from');
      await expectQuickRefusal(api('GET', `${path}?service=${serviceId}&from=2199-12-01&to=+99999-12-31`), 400, 'to');
      const empty = await timed(api('GET', `${path}?service=${serviceId}&from=2199-12-01&to=2199-12-31`));
      expect(empty.status).toBe(200);
      expect(empty.body.data.flatMap((day: { slots?: unknown[] }) => day.slots ?? [day])).toEqual([]);
      expect(empty.ms).toBeLessThan(1000);
    }

    const session = (fields: Record<string, unknown>) => api('POST', '/v1/sessions', { service_id: serviceId, capacity: 5, ...fields });
    await expectQuickRefusal(session({ start: '9999-12-31T23:30:00Z' }), 400, 'start');
    await expectQuickRefusal(session({ start: '+275760-09-13T00:00:00Z' }), 400, 'start');
    await expectQuickRefusal(session({ start: futureSlot(2), recurrence: 'FREQ=DAILY;UNTIL=99991231T000000Z' }), 400, 'recurrence');
    await expectQuickRefusal(session({ start: '2199-12-31T10:00:00Z', recurrence: 'FREQ=YEARLY;COUNT=400' }), 400, 'recurrence');

    const after = await timed(() => reserve(stack, { service_id: serviceId, start: futureSlot(3) }));
    expect(after.status).toBe(201);
    expect(after.ms).toBeLessThan(Math.max(3 * usual.ms, 1000));
  });
});

describe('heavy but valid work', () => {
  test('a minute-by-minute availability answers, or is refused past 5000 slots, while /healthz still answers', async () => {
    const { serviceId: everyMinute } = await createBookable(stack, { durations_minutes: [1], slot_step_minutes: 1 });
    const day = (offset: number) => DateTime.utc().plus({ days: offset }).toISODate();
    const delay = monitorEventLoopDelay({ resolution: 10 });
    delay.enable();
    const [heavy, tooMany, health] = await Promise.all([
      timed(api('GET', `/v1/availability?service=${everyMinute}&from=${day(2)}&to=${day(4)}&timezone=UTC`)),
      timed(api('GET', `/v1/availability/days?service=${everyMinute}&from=${day(2)}&to=${day(60)}&timezone=UTC`)),
      timed(() => call(stack.baseUrl, 'GET', '/healthz')),
    ]);
    delay.disable();
    expect(heavy.status).toBe(200);
    expect(heavy.body.data).toHaveLength(3 * 1440);
    expect(tooMany).toMatchObject({ status: 400, body: { errors: [{ path: 'to', message: expect.stringMatching(/more than 5000 slots/) }] } });
    expect(health.status).toBe(200);
    // A figure for the report, not an assertion: this process's loop also parses the answers,
    // and on a shared machine the process itself is descheduled for hundreds of milliseconds.
    console.log(`longest event-loop stall during the heavy requests: ${(delay.max / 1e6).toFixed(0)} ms`);
  });
});

describe('text', () => {
  test('NUL, other control characters, lone surrogates and oversized strings are 400 naming the field; nothing is written', async () => {
    const before = await Promise.all((['bookings', 'resources', 'services', 'sessions'] as const).map((t) => countRows(stack, t)));
    const resource = (name: unknown) => api('POST', '/v1/resources', { name, timezone: 'UTC', weekly_schedule: ALWAYS_OPEN });
    await expectQuickRefusal(resource('a\u0000b'), 400, 'name');
    await expectQuickRefusal(resource('a\u001bb'), 400, 'name');
    await expectQuickRefusal(resource('a\ud800b'), 400, 'name');
    await expectQuickRefusal(resource('x'.repeat(201)), 400, 'name');
    await expectQuickRefusal(api('POST', '/v1/resources', { name: 'Room', timezone: 'UTC', weekly_schedule: ALWAYS_OPEN, metadata: { note: 'a\u0000b' } }), 400, 'metadata');
    await expectQuickRefusal(api('POST', '/v1/services', { name: 'a\u0000b', durations_minutes: [30], hold_ttl_seconds: 60, resource_ids: [] }), 400, 'name');
    const booking = (customer: Record<string, unknown>) => () => reserve(stack, { service_id: serviceId, start: futureSlot(5), customer });
    await expectQuickRefusal(booking({ name: 'Ann\u0000' }), 400, 'customer.name');
    await expectQuickRefusal(booking({ notes: 'line\u0000' }), 400, 'customer.notes');
    await expectQuickRefusal(booking({ notes: 'n'.repeat(4001) }), 400, 'customer.notes');
    await expectQuickRefusal(api('POST', '/v1/sessions', { service_id: serviceId, capacity: 2, start: futureSlot(6), recurrence: 'FREQ=DAILY;COUNT=2\u0000' }), 400, 'recurrence');
    expect(await Promise.all((['bookings', 'resources', 'services', 'sessions'] as const).map((t) => countRows(stack, t)))).toEqual(before);
    // Line breaks where a field holds several lines are text, not control.
    const notes = await timed(() => reserve(stack, { service_id: serviceId, start: futureSlot(7), customer: { notes: 'first line\nsecond line' } }));
    expect(notes.status).toBe(201);
  });
});

describe('deep JSON', () => {
  test('metadata nested 5,000 arrays deep is 400 naming metadata (resource, booking), not a stack overflow; nothing is written', async () => {
    // Written by hand: JSON.stringify itself overflows at this depth.
    const nested = (levels: number) => `${'['.repeat(levels)}1${']'.repeat(levels)}`;
    const resourceBody = (levels: number) => `{"name":"Room","timezone":"UTC","weekly_schedule":${JSON.stringify(ALWAYS_OPEN)},"metadata":{"deep":${nested(levels)}}}`;
    const before = await Promise.all((['bookings', 'resources'] as const).map((t) => countRows(stack, t)));
    const resource = await expectQuickRefusal(api('POST', '/v1/resources', resourceBody(5_000)), 400, 'metadata');
    expect(resource.body.errors).toEqual([{ path: 'metadata', message: 'must nest at most 32 levels of objects and arrays' }]);
    await expectQuickRefusal(api('POST', '/v1/bookings', `{"service_id":"${serviceId}","start":"${futureSlot(9)}","metadata":{"deep":${nested(5_000)}}}`), 400, 'metadata');
    expect(await Promise.all((['bookings', 'resources'] as const).map((t) => countRows(stack, t)))).toEqual(before);
    // 32 levels (the object itself and 31 arrays) are taken.
    expect((await timed(api('POST', '/v1/resources', resourceBody(31)))).status).toBe(201);
  });
});

describe('webhook and callback URLs', () => {
  const INTERNAL = () => [
    'http://127.0.0.1:5432/', 'http://169.254.169.254/latest/meta-data/', 'http://10.1.2.3/', 'http://192.168.0.10/',
    'http://224.0.0.1/', 'http://0.0.0.0/', 'http://[::1]/', 'http://[fe80::1]/', 'http://[fd00:ec2::254]/',
    'http://[::ffff:127.0.0.1]/', 'http://[::ffff:a9fe:a9fe]/', 'http://2130706433/', 'http://0177.0.0.1/', 'http://0x7f.1/',
    `http://localhost:${receiverPort}/`, 'https://user:secret@example.com/',
  ];

  test('each internal address class is 400 at subscription and as a booking callback', async () => {
    for (const url of INTERNAL()) {
      const refused = await expectQuickRefusal(api('POST', '/v1/webhooks', { url, event_types: ['*'] }), 400, 'url');
      expect(refused.body.detail).toMatch(/internal|user name/);
      await expectQuickRefusal(() => reserve(stack, { service_id: serviceId, start: futureSlot(8), callback_url: url }), 400, 'callback_url');
    }
    const subscribed = await timed(api('POST', '/v1/webhooks', { url: 'http://203.0.114.9/hooks', event_types: ['*'] }));
    expect(subscribed.status).toBe(201);
    await expectQuickRefusal(api('PATCH', `/v1/webhooks/${subscribed.body.id}`, { url: 'http://[::1]:8080/' }), 400, 'url');
    await timed(api('DELETE', `/v1/webhooks/${subscribed.body.id}`));
    expect(await countRows(stack, 'bookings')).toBe(await countRows(stack, 'bookings'));
  });

  test('a name that resolves inside by the time of delivery is refused, and nothing reaches the receiver', async () => {
    names.set('rebound.test', ['93.184.216.34']);
    const subscribed = await timed(api('POST', '/v1/webhooks', { url: `http://rebound.test:${receiverPort}/rebound`, event_types: ['booking.held'] }));
    expect(subscribed.status).toBe(201);
    names.set('rebound.test', ['127.0.0.1']);
    const held = await timed(() => reserve(stack, { service_id: serviceId, start: futureSlot(9) }));
    expect(held.status).toBe(201);
    const deliveries = await waitFor(
      async () => (await call(stack.baseUrl, 'GET', `/v1/webhooks/${subscribed.body.id}/deliveries`, { token: stack.apiKey })).body.data,
      (data: unknown[]) => data.length > 0,
    );
    expect(deliveries[0]).toMatchObject({ delivered: false, status_code: null, error: expect.stringMatching(/^refused: rebound.test resolves to 127.0.0.1/) });
    expect(received).toEqual([]);
  });

  test('no hostile case was answered 5xx', () => {
    expect(statuses.filter((status) => status >= 500)).toEqual([]);
  });
});
