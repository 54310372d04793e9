import ical, { type VEvent } from 'node-ical';
import { createBookable, futureSlot, reserve } from '../stack/fixtures';
import { call } from '../stack/http';
import { startTestStack, type TestStack } from '../stack/test-stack';

let stack: TestStack;
beforeAll(async () => {
  stack = await startTestStack('calendar-sequence');
});
afterAll(() => stack?.stop());

async function eventOf(bookingId: string): Promise<VEvent> {
  const response = await fetch(`${stack.baseUrl}/v1/bookings/${bookingId}/ics`, { headers: { authorization: `Bearer ${stack.apiKey}` } });
  expect(response.status).toBe(200);
  const events = Object.values(ical.sync.parseICS(await response.text())).filter((c): c is VEvent => c?.type === 'VEVENT');
  expect(events).toHaveLength(1);
  return events[0];
}

test('every change within the same second raises SEQUENCE, and the API shows the same revision', async () => {
  const { serviceId } = await createBookable(stack);
  const reserved = await reserve(stack, { service_id: serviceId, start: futureSlot(20) });
  expect(reserved.status).toBe(201);
  const id = reserved.body.id;
  expect(reserved.body.revision).toBe(0);
  expect((await eventOf(id)).sequence).toBe(0);

  // Details, a reschedule and a cancellation back to back: well inside one second on a quiet machine.
  const steps: Array<[string, unknown]> = [
    ['details', { name: 'Ada Lovelace', email: 'ada@example.com' }],
    ['reschedule', { start: futureSlot(22) }],
    ['cancel', {}],
  ];
  const sequences = [0];
  for (const [action, body] of steps) {
    const changed = await call(stack.baseUrl, 'POST', `/v1/bookings/${id}/${action}`, { token: stack.apiKey, body });
    expect(changed.status).toBe(200);
    const event = await eventOf(id);
    expect(Number(event.sequence)).toBe(changed.body.revision);
    sequences.push(Number(event.sequence));
  }
  for (let index = 1; index < sequences.length; index += 1) expect(sequences[index]).toBeGreaterThan(sequences[index - 1]);
  expect((await eventOf(id)).status).toBe('CANCELLED');
});

test('a refused change leaves the revision where it was', async () => {
  const { serviceId } = await createBookable(stack);
  const reserved = await reserve(stack, { service_id: serviceId, start: futureSlot(24) });
  const id = reserved.body.id;
  await call(stack.baseUrl, 'POST', `/v1/bookings/${id}/cancel`, { token: stack.apiKey, body: {} });
  const before = (await call(stack.baseUrl, 'GET', `/v1/bookings/${id}`, { token: stack.apiKey })).body.revision;
  const refused = await call(stack.baseUrl, 'POST', `/v1/bookings/${id}/cancel`, { token: stack.apiKey, body: {} });
  expect(refused.status).toBe(409);
  expect((await call(stack.baseUrl, 'GET', `/v1/bookings/${id}`, { token: stack.apiKey })).body.revision).toBe(before);
  expect(Number((await eventOf(id)).sequence)).toBe(before);
});
