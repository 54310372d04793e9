import { createBookable, countRows, futureSlot, reserve } from '../stack/fixtures';
import { call } from '../stack/http';
import { startTestStack, type TestStack } from '../stack/test-stack';

let stack: TestStack;
let serviceId: string;
let otherServiceId: string;
beforeAll(async () => {
  stack = await startTestStack('rebook');
  // Public, so that its customers may rebook onto it with their manage tokens.
  serviceId = (await createBookable(stack, { public: true, slug: `rebook-${Date.now().toString(36)}` })).serviceId;
  otherServiceId = (await createBookable(stack)).serviceId;
});
afterAll(() => stack?.stop());

const get = (id: string, token = stack.apiKey) => call(stack.baseUrl, 'GET', `/v1/bookings/${id}`, { token });
const eventsOf = async (id: string) => (await call(stack.baseUrl, 'GET', `/v1/bookings/${id}/events`, { token: stack.apiKey })).body.data;

async function confirmed(slot: number, service = serviceId) {
  const held = await reserve(stack, { service_id: service, start: futureSlot(slot) });
  expect(held.status).toBe(201);
  await call(stack.baseUrl, 'POST', `/v1/bookings/${held.body.id}/details`, { token: stack.apiKey, body: { name: 'Ada', email: 'ada@example.com' } });
  return held.body as { id: string; manage_token: string };
}

test('the new hold is placed, then the old booking is cancelled (reason rebooked), linked both ways', async () => {
  const old = await confirmed(2);
  const rebooked = await reserve(stack, { service_id: otherServiceId, start: futureSlot(4), cancel_booking_id: old.id });
  expect(rebooked.status).toBe(201);
  expect(rebooked.body).toMatchObject({ status: 'held', rebooked_from: old.id });

  const oldNow = await get(old.id);
  expect(oldNow.body).toMatchObject({ status: 'cancelled', rebooked_to: rebooked.body.id });
  expect((await eventsOf(old.id)).at(-1)).toMatchObject({ to: 'cancelled', reason: `rebooked as booking ${rebooked.body.id}` });
  expect((await eventsOf(rebooked.body.id))[0]).toMatchObject({ to: 'held', reason: `rebooking of booking ${old.id}` });
  // The old time is free again.
  expect((await reserve(stack, { service_id: serviceId, start: futureSlot(2) })).status).toBe(201);
});

test('a rebook whose new hold fails keeps the old booking untouched', async () => {
  const old = await confirmed(6);
  await confirmed(8);
  const before = { booking: (await get(old.id)).body, events: await eventsOf(old.id), bookings: await countRows(stack, 'bookings') };
  const refused = await reserve(stack, { service_id: serviceId, start: futureSlot(8), cancel_booking_id: old.id });
  expect(refused.status).toBe(409);
  expect(refused.contentType).toContain('application/problem+json');
  expect(refused.body.code).toBe('no_resource_free');
  expect((await get(old.id)).body).toEqual(before.booking);
  expect(await eventsOf(old.id)).toEqual(before.events);
  expect(await countRows(stack, 'bookings')).toBe(before.bookings);
});

test('the customer rebooks with the manage token, only their own booking; an ended booking cannot be rebooked', async () => {
  const mine = await confirmed(10);
  const theirs = await confirmed(12);
  const foreign = await call(stack.baseUrl, 'POST', '/v1/bookings', {
    token: mine.manage_token, body: { service_id: serviceId, start: futureSlot(14), cancel_booking_id: theirs.id },
  });
  expect(foreign.status).toBe(404);
  const plain = await call(stack.baseUrl, 'POST', '/v1/bookings', { token: mine.manage_token, body: { service_id: serviceId, start: futureSlot(14) } });
  expect(plain.status).toBe(403);

  const own = await call(stack.baseUrl, 'POST', '/v1/bookings', {
    token: mine.manage_token, body: { service_id: serviceId, start: futureSlot(14), cancel_booking_id: mine.id },
  });
  expect(own.status).toBe(201);
  expect((await eventsOf(mine.id)).at(-1)).toMatchObject({ to: 'cancelled', actor: 'customer' });
  expect((await get(theirs.id)).body.status).toBe('confirmed');

  const again = await reserve(stack, { service_id: serviceId, start: futureSlot(16), cancel_booking_id: mine.id });
  expect(again.status).toBe(409);
  expect(again.body).toMatchObject({ code: 'invalid_transition', current_status: 'cancelled' });
});
