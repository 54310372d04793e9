import http from 'node:http';
import { DateTime } from 'luxon';
import { isoInZone } from '../../scheduling';
import { ALWAYS_OPEN, createResource, createService, reserve } from '../stack/fixtures';
import { call, waitFor, type ApiResponse } from '../stack/http';
import { startTestStack, type TestStack } from '../stack/test-stack';

let stack: TestStack;
beforeAll(async () => {
  stack = await startTestStack('availability');
});
afterAll(() => stack?.stop());

/** A Monday at least a week ahead: far enough for notice, near enough for any horizon. */
const MONDAY = (() => {
  const inAWeek = DateTime.utc().startOf('day').plus({ days: 7 });
  return inAWeek.plus({ days: (8 - inAWeek.weekday) % 7 }).toISODate()!;
})();
const plusDays = (date: string, days: number) => DateTime.fromISO(date, { zone: 'UTC' }).plus({ days }).toISODate()!;
/** Formatted as the API formats instants (an offset, never Z). */
const at = (date: string, time: string, zone = 'UTC') => isoInZone(DateTime.fromISO(`${date}T${time}`, { zone }).toMillis(), zone);
const iso = (instant: string, zone: string) => isoInZone(DateTime.fromISO(instant).toMillis(), zone);

function availability(params: Record<string, string | number>, path = '/v1/availability', token = stack.apiKey) {
  const query = new URLSearchParams(Object.entries(params).map(([key, value]): [string, string] => [key, String(value)]));
  return call(stack.baseUrl, 'GET', `${path}?${query}`, { token });
}

async function starts(params: Record<string, string | number>): Promise<string[]> {
  const response = await availability(params);
  expect(response.status).toBe(200);
  return response.body.data.map((slot: { start: string }) => slot.start);
}

const MORNING = { start: '09:00', end: '12:00' };
const ONLY_MONDAY_MORNING = { monday: [MORNING] };

async function writtenRows() {
  const tables = ['bookings', 'allocations', 'booking_events', 'group_slots'] as const;
  const counts = await Promise.all(tables.map((table) =>
    stack.db.selectFrom(table).select((eb) => eb.fn.countAll<string>().as('count')).executeTakeFirstOrThrow()));
  return Object.fromEntries(tables.map((table, index) => [table, Number(counts[index].count)]));
}

/** A problem+json answer with this status and code whose detail says why, and nothing written. */
async function expectProblem(
  request: () => Promise<ApiResponse>, status: number, expected: { code?: string; field?: string; detail: RegExp },
): Promise<ApiResponse> {
  const before = await writtenRows();
  const response = await request();
  expect(response.status).toBe(status);
  expect(response.contentType).toContain('application/problem+json');
  expect(response.body).toMatchObject({ status, type: expect.any(String), title: expect.any(String) });
  if (expected.code) expect(response.body.code).toBe(expected.code);
  expect(response.body.detail).toMatch(expected.detail);
  if (expected.field) expect(response.body.errors.map((error: { path: string }) => error.path)).toContain(expected.field);
  expect(await writtenRows()).toEqual(before);
  return response;
}

