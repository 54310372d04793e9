import { createServer, type IncomingHttpHeaders } from 'node:http';
import type { AddressInfo } from 'node:net';
import { verifyWebhook } from '../../outbound/webhook-signature';
import { webhookDeliveryWorkflowId } from '../../workflows/messages';
import { sendsOf } from '../stack/delivery-history';
import { createBookable, futureSlot, reserve } from '../stack/fixtures';
import { call, waitFor } from '../stack/http';
import { startTestStack, type TestStack } from '../stack/test-stack';

let stack: TestStack;
const received: Array<{ headers: IncomingHttpHeaders; body: string }> = [];
const receiver = createServer((req, res) => {
  const chunks: Buffer[] = [];
  req.on('data', (chunk: Buffer) => chunks.push(chunk));
  req.on('end', () => {
    received.push({ headers: req.headers, body: Buffer.concat(chunks).toString('utf8') });
    res.end();
  });
});

beforeAll(async () => {
  stack = await startTestStack('booking_webhooks', { outbound: { allowedHosts: ['127.0.0.1'], allowHttp: true } });
  await new Promise<void>((resolve) => receiver.listen(0, '127.0.0.1', resolve));
});
afterAll(async () => {
  receiver.closeAllConnections();
  await new Promise((resolve) => receiver.close(resolve));
  await stack?.stop();
});

test('every transition of a booking reaches a subscriber, signed, once per event id, in order', async () => {
  const url = `http://127.0.0.1:${(receiver.address() as AddressInfo).port}/hooks`;
  const subscription = await call(stack.baseUrl, 'POST', '/v1/webhooks', {
    token: stack.apiKey, body: { url, event_types: ['booking.held', 'booking.confirmed', 'booking.cancelled'] },
  });
  expect(subscription.status).toBe(201);
  const { serviceId } = await createBookable(stack);
  const held = await reserve(stack, { service_id: serviceId, start: futureSlot(2) });
  await call(stack.baseUrl, 'POST', `/v1/bookings/${held.body.id}/details`, {
    token: stack.apiKey, body: { name: 'Ada', email: 'ada@example.com' },
  });
  await call(stack.baseUrl, 'POST', `/v1/bookings/${held.body.id}/cancel`, { token: stack.apiKey, body: {} });

  await waitFor(async () => received.length, (count) => count >= 3);
  const events = received.map(({ headers, body }) => {
    expect(verifyWebhook(subscription.body.secret, {
      'webhook-id': headers['webhook-id'] as string,
      'webhook-timestamp': headers['webhook-timestamp'] as string,
      'webhook-signature': headers['webhook-signature'] as string,
    }, body)).toBe(true);
    return JSON.parse(body);
  });
  const byType = Object.fromEntries(events.map((event) => [event.type, event]));
  expect(Object.keys(byType).sort()).toEqual(['booking.cancelled', 'booking.confirmed', 'booking.held']);
  expect(new Set(events.map((event) => event.id)).size).toBe(events.length);
  expect(byType['booking.held'].data).toMatchObject({ id: held.body.id, status: 'held' });
  expect(byType['booking.confirmed'].data).toMatchObject({ status: 'confirmed', customer: { email: 'ada@example.com' } });
  expect(byType['booking.cancelled'].data).toMatchObject({ status: 'cancelled' });

  // Each event's plan, written with it, named the subscription; its delivery sent what the plan said
  // (the hold sends no e-mail), each at the first attempt, in the worker, and never read the
  // subscriptions itself.
  const rows = await stack.db.selectFrom('webhook_events').select(['id', 'type', 'delivery']).where('booking_id', '=', held.body.id).execute();
  const sends: Record<string, string[]> = {};
  for (const row of rows) {
    expect(row.delivery).toEqual({ mails: row.type !== 'booking.held', calendars: false, targets: [subscription.body.id] });
    sends[row.type] = (await sendsOf(stack.temporal.workflow.getHandle(webhookDeliveryWorkflowId(row.id)))).sort();
  }
  expect(sends).toEqual({
    'booking.held': ['deliverWebhook (first attempt)'],
    'booking.confirmed': ['deliverWebhook (first attempt)', 'sendBookingMails (first attempt)'],
    'booking.cancelled': ['deliverWebhook (first attempt)', 'sendBookingMails (first attempt)'],
  });
});
