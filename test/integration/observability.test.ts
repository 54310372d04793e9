import pino from 'pino';
import { createBookable, futureSlot } from '../stack/fixtures';
import { call, waitFor } from '../stack/http';
import { startTestStack, type TestStack } from '../stack/test-stack';

type LogLine = Record<string, unknown> & { msg: string };
const lines: LogLine[] = [];
// The API's and the worker's logger, writing into this array instead of stdout.
const logger = pino({ level: 'info' }, { write: (line: string) => void lines.push(JSON.parse(line)) });

let stack: TestStack;
beforeAll(async () => {
  stack = await startTestStack('observability', { logger });
});
afterAll(() => stack?.stop());

test('a request id sent in comes back and is on the access log line and the log lines of the activities it caused', async () => {
  const { serviceId } = await createBookable(stack);
  const reserved = await fetch(`${stack.baseUrl}/v1/bookings`, {
    method: 'POST',
    headers: { authorization: `Bearer ${stack.apiKey}`, 'content-type': 'application/json', 'x-request-id': 'reserve-4711' },
    body: JSON.stringify({ service_id: serviceId, start: futureSlot(3) }),
  });
  expect(reserved.status).toBe(201);
  expect(reserved.headers.get('x-request-id')).toBe('reserve-4711');
  const booking = await reserved.json() as { id: string; workflow_id: string };
  expect(lines).toContainEqual(expect.objectContaining({
    requestId: 'reserve-4711', route: '/v1/bookings', msg: 'request completed', res: { statusCode: 201 },
  }));

  // The details are an Update of the workflow: its activities carry the id of that request.
  await call(stack.baseUrl, 'POST', `/v1/bookings/${booking.id}/details`, {
    token: stack.apiKey, body: { name: 'Ada Lovelace', email: 'ada@example.com' }, headers: { 'x-request-id': 'details-0815' },
  });
  const activityLine = await waitFor(
    async () => lines.find((line) => line.msg === 'activity completed' && line.requestId === 'details-0815'),
    (line) => line !== undefined,
  );
  expect(activityLine).toMatchObject({ bookingId: booking.id, workflowId: booking.workflow_id, activity: expect.any(String) });
});

test('without X-Request-Id (or with an unusable one) the API makes an id and returns it', async () => {
  const made = await fetch(`${stack.baseUrl}/healthz`);
  expect(made.headers.get('x-request-id')).toMatch(/^[0-9a-f-]{36}$/);
  const replaced = await fetch(`${stack.baseUrl}/healthz`, { headers: { 'x-request-id': 'not acceptable <script>' } });
  expect(replaced.headers.get('x-request-id')).toMatch(/^[0-9a-f-]{36}$/);
});

/** One sample of /metrics, e.g. value('booking_transitions_total{status="confirmed"}'). */
async function metric(name: string): Promise<number> {
  const text = await (await fetch(`${stack.baseUrl}/metrics`)).text();
  const line = text.split('\n').find((row) => row.startsWith(`${name} `));
  return line ? Number(line.slice(name.length + 1)) : 0;
}

test('/metrics counts a booking\'s transitions, its hold latency, refusals and requests by route template', async () => {
  const { serviceId } = await createBookable(stack);
  const before = {
    held: await metric('booking_transitions_total{status="held"}'),
    confirmed: await metric('booking_transitions_total{status="confirmed"}'),
    refused: await metric('booking_refusals_total{code="no_resource_free"}'),
    holds: await metric('booking_hold_latency_seconds_count{status="201"}'),
  };
  const start = futureSlot(7);
  const booking = await call(stack.baseUrl, 'POST', '/v1/bookings', { token: stack.apiKey, body: { service_id: serviceId, start } });
  await call(stack.baseUrl, 'POST', '/v1/bookings', { token: stack.apiKey, body: { service_id: serviceId, start } });
  await call(stack.baseUrl, 'POST', `/v1/bookings/${booking.body.id}/details`, {
    token: stack.apiKey, body: { name: 'Ada Lovelace', email: 'ada@example.com' },
  });
  await call(stack.baseUrl, 'GET', `/v1/bookings/${booking.body.id}`, { token: stack.apiKey });

  // The worker counts in this process too; its activity may finish just after the answer.
  await waitFor(() => metric('booking_transitions_total{status="confirmed"}'), (value) => value === before.confirmed + 1);
  expect(await metric('booking_transitions_total{status="held"}')).toBe(before.held + 1);
  expect(await metric('booking_refusals_total{code="no_resource_free"}')).toBe(before.refused + 1);
  expect(await metric('booking_hold_latency_seconds_count{status="201"}')).toBe(before.holds + 1);
  const text = await (await fetch(`${stack.baseUrl}/metrics`)).text();
  expect(text).toContain('http_request_duration_seconds_count{method="GET",route="/v1/bookings/:id",status="200"}');
  expect(text).not.toContain(booking.body.id);
});
