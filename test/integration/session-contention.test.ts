import { createBookable } from '../stack/fixtures';
import { bookSeats, createSession, expectSeatsWithinCapacity } from '../stack/session-fixtures';
import { startTestStack, type TestStack } from '../stack/test-stack';

let stack: TestStack;
beforeAll(async () => {
  stack = await startTestStack('session-contention');
});
afterAll(() => stack?.stop());

test('200 concurrent requests for 1 seat of 10 with a waiting list of 20: 10 held, 20 queued in order, 170 × 409', async () => {
  const { serviceId } = await createBookable(stack);
  const session = await createSession(stack, { service_id: serviceId, capacity: 10, waitlist_size: 20 });
  const responses = await Promise.all(Array.from({ length: 200 }, () => bookSeats(stack, session.id)));

  const byStatus = (status: number) => responses.filter((response) => response.status === status);
  expect(byStatus(201)).toHaveLength(10);
  expect(byStatus(202)).toHaveLength(20);
  expect(byStatus(409)).toHaveLength(170);
  for (const refused of byStatus(409)) expect(refused.body).toMatchObject({ code: 'session_full', status: 409 });
  for (const held of byStatus(201)) expect(held.body.status).toBe('held');

  // The database agrees: counters, rows, and no booking for a refusal.
  expect(await expectSeatsWithinCapacity(stack, session.id)).toEqual({ seated: 10, waiting: 20, capacity: 10 });
  const rows = await stack.db.selectFrom('bookings').select(['id', 'status', 'waitlist_seq'])
    .where('session_id', '=', session.id).execute();
  expect(rows).toHaveLength(30);

  // Arrival order is the order in which the session's lock served the requests, which the audit
  // log's sequence records: every seat went to a request served before any queued one, and the
  // queue (by waitlist_seq) is that same order, with the positions the 202s answered.
  const events = await stack.db.selectFrom('booking_events').select(['id', 'booking_id', 'to_status'])
    .where('booking_id', 'in', rows.map((row) => row.id)).where('step', '=', 'hold').orderBy('id').execute();
  expect(events.map((event) => event.to_status)).toEqual([...Array(10).fill('held'), ...Array(20).fill('waitlisted')]);
  const queue = rows.filter((row) => row.status === 'waitlisted')
    .sort((a, b) => Number(BigInt(a.waitlist_seq!) - BigInt(b.waitlist_seq!))).map((row) => row.id);
  expect(queue).toEqual(events.slice(10).map((event) => event.booking_id));
  const positions = byStatus(202).map((response) => [response.body.id, response.body.waitlist_position])
    .sort((a, b) => a[1] - b[1]);
  expect(positions).toEqual(queue.map((id, index) => [id, index + 1]));
});
