import { createBookable } from '../stack/fixtures';
import { call, waitFor } from '../stack/http';
import { bookSeats, createSession } from '../stack/session-fixtures';
import { startTestStack, type TestStack } from '../stack/test-stack';
import { startWebhookReceiver } from '../stack/webhook-receiver';

let stack: TestStack;
let receiver: Awaited<ReturnType<typeof startWebhookReceiver>>;
beforeAll(async () => {
  stack = await startTestStack('session_webhooks', { outbound: { allowedHosts: ['127.0.0.1'], allowHttp: true } });
  receiver = await startWebhookReceiver();
});
afterAll(async () => {
  await receiver?.stop();
  await stack?.stop();
});

test('joining the waiting list and being promoted reach a subscriber, signed; a seat booking\'s callback hears its cancellation', async () => {
  const subscription = await call(stack.baseUrl, 'POST', '/v1/webhooks', {
    token: stack.apiKey, body: { url: receiver.url('/hooks'), event_types: ['booking.waitlisted', 'booking.promoted'] },
  });
  const { serviceId } = await createBookable(stack);
  const session = await createSession(stack, { service_id: serviceId, capacity: 1, waitlist_size: 1 });
  const seated = (await bookSeats(stack, session.id, { callback_url: receiver.url('/seated') })).body;
  expect(seated.callback_secret).toMatch(/^whsec_/);
  const waiting = (await bookSeats(stack, session.id)).body;
  await call(stack.baseUrl, 'POST', `/v1/bookings/${seated.id}/cancel`, { token: stack.apiKey, body: { reason: 'ill' } });

  await waitFor(async () => receiver.received.length, (count) => count >= 3);
  const events = receiver.verified(subscription.body.secret, '/hooks');
  expect(events.map((event) => [event.type, event.data.id, event.data.status]).sort()).toEqual([
    ['booking.promoted', waiting.id, 'held'], ['booking.waitlisted', waiting.id, 'waitlisted'],
  ]);
  const [callback] = receiver.verified(seated.callback_secret, '/seated');
  expect(callback).toMatchObject({ type: 'booking.cancelled', data: { id: seated.id, session_id: session.id, status: 'cancelled' } });
});
