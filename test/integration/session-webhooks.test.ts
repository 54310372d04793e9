import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createBookable } from '../stack/fixtures';
import { call, waitFor } from '../stack/http';
import { bookSeats, createSession } from '../stack/session-fixtures';
import { startTestStack, type TestStack } from '../stack/test-stack';

let stack: TestStack;
const received: Array<{ type: string; data: { id: string; status: string } }> = [];
const receiver = createServer((req, res) => {
  const chunks: Buffer[] = [];
  req.on('data', (chunk: Buffer) => chunks.push(chunk));
  req.on('end', () => {
    received.push(JSON.parse(Buffer.concat(chunks).toString('utf8')));
    res.end();
  });
});

beforeAll(async () => {
  stack = await startTestStack('session_webhooks');
  await new Promise<void>((resolve) => receiver.listen(0, '127.0.0.1', resolve));
});
afterAll(async () => {
  receiver.closeAllConnections();
  await new Promise((resolve) => receiver.close(resolve));
  await stack?.stop();
});

test('joining the waiting list and being promoted reach a subscriber', async () => {
  const url = `http://127.0.0.1:${(receiver.address() as AddressInfo).port}/hooks`;
  await call(stack.baseUrl, 'POST', '/v1/webhooks', {
    token: stack.apiKey, body: { url, event_types: ['booking.waitlisted', 'booking.promoted'] },
  });
  const { serviceId } = await createBookable(stack);
  const session = await createSession(stack, { service_id: serviceId, capacity: 1, waitlist_size: 1 });
  const seated = (await bookSeats(stack, session.id)).body;
  const waiting = (await bookSeats(stack, session.id)).body;
  await call(stack.baseUrl, 'POST', `/v1/bookings/${seated.id}/cancel`, { token: stack.apiKey, body: {} });

  await waitFor(async () => received.length, (count) => count >= 2);
  expect(received.map((event) => [event.type, event.data.id, event.data.status]).sort()).toEqual([
    ['booking.promoted', waiting.id, 'held'], ['booking.waitlisted', waiting.id, 'waitlisted'],
  ]);
});
