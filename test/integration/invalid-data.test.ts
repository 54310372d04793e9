import { randomUUID } from 'node:crypto';
import { ApplicationFailure } from '@temporalio/common';
import { createActivities } from '../../activities';
import { INVALID_DATA } from '../../db/data-errors';
import { countRows, createBookable, futureSlot, reserve } from '../stack/fixtures';
import { startTestStack, type TestStack } from '../stack/test-stack';

/**
 * What the API's validation now stops never reaches PostgreSQL; should anything still get
 * there, the activities answer it at once instead of retrying it forever. Called here directly
 * against the real database, past the API, as a retried workflow would call them.
 */
let stack: TestStack;
beforeAll(async () => {
  stack = await startTestStack('invalid_data');
});
afterAll(() => stack?.stop());

test('a hold PostgreSQL refuses as data is a refusal (invalid_data), and leaves nothing', async () => {
  const { serviceId } = await createBookable(stack);
  const activities = createActivities({ db: stack.db });
  const before = await countRows(stack, 'bookings');
  const outcome = await activities.placeHold({
    bookingId: randomUUID(), organizationId: stack.organizationId, serviceId, start: futureSlot(2),
    durationMinutes: null, resourceIds: null, customer: null, metadata: { note: 'a\u0000b' },
  });
  expect(outcome).toMatchObject({ outcome: 'rejected', code: 'invalid_data', message: expect.stringMatching(/database refused the data/) });
  expect(await countRows(stack, 'bookings')).toBe(before);
});

test('any other write PostgreSQL refuses as data fails at once, non-retryable, typed InvalidData', async () => {
  const { serviceId } = await createBookable(stack);
  const held = await reserve(stack, { service_id: serviceId, start: futureSlot(3) });
  expect(held.status).toBe(201);
  const activities = createActivities({ db: stack.db });
  const failure = await activities.recordTransition({
    bookingId: held.body.id, step: '99:cancelled', from: ['held'], to: 'cancelled', actor: 'test', reason: 'a\u0000b', releaseCapacity: true,
  }).catch((error: unknown) => error);
  expect(failure).toBeInstanceOf(ApplicationFailure);
  expect(failure).toMatchObject({ type: INVALID_DATA, nonRetryable: true, message: expect.stringMatching(/^the database refused the data \(22/) });
  const booking = await stack.db.selectFrom('bookings').select('status').where('id', '=', held.body.id).executeTakeFirstOrThrow();
  expect(booking.status).toBe('held');
});
