import { countRows, createBookable, futureSlot, reserve } from '../stack/fixtures';
import { startTestStack, type TestStack } from '../stack/test-stack';

let stack: TestStack;
beforeAll(async () => {
  stack = await startTestStack('contention');
});
afterAll(() => stack?.stop());

test('50 concurrent reservations of one time: exactly one 201, 49 × 409, one allocation', async () => {
  const { serviceId, resourceId } = await createBookable(stack);
  const start = futureSlot(20);
  const responses = await Promise.all(Array.from({ length: 50 }, () => reserve(stack, { service_id: serviceId, start })));

  const statuses = responses.map((response) => response.status);
  expect(statuses.filter((status) => status === 201)).toHaveLength(1);
  expect(statuses.filter((status) => status === 409)).toHaveLength(49);
  for (const refused of responses.filter((response) => response.status === 409)) {
    expect(refused.contentType).toContain('application/problem+json');
    expect(['no_resource_free', 'slot_taken']).toContain(refused.body.code);
  }
  const allocations = await stack.db.selectFrom('allocations').selectAll()
    .where('resource_id', '=', resourceId).where('released_at', 'is', null).execute();
  expect(allocations).toHaveLength(1);
  expect(allocations[0].booking_id).toBe(responses.find((response) => response.status === 201)!.body.id);
  // Refused reservations keep no booking.
  expect(await countRows(stack, 'bookings')).toBe(1);
});

test('the database itself refuses overlapping active allocations, whatever the code does', async () => {
  const { resourceId, serviceId } = await createBookable(stack);
  const held = await reserve(stack, { service_id: serviceId, start: futureSlot(30) });
  const booking = await stack.db.selectFrom('bookings').selectAll().where('id', '=', held.body.id).executeTakeFirstOrThrow();
  // Bypass every check in the application: insert an overlapping allocation straight into the table.
  const twin = { ...booking, id: '00000000-0000-4000-8000-000000000001' };
  await stack.db.insertInto('bookings').values({ ...twin, metadata: '{}' }).execute();
  const overlapping = stack.db.insertInto('allocations').values({
    booking_id: twin.id, resource_id: resourceId, organization_id: booking.organization_id,
    during: `[${new Date(booking.start_at.getTime() + 60_000).toISOString()},${booking.end_at.toISOString()})`,
  }).execute();
  await expect(overlapping).rejects.toMatchObject({ code: '23P01' });
});
