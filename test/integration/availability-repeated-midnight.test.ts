import { ALWAYS_OPEN, createResource, createService } from '../stack/fixtures';
import { call } from '../stack/http';
import { startTestStack, type TestStack } from '../stack/test-stack';

let stack: TestStack;
let serviceId: string;
beforeAll(async () => {
  stack = await startTestStack('availability-repeated-midnight');
  const resourceId = await createResource(stack, { timezone: 'UTC', weekly_schedule: ALWAYS_OPEN });
  serviceId = await createService(stack, { durations_minutes: [60], resource_ids: [resourceId] });
});
afterAll(() => stack?.stop());

async function starts(path: string, date: string, zone: string): Promise<string[]> {
  const query = new URLSearchParams({ service: serviceId, from: date, to: date, timezone: zone });
  const response = await call(stack.baseUrl, 'GET', `${path}?${query}`, { token: stack.apiKey });
  expect(response.status).toBe(200);
  const slots = path.endsWith('/days')
    ? response.body.data.flatMap((day: { slots: unknown[] }) => day.slots)
    : response.body.data;
  return slots.map((slot: { start: string }) => slot.start);
}

describe.each([
  ['America/Havana', '2027-11-06', '2027-11-07', ['2027-11-07T00:00:00-04:00', '2027-11-07T00:00:00-05:00'], 25],
  ['Atlantic/Azores', '2027-10-30', '2027-10-31', ['2027-10-31T00:00:00+00:00', '2027-10-31T00:00:00-01:00'], 25],
])('%s, where clocks go back at midnight', (zone, dayBefore, day, firstTwo, hours) => {
  test('the day alone lists its first hour twice (both midnights), 25 real hours in all', async () => {
    const listed = await starts('/v1/availability', day, zone);
    expect(listed.slice(0, 2)).toEqual(firstTwo);
    expect(listed).toHaveLength(hours);
    expect(await starts('/v1/availability/days', day, zone)).toEqual(listed);
  });

  test('the day before ends at the first midnight, and /availability and /days agree on it', async () => {
    const listed = await starts('/v1/availability', dayBefore, zone);
    expect(listed).toHaveLength(24);
    expect(listed.every((start) => start.startsWith(dayBefore))).toBe(true);
    expect(await starts('/v1/availability/days', dayBefore, zone)).toEqual(listed);
  });
});
