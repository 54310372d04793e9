import { DateTime } from 'luxon';
import { countRows, createBookable, futureSlot, reserve } from '../stack/fixtures';
import { call, waitFor } from '../stack/http';
import { startTestStack, type TestStack } from '../stack/test-stack';
import { startWebhookReceiver } from '../stack/webhook-receiver';

let stack: TestStack;
/** The booking's system: answers 503 to the first request on /flaky, so a retry is visible. */
let flakyAnswered = false;
let receiver: Awaited<ReturnType<typeof startWebhookReceiver>>;
const receiverUrl = (path: string) => receiver.url(path);

beforeAll(async () => {
  stack = await startTestStack('booking_callbacks', { outbound: { allowedHosts: ['127.0.0.1'], allowHttp: true } });
  receiver = await startWebhookReceiver((path) => {
    if (path !== '/flaky' || flakyAnswered) return 200;
    flakyAnswered = true;
    return 503;
  });
});
afterAll(async () => {
  await receiver?.stop();
  await stack?.stop();
});

const post = (path: string, body: unknown = {}) => call(stack.baseUrl, 'POST', path, { token: stack.apiKey, body });

const verified = (secret: string, path: string) => receiver.verified(secret, path);

/**
 * A confirmed one-minute booking that has started (check-in opens at the start), with its
 * callback URL: reserved for the next minute, then waited for.
 */
async function startedBooking(callbackPath: string) {
  const { serviceId } = await createBookable(stack, { durations_minutes: [1], slot_step_minutes: 1 });
  const start = DateTime.utc().plus({ seconds: 5 }).startOf('minute').plus({ minutes: 1 });
  const held = await reserve(stack, { service_id: serviceId, start: start.toISO(), callback_url: receiverUrl(callbackPath) });
  expect(held.status).toBe(201);
  await post(`/v1/bookings/${held.body.id}/details`, { name: 'Ada', email: 'ada@example.com' });
  await waitFor(async () => Date.now(), (now) => now >= start.toMillis(), 70_000);
  return held;
}

test('the booking\'s callback URL receives its check-in and its cancellation, signed with its own secret', async () => {
  const held = await startedBooking('/flaky');
  expect(held.body.callback_secret).toMatch(/^whsec_[A-Za-z0-9+/=]{40,}$/);
  // Shown at creation only.
  expect((await call(stack.baseUrl, 'GET', `/v1/bookings/${held.body.id}`, { token: stack.apiKey })).body.callback_secret).toBeUndefined();

  expect((await post(`/v1/bookings/${held.body.id}/check-in`, { present: false, reason: 'did not show up' })).status).toBe(200);
  expect((await post(`/v1/bookings/${held.body.id}/cancel`, { reason: 'host sick' })).status).toBe(200);

  const callbacks = await waitFor(async () => verified(held.body.callback_secret, '/flaky'), (list) => list.length >= 2);
  const byType = Object.fromEntries(callbacks.map((callback) => [callback.type, callback]));
  expect(Object.keys(byType).sort()).toEqual(['booking.cancelled', 'booking.checked_in']);
  expect(byType['booking.checked_in']).toMatchObject({
    present: false, reason: 'did not show up', data: { id: held.body.id, checked_in: false, status: 'confirmed' },
  });
  expect(byType['booking.cancelled']).toMatchObject({ reason: 'host sick', data: { id: held.body.id, status: 'cancelled' } });
  // Nothing else (held, confirmed) goes to the booking's callback.
  expect(callbacks).toHaveLength(2);

  // Every attempt is logged, the refused first one included, and the API shows them.
  const log = await waitFor(
    async () => (await call(stack.baseUrl, 'GET', `/v1/bookings/${held.body.id}/callbacks`, { token: stack.apiKey })).body,
    (body) => body.data.filter((attempt: { delivered: boolean }) => attempt.delivered).length === 2,
  );
  expect(log.callback_url).toBe(receiverUrl('/flaky'));
  expect(log.data).toHaveLength(3);
  expect(log.data[0]).toMatchObject({ delivered: false, status_code: 503, attempt: 1 });
  expect(log.data.filter((attempt: { attempt: number }) => attempt.attempt === 2)).toHaveLength(1);
}, 180_000);

test('a present check-in is reported as present', async () => {
  const held = await startedBooking('/present');
  await post(`/v1/bookings/${held.body.id}/check-in`, { present: true });
  const [callback] = await waitFor(async () => verified(held.body.callback_secret, '/present'), (list) => list.length >= 1);
  expect(callback).toMatchObject({ type: 'booking.checked_in', present: true, reason: null, data: { checked_in: true } });
}, 150_000);

test('a callback URL that is not an http(s) URL is a 400 naming it; nothing is written', async () => {
  const { serviceId } = await createBookable(stack);
  const before = await countRows(stack, 'bookings');
  for (const url of ['ftp://example.com/hook', 'not a url', 42]) {
    const response = await reserve(stack, { service_id: serviceId, start: futureSlot(6), callback_url: url });
    expect(response.status).toBe(400);
    expect(response.contentType).toContain('application/problem+json');
    expect(response.body.errors.map((error: { path: string }) => error.path)).toEqual(['callback_url']);
  }
  expect(await countRows(stack, 'bookings')).toBe(before);
});

test('callbacks are the organization\'s: the customer\'s manage token cannot read them', async () => {
  const { serviceId } = await createBookable(stack);
  const held = await reserve(stack, { service_id: serviceId, start: futureSlot(8) });
  expect(held.body.callback_secret).toBeUndefined();
  const asCustomer = await call(stack.baseUrl, 'GET', `/v1/bookings/${held.body.id}/callbacks`, { token: held.body.manage_token });
  expect(asCustomer.status).toBe(403);
  const asOrganization = await call(stack.baseUrl, 'GET', `/v1/bookings/${held.body.id}/callbacks`, { token: stack.apiKey });
  expect(asOrganization.body).toEqual({ callback_url: null, data: [] });
});
