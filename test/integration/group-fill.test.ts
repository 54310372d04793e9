import { DateTime } from 'luxon';
import { createResource, createService, reserve } from '../stack/fixtures';
import { call } from '../stack/http';
import { startTestStack, type TestStack } from '../stack/test-stack';

let stack: TestStack;
beforeAll(async () => {
  stack = await startTestStack('group-fill');
});
afterAll(() => stack?.stop());

const DAY = DateTime.utc().startOf('day').plus({ days: 5 });
const TEN = DAY.plus({ hours: 10 }).toISO()!;

async function groupService(seats: number) {
  const first = await createResource(stack, { name: 'Studio A' });
  const second = await createResource(stack, { name: 'Studio B' });
  const service = await createService(stack, { durations_minutes: [60], seats_per_slot: seats, resource_mode: 'one', resource_ids: [first, second] });
  return { first, second, service };
}

async function slotAtTen(service: string, spaces = 1) {
  const query = new URLSearchParams({ service, from: DAY.toISODate()!, to: DAY.toISODate()!, timezone: 'UTC', spaces: String(spaces) });
  const response = await call(stack.baseUrl, 'GET', `/v1/availability?${query}`, { token: stack.apiKey });
  expect(response.status).toBe(200);
  return response.body.data.find((slot: { start: string }) => DateTime.fromISO(slot.start).toMillis() === DateTime.fromISO(TEN).toMillis());
}

async function seatsTaken(service: string): Promise<Record<string, number>> {
  const rows = await stack.db.selectFrom('group_slots').select(['resource_id', 'spaces_taken', 'seats'])
    .where('service_id', '=', service).execute();
  for (const row of rows) expect(row.spaces_taken).toBeLessThanOrEqual(row.seats);
  return Object.fromEntries(rows.filter((row) => row.spaces_taken > 0).map((row) => [row.resource_id, row.spaces_taken]));
}

test('a second booking joins the open group; availability shows the open group\'s seats left', async () => {
  const { first, second, service } = await groupService(3);
  // The open group may be on the second resource: it still fills before the first opens a new one.
  const opening = await reserve(stack, { service_id: service, start: TEN, resource_ids: [second] });
  expect(opening.status).toBe(201);
  expect(await slotAtTen(service)).toMatchObject({
    spaces_left: 3, open_groups: [{ resource_id: second, spaces_taken: 1, spaces_left: 2 }],
  });

  const joining = await reserve(stack, { service_id: service, start: TEN, spaces: 2 });
  expect(joining.status).toBe(201);
  expect(joining.body.resource_ids).toEqual([second]);
  expect(await seatsTaken(service)).toEqual({ [second]: 3 });

  // The open group is full now: the next booking opens a new group.
  expect((await slotAtTen(service)).open_groups).toEqual([]);
  const opensNew = await reserve(stack, { service_id: service, start: TEN });
  expect(opensNew.body.resource_ids).toEqual([first]);
  expect(await seatsTaken(service)).toEqual({ [second]: 3, [first]: 1 });
});

test('a booking too big for the open group opens a new one', async () => {
  const { first, second, service } = await groupService(3);
  await reserve(stack, { service_id: service, start: TEN, spaces: 2 });
  expect((await slotAtTen(service, 2)).open_groups).toEqual([]);
  const big = await reserve(stack, { service_id: service, start: TEN, spaces: 2 });
  expect(big.status).toBe(201);
  expect(big.body.resource_ids).toEqual([second]);
  expect(await seatsTaken(service)).toEqual({ [first]: 2, [second]: 2 });
});

test('two concurrent bookings of an open group\'s last seat: exactly one gets it, the other opens a new group', async () => {
  const { first, second, service } = await groupService(2);
  expect((await reserve(stack, { service_id: service, start: TEN })).body.resource_ids).toEqual([first]);
  const racing = await Promise.all([1, 2].map(() => reserve(stack, { service_id: service, start: TEN })));
  expect(racing.map((response) => response.status)).toEqual([201, 201]);
  const placed = racing.map((response) => response.body.resource_ids[0]).sort();
  expect(placed).toEqual([first, second].sort());
  expect(await seatsTaken(service)).toEqual({ [first]: 2, [second]: 1 });
});

test('two concurrent bookings that accept only the open group\'s resource: one gets its last seat, the other a 409', async () => {
  const { first, service } = await groupService(2);
  await reserve(stack, { service_id: service, start: TEN, resource_ids: [first] });
  const racing = await Promise.all([1, 2].map(() => reserve(stack, { service_id: service, start: TEN, resource_ids: [first] })));
  expect(racing.map((response) => response.status).sort()).toEqual([201, 409]);
  const refused = racing.find((response) => response.status === 409)!;
  expect(refused.contentType).toContain('application/problem+json');
  expect(await seatsTaken(service)).toEqual({ [first]: 2 });
  expect(await stack.db.selectFrom('bookings').select('id').where('service_id', '=', service).execute()).toHaveLength(2);
});
