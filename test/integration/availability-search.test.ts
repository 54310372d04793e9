import { DateTime } from 'luxon';
import { createResource, createService, reserve } from '../stack/fixtures';
import { call } from '../stack/http';
import { startTestStack, type TestStack } from '../stack/test-stack';

let stack: TestStack;
let serviceId: string;
beforeAll(async () => {
  stack = await startTestStack('availability-search');
  const resourceId = await createResource(stack, { timezone: 'Europe/Paris', weekly_schedule: {
    monday: [{ start: '09:00', end: '11:00' }], wednesday: [{ start: '14:00', end: '15:00' }],
  } });
  serviceId = await createService(stack, { durations_minutes: [60], resource_ids: [resourceId] });
});
afterAll(() => stack?.stop());

const MONDAY = (() => {
  const inAWeek = DateTime.utc().startOf('day').plus({ days: 7 });
  return inAWeek.plus({ days: (8 - inAWeek.weekday) % 7 });
})();
const date = (days: number) => MONDAY.plus({ days }).toISODate()!;
const search = (body: unknown) => call(stack.baseUrl, 'POST', '/v1/availability/search', { token: stack.apiKey, body });
const get = async (from: string, to: string, extra: Record<string, string> = {}) => {
  const query = new URLSearchParams({ service: serviceId, from, to, timezone: 'America/New_York', ...extra });
  return (await call(stack.baseUrl, 'GET', `/v1/availability?${query}`, { token: stack.apiKey })).body.data;
};

test('several ranges in one request, each answered as GET /v1/availability answers it', async () => {
  await reserve(stack, { service_id: serviceId, start: DateTime.fromISO(`${date(0)}T09:00`, { zone: 'Europe/Paris' }).toISO() });
  const ranges = [{ from: date(0), to: date(0) }, { from: date(2), to: date(3) }, { from: date(14), to: date(16) }];
  const response = await search({ service: serviceId, ranges, timezone: 'America/New_York' });
  expect(response.status).toBe(200);
  expect(response.body.timezone).toBe('America/New_York');
  expect(response.body.data.map((range: { from: string; to: string }) => ({ from: range.from, to: range.to }))).toEqual(ranges);
  for (const [index, range] of ranges.entries()) {
    expect(response.body.data[index].slots).toEqual(await get(range.from, range.to));
  }
  // Monday's booked 09:00 is gone (one left); Wednesday has one; Monday+Wednesday two weeks on, three.
  expect(response.body.data.map((range: { slots: unknown[] }) => range.slots.length)).toEqual([1, 1, 3]);

  // include names the free resources, as it does on GET.
  const named = await search({ service: serviceId, ranges, timezone: 'America/New_York', include: ['resource_ids'] });
  expect(named.status).toBe(200);
  for (const [index, range] of ranges.entries()) {
    expect(named.body.data[index].slots).toEqual(await get(range.from, range.to, { include: 'resource_ids' }));
  }
  expect(named.body.data[0].slots[0].resource_ids).toHaveLength(1);
});

test('the 62-day cap applies to the sum of the ranges; more than 10 ranges, or a backwards one, is a 400 naming the field', async () => {
  const problem = async (body: unknown, path: string, detail: RegExp) => {
    const response = await search(body);
    expect(response.status).toBe(400);
    expect(response.contentType).toContain('application/problem+json');
    expect(response.body.errors).toEqual(expect.arrayContaining([expect.objectContaining({ path, message: expect.stringMatching(detail) })]));
  };
  await problem({ service: serviceId, ranges: [{ from: date(0), to: date(30) }, { from: date(40), to: date(71) }] }, 'ranges', /63 days together/);
  await problem({ service: serviceId, ranges: Array.from({ length: 11 }, (_, day) => ({ from: date(day), to: date(day) })) }, 'ranges', /10/);
  await problem({ service: serviceId, ranges: [{ from: date(3), to: date(1) }] }, 'ranges.0.to', /on or after from/);
  await problem({ service: serviceId, ranges: [{ from: date(0), to: date(0) }], include: ['resources'] }, 'include.0', /resource_ids/);
  const ok = await search({ service: serviceId, ranges: [{ from: date(0), to: date(30) }, { from: date(40), to: date(70) }] });
  expect(ok.status).toBe(200);
});

test('Appointedd\'s form: service_id and ranges of instants, which keep the slots starting within them (a window of a day, or a week)', async () => {
  // The seed's own body: May 2022, long past, so no slots, but a 200.
  const seed = await search({ service_id: serviceId, ranges: [{ start: '2022-05-01T00:00:00Z', end: '2022-06-01T00:00:00Z' }] });
  expect(seed.status).toBe(200);
  expect(seed.body.data).toEqual([{ start: '2022-05-01T02:00:00+02:00', end: '2022-06-01T02:00:00+02:00', slots: [] }]);

  // The resource's Monday is 09:00-11:00 Paris: slots at 09:00 and 10:00, and the week after too.
  const paris = (days: number, time: string) => DateTime.fromISO(`${date(days)}T${time}`, { zone: 'Europe/Paris' });
  const window = { start: paris(7, '09:30').toUTC().toISO()!, end: paris(7, '10:30').toUTC().toISO()! };
  const week = { start: `${date(7)}T00:00:00Z`, end: `${date(14)}T00:00:00Z` };
  const response = await search({ service_id: serviceId, ranges: [window, week, { from: date(7), to: date(7) }], timezone: 'Europe/Paris' });
  expect(response.status).toBe(200);
  const [inWindow, inWeek, byDates] = response.body.data;
  expect(inWindow).toEqual({
    start: paris(7, '09:30').toISO({ suppressMilliseconds: true }), end: paris(7, '10:30').toISO({ suppressMilliseconds: true }),
    slots: [expect.objectContaining({ start: paris(7, '10:00').toISO({ suppressMilliseconds: true }) })],
  });
  // The week's Monday (2 slots) and Wednesday (1): the same slots as its local dates give.
  expect(inWeek.slots.map((slot: { start: string }) => slot.start)).toEqual(
    [paris(7, '09:00'), paris(7, '10:00'), paris(9, '14:00')].map((time) => time.toISO({ suppressMilliseconds: true })),
  );
  expect(inWeek.slots.slice(0, 2)).toEqual(byDates.slots);
  expect(inWeek.slots[2]).toEqual((await get(date(9), date(9), { timezone: 'Europe/Paris' }))[0]);
});

test('a range of instants must end after it starts, the service is named once, and the day cap counts instants too', async () => {
  const problem = async (body: unknown, path: string, detail: RegExp) => {
    const response = await search(body);
    expect(response.status).toBe(400);
    expect(response.contentType).toContain('application/problem+json');
    expect(response.body.errors).toEqual(expect.arrayContaining([expect.objectContaining({ path, message: expect.stringMatching(detail) })]));
  };
  const start = `${date(0)}T00:00:00Z`;
  await problem({ service_id: serviceId, ranges: [{ start, end: start }] }, 'ranges.0.end', /after start/);
  await problem({ service_id: serviceId, ranges: [{ start, end: `${date(0)}T00:00:00+24:00` }] }, 'ranges.0.end', /offset/);
  await problem({ service: serviceId, service_id: serviceId, ranges: [{ start, end: `${date(1)}T00:00:00Z` }] }, 'service', /one of them/);
  await problem({ ranges: [{ start, end: `${date(1)}T00:00:00Z` }] }, 'service', /one of them/);
  await problem({ service_id: serviceId, ranges: [{ start, end: `${date(63)}T00:00:00Z` }] }, 'ranges', /63 days together/);
});