describe('listing', () => {
  test('slots are returned in the requested zone, by default the resource\'s', async () => {
    const paris = await createResource(stack, { timezone: 'Europe/Paris', weekly_schedule: { monday: [{ start: '09:00', end: '11:00' }] } });
    const service = await createService(stack, { durations_minutes: [60], resource_ids: [paris] });
    const nineInParis = at(MONDAY, '09:00', 'Europe/Paris');
    const tenInParis = at(MONDAY, '10:00', 'Europe/Paris');

    const inParis = await availability({ service, from: MONDAY, to: MONDAY });
    expect(inParis.body.timezone).toBe('Europe/Paris');
    expect(inParis.body.data).toEqual([
      { start: nineInParis, end: tenInParis, spaces_left: 1, resource_count: 1, groups: [{ id: 'default', resource_count: 1 }] },
      expect.objectContaining({ start: tenInParis }),
    ]);
    const named = await availability({ service, from: MONDAY, to: MONDAY, include: 'resource_ids' });
    expect(named.body.data[0]).toEqual({
      start: nineInParis, end: tenInParis, spaces_left: 1,
      resource_count: 1, resource_ids: [paris], groups: [{ id: 'default', resource_count: 1, resource_ids: [paris] }],
    });

    // 09:00 in Paris is early morning of the same date in New York.
    const inNewYork = await availability({ service, from: MONDAY, to: MONDAY, timezone: 'America/New_York' });
    expect(inNewYork.body.timezone).toBe('America/New_York');
    expect(inNewYork.body.data.map((slot: { start: string }) => slot.start))
      .toEqual([iso(nineInParis, 'America/New_York'), iso(tenInParis, 'America/New_York')]);
    expect(inNewYork.body.data[0].start).toMatch(new RegExp(`^${MONDAY}T0[34]:00:00-0[45]:00$`));
  });

  test('a hold blocks its slot and its buffers; when it expires the time is free again', async () => {
    const room = await createResource(stack);
    const service = await createService(stack, {
      durations_minutes: [30], buffer_before_minutes: 30, buffer_after_minutes: 30, hold_ttl_seconds: 2, resource_ids: [room],
    });
    const day = { service, from: MONDAY, to: MONDAY };
    const before = await starts(day);
    expect(before).toContain(at(MONDAY, '10:00'));

    const held = await reserve(stack, { service_id: service, start: at(MONDAY, '10:00') });
    expect(held.status).toBe(201);
    // Occupied 09:30-11:00; a slot needs 30 minutes of room on either side.
    const during = await starts(day);
    for (const blocked of ['09:00', '09:30', '10:00', '10:30', '11:00']) expect(during).not.toContain(at(MONDAY, blocked));
    expect(during).toContain(at(MONDAY, '08:30'));
    expect(during).toContain(at(MONDAY, '11:30'));

    const after = await waitFor(() => starts(day), (listed) => listed.includes(at(MONDAY, '10:00')));
    expect(after).toEqual(before);
    const expired = await call(stack.baseUrl, 'GET', `/v1/bookings/${held.body.id}`, { token: stack.apiKey });
    expect(expired.body.status).toBe('expired');
  });

  test('mode one needs any resource, mode all needs every one; each slot counts the free ones, and names them when asked', async () => {
    const early = await createResource(stack, { weekly_schedule: { monday: [{ start: '09:00', end: '11:00' }] } });
    const late = await createResource(stack, { weekly_schedule: { monday: [{ start: '10:00', end: '12:00' }] } });
    const service = await createService(stack, { durations_minutes: [60], resource_ids: [early, late], resource_mode: 'one' });
    const day = { service, from: MONDAY, to: MONDAY };

    expect(await starts(day)).toEqual([at(MONDAY, '09:00'), at(MONDAY, '10:00'), at(MONDAY, '11:00')]);
    expect(await starts({ ...day, mode: 'all' })).toEqual([at(MONDAY, '10:00')]);
    expect((await availability(day)).body.data[1]).toMatchObject({ resource_count: 2, groups: [{ id: 'default', resource_count: 2 }] });
    const ten = (await availability({ ...day, include: 'resource_ids' })).body.data[1];
    expect(ten).toMatchObject({ resource_count: 2, resource_ids: [early, late], groups: [{ id: 'default', resource_ids: [early, late] }] });

    expect((await reserve(stack, { service_id: service, start: at(MONDAY, '10:00'), resource_ids: [early] })).status).toBe(201);
    const afterBooking = (await availability({ ...day, include: 'resource_ids' })).body.data;
    expect(afterBooking.find((slot: { start: string }) => slot.start === at(MONDAY, '10:00'))).toMatchObject({ resource_count: 1, resource_ids: [late] });
    expect(await starts({ ...day, mode: 'all' })).toEqual([]);
    expect(await starts({ ...day, resources: early })).toEqual([at(MONDAY, '09:00')]);
  });

  test('/days lists every local date of the range, the empty ones too', async () => {
    const room = await createResource(stack, { weekly_schedule: ONLY_MONDAY_MORNING });
    const service = await createService(stack, { durations_minutes: [60], resource_ids: [room] });
    const response = await availability({ service, from: MONDAY, to: plusDays(MONDAY, 7) }, '/v1/availability/days');
    expect(response.status).toBe(200);
    expect(response.body.data.map((day: { date: string }) => day.date))
      .toEqual(Array.from({ length: 8 }, (_, index) => plusDays(MONDAY, index)));
    expect(response.body.data.map((day: { slots: unknown[] }) => day.slots.length)).toEqual([3, 0, 0, 0, 0, 0, 0, 3]);
    expect(response.body.data[0].slots[0]).toEqual({
      start: at(MONDAY, '09:00'), end: at(MONDAY, '10:00'), spaces_left: 1, resource_count: 1, groups: [{ id: 'default', resource_count: 1 }],
    });
    const named = await availability({ service, from: MONDAY, to: MONDAY, include: 'resource_ids' }, '/v1/availability/days');
    expect(named.body.data[0].slots[0]).toMatchObject({ resource_ids: [room], groups: [{ id: 'default', resource_count: 1, resource_ids: [room] }] });
  });

  test('an answer may be kept privately for 5 s; an unchanged one revalidates as 304, a changed one does not', async () => {
    const room = await createResource(stack, { weekly_schedule: ONLY_MONDAY_MORNING });
    const service = await createService(stack, { durations_minutes: [60], resource_ids: [room] });
    const path = `/v1/availability?service=${service}&from=${MONDAY}&to=${MONDAY}`;
    const first = await fetch(`${stack.baseUrl}${path}`, { headers: { authorization: `Bearer ${stack.apiKey}` } });
    expect(first.headers.get('cache-control')).toBe('private, max-age=5');
    const etag = first.headers.get('etag')!;
    expect(etag).toMatch(/^W\/"/);
    // As a browser's cache revalidates (fetch() itself would add Cache-Control: no-cache to a conditional request).
    const revalidate = () => new Promise<{ status: number; body: string }>((resolve, reject) => {
      http.get(`${stack.baseUrl}${path}`, { headers: { authorization: `Bearer ${stack.apiKey}`, 'if-none-match': etag } }, (response) => {
        let body = '';
        response.on('data', (chunk) => { body += chunk; });
        response.on('end', () => resolve({ status: response.statusCode!, body }));
      }).on('error', reject);
    });
    expect(await revalidate()).toEqual({ status: 304, body: '' });
    // Another view of the same slots is another answer.
    const named = await fetch(`${stack.baseUrl}${path}&include=resource_ids`, { headers: { authorization: `Bearer ${stack.apiKey}` } });
    expect(named.headers.get('etag')).not.toBe(etag);
    expect((await reserve(stack, { service_id: service, start: at(MONDAY, '10:00') })).status).toBe(201);
    const changed = await revalidate();
    expect(changed.status).toBe(200);
    expect((JSON.parse(changed.body) as { data: Array<{ start: string }> }).data.map((slot) => slot.start))
      .toEqual([at(MONDAY, '09:00'), at(MONDAY, '11:00')]);
  });
});

describe('bad queries', () => {
  let service: string;
  let resource: string;
  beforeAll(async () => {
    resource = await createResource(stack);
    service = await createService(stack, { durations_minutes: [30, 60], resource_ids: [resource] });
  });
  const refused = (params: Record<string, string | number>, status: number, field: string | null, detail: RegExp, path?: string) =>
    expectProblem(() => availability(params, path), status, { ...(field && { field }), detail });

  test('at most 62 days per request, on /days too', async () => {
    expect((await availability({ service, from: MONDAY, to: plusDays(MONDAY, 61) })).status).toBe(200);
    await refused({ service, from: MONDAY, to: plusDays(MONDAY, 62) }, 400, 'to', /at most 62 days/);
    await refused({ service, from: MONDAY, to: plusDays(MONDAY, 400) }, 400, 'to', /at most 62 days/, '/v1/availability/days');
    await refused({ service, from: MONDAY, to: plusDays(MONDAY, -1) }, 400, 'to', /on or after from/);
  });

  test('unknown or foreign services are 404 naming service', async () => {
    await refused({ service: '00000000-0000-4000-8000-000000000000', from: MONDAY, to: MONDAY }, 404, 'service', /not found/);
    const other = await stack.newOrganization();
    await expectProblem(() => availability({ service, from: MONDAY, to: MONDAY }, '/v1/availability', other.apiKey),
      404, { field: 'service', detail: /not found/ });
  });

  test('each malformed field is named', async () => {
    const day = { service, from: MONDAY, to: MONDAY };
    await refused({ from: MONDAY, to: MONDAY }, 400, 'service', /./);
    await refused({ ...day, from: '2026-02-30' }, 400, 'from', /calendar date/);
    await refused({ ...day, to: 'tomorrow' }, 400, 'to', /YYYY-MM-DD/);
    await refused({ ...day, timezone: 'Mars/Olympus_Mons' }, 400, 'timezone', /IANA/);
    await refused({ ...day, mode: 'some' }, 400, 'mode', /one|all/);
    await refused({ ...day, duration: 45 }, 400, 'duration', /30, 60/);
    await refused({ ...day, duration: 'long' }, 400, 'duration', /./);
    await refused({ ...day, spaces: 0 }, 400, 'spaces', /./);
    await refused({ ...day, include: 'resources' }, 400, 'include.0', /resource_ids/);
    const stranger = await createResource(stack);
    await refused({ ...day, resources: `${resource},${stranger}` }, 400, 'resources', /does not provide/);
    const malformed = await availability({ ...day, resources: 'nope' });
    expect(malformed.status).toBe(400);
    expect(malformed.body.errors[0].path).toMatch(/^resources/);
  });
});

describe('group appointments', () => {
  test('a slot with 3 seats stays listed until full, and its bookings share it', async () => {
    const room = await createResource(stack, { weekly_schedule: { monday: [{ start: '10:00', end: '11:00' }] } });
    const service = await createService(stack, { durations_minutes: [60], seats_per_slot: 3, resource_ids: [room] });
    const day = { service, from: MONDAY, to: MONDAY };
    const ten = at(MONDAY, '10:00');
    const spacesLeft = async (params: Record<string, string | number> = {}) =>
      (await availability({ ...day, ...params })).body.data.map((slot: { spaces_left: number }) => slot.spaces_left);

    expect(await spacesLeft()).toEqual([3]);
    const first = await reserve(stack, { service_id: service, start: ten });
    expect(first.status).toBe(201);
    expect(await spacesLeft()).toEqual([2]);
    expect(await spacesLeft({ spaces: 2 })).toEqual([2]);
    expect(await spacesLeft({ spaces: 3 })).toEqual([]);

    const second = await reserve(stack, { service_id: service, start: ten });
    expect(second.status).toBe(201);
    expect(await spacesLeft()).toEqual([1]);
    expect(await spacesLeft({ spaces: 2 })).toEqual([]);
    await expectProblem(() => reserve(stack, { service_id: service, start: ten, spaces: 2 }), 409,
      { code: 'no_resource_free', detail: /with 2 spaces/ });

    const third = await reserve(stack, { service_id: service, start: ten });
    expect(third.status).toBe(201);
    expect(await spacesLeft()).toEqual([]);
    await expectProblem(() => reserve(stack, { service_id: service, start: ten }), 409, { code: 'no_resource_free', detail: /no resource is free/ });

    // One group booking: three bookings, one slot, three seats taken.
    const ids = [first, second, third].map((response) => response.body.id);
    const allocations = await stack.db.selectFrom('allocations').select(['booking_id', 'slot_key'])
      .where('booking_id', 'in', ids).where('released_at', 'is', null).execute();
    expect(allocations).toHaveLength(3);
    expect(new Set(allocations.map((allocation) => allocation.slot_key)).size).toBe(1);
    const slot = await stack.db.selectFrom('group_slots').selectAll().where('slot_key', '=', allocations[0].slot_key!).executeTakeFirstOrThrow();
    expect(slot).toMatchObject({ resource_id: room, seats: 3, spaces_taken: 3 });

    // Leaving frees the seat, not the slot.
    const cancelled = await call(stack.baseUrl, 'POST', `/v1/bookings/${ids[1]}/cancel`, { token: stack.apiKey, body: {} });
    expect(cancelled.status).toBe(200);
    expect(await spacesLeft()).toEqual([1]);
    expect((await reserve(stack, { service_id: service, start: ten, spaces: 1 })).status).toBe(201);
    expect(await spacesLeft()).toEqual([]);
  });

  test('spaces books several seats at once and may not exceed the seats per slot', async () => {
    const room = await createResource(stack, { weekly_schedule: { monday: [{ start: '10:00', end: '11:00' }] } });
    const service = await createService(stack, { durations_minutes: [60], seats_per_slot: 3, resource_ids: [room] });
    const ten = at(MONDAY, '10:00');
    await expectProblem(() => reserve(stack, { service_id: service, start: ten, spaces: 4 }), 400, { field: 'spaces', detail: /3 seat/ });
    const pair = await reserve(stack, { service_id: service, start: ten, spaces: 2 });
    expect(pair.status).toBe(201);
    expect(pair.body.spaces).toBe(2);
    expect((await availability({ service, from: MONDAY, to: MONDAY })).body.data).toEqual([expect.objectContaining({ spaces_left: 1 })]);
  });
});

describe('booking accepts only what availability lists', () => {
  test('each refusal is a 409 with its reason code and writes nothing', async () => {
    const paris = await createResource(stack, { timezone: 'Europe/Paris', weekly_schedule: ONLY_MONDAY_MORNING });
    const service = await createService(stack, {
      durations_minutes: [30], buffer_before_minutes: 30, horizon_days: 60, resource_ids: [paris],
    });
    const refused = (start: string, code: string, detail: RegExp) =>
      expectProblem(() => reserve(stack, { service_id: service, start }), 409, { code, detail });

    await refused(at(MONDAY, '13:00', 'Europe/Paris'), 'outside_hours', /outside the working hours/);
    await refused(at(MONDAY, '09:00', 'Europe/Paris'), 'buffer_conflict', /30-minute buffer before/);
    await refused(at(MONDAY, '10:10', 'Europe/Paris'), 'not_on_slot_grid', /30-minute slot grid/);
    const farMonday = plusDays(MONDAY, 7 * 10);
    await refused(at(farMonday, '10:00', 'Europe/Paris'), 'beyond_horizon', /more than 60 days ahead/);

    expect((await reserve(stack, { service_id: service, start: at(MONDAY, '10:00', 'Europe/Paris') })).status).toBe(201);
    await refused(at(MONDAY, '10:00', 'Europe/Paris'), 'no_resource_free', /no resource is free/);

    const open = await createResource(stack, { weekly_schedule: ALWAYS_OPEN });
    const noticed = await createService(stack, { durations_minutes: [30], min_notice_minutes: 24 * 60, resource_ids: [open] });
    const soon = DateTime.utc().plus({ hours: 2 }).startOf('hour').toISO()!;
    await expectProblem(() => reserve(stack, { service_id: noticed, start: soon }), 409, { code: 'min_notice', detail: /1440 minutes from now/ });
  });

  test('every slot listed for a day can be booked, until the day lists none', async () => {
    const first = await createResource(stack, { weekly_schedule: ONLY_MONDAY_MORNING });
    const second = await createResource(stack, { timezone: 'Europe/London', weekly_schedule: ONLY_MONDAY_MORNING });
    const service = await createService(stack, {
      durations_minutes: [30], slot_step_minutes: 15, buffer_after_minutes: 15, resource_ids: [first, second],
    });
    const day = { service, from: MONDAY, to: MONDAY };
    const initial = (await availability(day)).body.data as { start: string }[];
    expect(initial.length).toBeGreaterThanOrEqual(10);

    // Book a different listed slot each round (first, last, middle...): every one must be accepted.
    let booked = 0;
    for (let round = 0; round < 40; round++) {
      const listed = (await availability(day)).body.data as { start: string }[];
      if (listed.length === 0) break;
      const pick = listed[[0, listed.length - 1, listed.length >> 1][round % 3]];
      const response = await reserve(stack, { service_id: service, start: pick.start });
      expect({ start: pick.start, status: response.status, body: response.status === 201 ? null : response.body })
        .toEqual({ start: pick.start, status: 201, body: null });
      booked++;
    }
    expect(await starts(day)).toEqual([]);
    expect(booked).toBeGreaterThanOrEqual(4);
  });
});
