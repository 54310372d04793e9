import { DateTime } from 'luxon';
import { createResource, reserve } from '../stack/fixtures';
import { call } from '../stack/http';
import { startTestStack, type TestStack } from '../stack/test-stack';

let stack: TestStack;
beforeAll(async () => {
  stack = await startTestStack('resource-groups');
});
afterAll(() => stack?.stop());

const DAY = DateTime.utc().startOf('day').plus({ days: 4 });
const at = (hour: number) => DAY.plus({ hours: hour });

async function groupedService(resourceMode: 'one' | 'all', groups: { name: string; resource_ids: string[]; mode?: 'one' | 'all' }[]) {
  const response = await call(stack.baseUrl, 'POST', '/v1/services', {
    token: stack.apiKey,
    body: { name: 'Treatment', durations_minutes: [60], resource_mode: resourceMode, resource_ids: groups.flatMap((g) => g.resource_ids), resource_groups: groups },
  });
  expect(response.status).toBe(201);
  expect(response.body.resource_groups).toEqual(groups.map((group) => ({ mode: 'one', ...group })));
  return response.body.id as string;
}

async function slotAt(service: string, hour: number, params: Record<string, string> = {}) {
  const query = new URLSearchParams({ service, from: DAY.toISODate()!, to: DAY.toISODate()!, timezone: 'UTC', include: 'resource_ids', ...params });
  const response = await call(stack.baseUrl, 'GET', `/v1/availability?${query}`, { token: stack.apiKey });
  expect(response.status).toBe(200);
  return response.body.data.find((slot: { start: string }) => DateTime.fromISO(slot.start).toMillis() === at(hour).toMillis());
}

test('mode all: every group gives one free member; availability says which are free per group', async () => {
  const [doctorA, doctorB, roomA, roomB] = await Promise.all([1, 2, 3, 4].map(() => createResource(stack)));
  const service = await groupedService('all', [
    { name: 'doctors', resource_ids: [doctorA, doctorB] }, { name: 'rooms', resource_ids: [roomA, roomB] },
  ]);
  expect((await slotAt(service, 10)).groups).toEqual([{ id: 'doctors', resource_count: 2, resource_ids: [doctorA, doctorB] }, { id: 'rooms', resource_count: 2, resource_ids: [roomA, roomB] }]);

  const first = await reserve(stack, { service_id: service, start: at(10).toISO() });
  expect(first.status).toBe(201);
  expect(first.body.resource_ids).toEqual([doctorA, roomA]);
  expect((await slotAt(service, 10)).groups).toEqual([{ id: 'doctors', resource_count: 1, resource_ids: [doctorB] }, { id: 'rooms', resource_count: 1, resource_ids: [roomB] }]);

  // A named resource is honoured within its group; the other group still gives its free member.
  const second = await reserve(stack, { service_id: service, start: at(10).toISO(), resource_ids: [roomB] });
  expect(second.body.resource_ids.sort()).toEqual([doctorB, roomB].sort());
  expect(await slotAt(service, 10)).toBeUndefined();
  const third = await reserve(stack, { service_id: service, start: at(10).toISO() });
  expect(third.status).toBe(409);
  expect(third.body.code).toBe('no_resource_free');
});

test('mode one: any one group serves a booking; a reservation may name the group; mode=all as a query parameter', async () => {
  const [north, southA, southB] = await Promise.all([1, 2, 3].map(() => createResource(stack)));
  const service = await groupedService('one', [
    { name: 'north', resource_ids: [north] }, { name: 'south', resource_ids: [southA, southB], mode: 'all' },
  ]);
  expect((await slotAt(service, 10)).groups).toEqual([{ id: 'north', resource_count: 1, resource_ids: [north] }, { id: 'south', resource_count: 2, resource_ids: [southA, southB] }]);
  expect((await slotAt(service, 10, { mode: 'all' })).resource_ids).toEqual([north, southA, southB]);

  const south = await reserve(stack, { service_id: service, start: at(10).toISO(), resource_group: 'south' });
  expect(south.status).toBe(201);
  expect(south.body.resource_ids).toEqual([southA, southB]);
  expect((await slotAt(service, 10)).groups).toEqual([{ id: 'north', resource_count: 1, resource_ids: [north] }]);
  expect(await slotAt(service, 10, { mode: 'all' })).toBeUndefined();
  expect((await reserve(stack, { service_id: service, start: at(10).toISO(), resource_group: 'south' })).status).toBe(409);

  const any = await reserve(stack, { service_id: service, start: at(10).toISO() });
  expect(any.body.resource_ids).toEqual([north]);
  expect(await slotAt(service, 10)).toBeUndefined();
});

test('an unknown group, a group in mode all, and a group member outside resource_ids are 400s naming the field', async () => {
  const [member, outsider] = await Promise.all([1, 2].map(() => createResource(stack)));
  const badService = await call(stack.baseUrl, 'POST', '/v1/services', {
    token: stack.apiKey,
    body: { name: 'Bad', durations_minutes: [60], resource_ids: [member], resource_groups: [{ name: 'g', resource_ids: [outsider] }] },
  });
  expect(badService.status).toBe(400);
  expect(badService.body.errors).toEqual([expect.objectContaining({ path: 'resource_groups.0.resource_ids.0' })]);

  const one = await groupedService('one', [{ name: 'g', resource_ids: [member] }]);
  const unknown = await reserve(stack, { service_id: one, start: at(12).toISO(), resource_group: 'nowhere' });
  expect(unknown.status).toBe(400);
  expect(unknown.body.errors).toEqual([{ path: 'resource_group', message: 'must be one of g' }]);
  const all = await groupedService('all', [{ name: 'h', resource_ids: [outsider] }]);
  const inAll = await reserve(stack, { service_id: all, start: at(12).toISO(), resource_group: 'h' });
  expect(inAll.status).toBe(400);
  expect(inAll.body.errors[0].path).toBe('resource_group');
});
