import { DateTime } from 'luxon';
import { call } from './http';
import type { TestStack } from './test-stack';

export const ALWAYS_OPEN = Object.fromEntries(
  ['monday', 'tuesday', 'wednesday', 'thursday', 'friday', 'saturday', 'sunday'].map((day) => [day, [{ start: '00:00', end: '24:00' }]]),
);

export async function createResource(stack: TestStack, fields: Record<string, unknown> = {}, apiKey = stack.apiKey): Promise<string> {
  const response = await call(stack.baseUrl, 'POST', '/v1/resources', {
    token: apiKey,
    body: { name: 'Room', timezone: 'UTC', weekly_schedule: ALWAYS_OPEN, ...fields },
  });
  if (response.status !== 201) throw new Error(`resource not created: ${JSON.stringify(response.body)}`);
  return response.body.id;
}

export async function createService(stack: TestStack, fields: Record<string, unknown>, apiKey = stack.apiKey): Promise<string> {
  const response = await call(stack.baseUrl, 'POST', '/v1/services', {
    token: apiKey,
    body: { name: 'Consultation', durations_minutes: [30], hold_ttl_seconds: 600, ...fields },
  });
  if (response.status !== 201) throw new Error(`service not created: ${JSON.stringify(response.body)}`);
  return response.body.id;
}

/** A service on one always-open resource: the simplest thing that can be booked. */
export async function createBookable(stack: TestStack, serviceFields: Record<string, unknown> = {}) {
  const resourceId = await createResource(stack);
  const serviceId = await createService(stack, { resource_ids: [resourceId], ...serviceFields });
  return { resourceId, serviceId };
}

/** A start on the half-hour grid, `slot` half-hours after midnight UTC a few days from now. */
export function futureSlot(slot: number, daysAhead = 3): string {
  return DateTime.utc().startOf('day').plus({ days: daysAhead, minutes: 30 * slot }).toISO()!;
}

export function reserve(stack: TestStack, body: Record<string, unknown>, headers: Record<string, string> = {}) {
  return call(stack.baseUrl, 'POST', '/v1/bookings', { token: stack.apiKey, body, headers });
}

export async function countRows(stack: TestStack, table: 'bookings' | 'allocations' | 'booking_events' | 'resources' | 'services' | 'sessions') {
  const row = await stack.db.selectFrom(table).select((eb) => eb.fn.countAll<string>().as('count')).executeTakeFirstOrThrow();
  return Number(row.count);
}
