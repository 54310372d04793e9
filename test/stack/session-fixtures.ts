import { DateTime } from 'luxon';
import { call } from './http';
import type { TestStack } from './test-stack';

export async function createSession(stack: TestStack, fields: Record<string, unknown>) {
  const response = await call(stack.baseUrl, 'POST', '/v1/sessions', {
    token: stack.apiKey,
    body: { start: DateTime.utc().plus({ days: 5 }).startOf('hour').toISO(), capacity: 10, ...fields },
  });
  if (response.status !== 201) throw new Error(`session not created: ${JSON.stringify(response.body)}`);
  return response.body;
}

export function bookSeats(stack: TestStack, sessionId: string, fields: Record<string, unknown> = {}, headers: Record<string, string> = {}) {
  return call(stack.baseUrl, 'POST', '/v1/bookings', { token: stack.apiKey, body: { session_id: sessionId, ...fields }, headers });
}

/**
 * Invariant 2, checked from the database at any step rather than assumed: the session's counters
 * equal the spaces of its seated and waiting bookings, and stay within capacity and list size.
 */
export async function expectSeatsWithinCapacity(stack: TestStack, sessionId: string) {
  const session = await stack.db.selectFrom('sessions').selectAll().where('id', '=', sessionId).executeTakeFirstOrThrow();
  const bookings = await stack.db.selectFrom('bookings').select(['status', 'spaces']).where('session_id', '=', sessionId).execute();
  const sum = (statuses: string[]) => bookings.filter((b) => statuses.includes(b.status)).reduce((total, b) => total + b.spaces, 0);
  const seated = sum(['held', 'pending_approval', 'confirmed', 'completed', 'no_show']);
  const waiting = sum(['waitlisted']);
  expect({ seated, waiting }).toEqual({ seated: session.seats_taken, waiting: session.waitlist_taken });
  expect(seated).toBeLessThanOrEqual(session.capacity);
  expect(waiting).toBeLessThanOrEqual(session.waitlist_size);
  return { seated, waiting, capacity: session.capacity };
}
