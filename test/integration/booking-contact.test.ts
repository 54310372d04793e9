import ical, { type VEvent } from 'node-ical';
import { createBookable, countRows, futureSlot, reserve } from '../stack/fixtures';
import { call } from '../stack/http';
import { startTestStack, type TestStack } from '../stack/test-stack';

let stack: TestStack;
beforeAll(async () => {
  stack = await startTestStack('booking-contact');
});
afterAll(() => stack?.stop());

const contact = {
  extra_emails: ['ada@work.example', 'ada@home.example'],
  extra_phone_numbers: ['+44 20 7946 0000'],
  external_id: 'crm-4711',
  label: 'Follow-up #3',
  display_label: 'Check-up with Dr Lee',
};

test('extra contact data is stored, returned, filterable by external_id, and titles the calendar file', async () => {
  const { serviceId } = await createBookable(stack);
  const reserved = await reserve(stack, { service_id: serviceId, start: futureSlot(10), customer: { email: 'ada@example.com' }, ...contact });
  expect(reserved.status).toBe(201);
  expect(reserved.body).toMatchObject(contact);
  const other = await reserve(stack, { service_id: serviceId, start: futureSlot(12) });
  expect(other.body).toMatchObject({ extra_emails: [], extra_phone_numbers: [], external_id: null, label: null, display_label: null });

  const read = await call(stack.baseUrl, 'GET', `/v1/bookings/${reserved.body.id}`, { token: stack.apiKey });
  expect(read.body).toMatchObject(contact);

  const listed = await call(stack.baseUrl, 'GET', '/v1/bookings?external_id=crm-4711', { token: stack.apiKey });
  expect(listed.body.data.map((booking: { id: string }) => booking.id)).toEqual([reserved.body.id]);
  const none = await call(stack.baseUrl, 'GET', '/v1/bookings?external_id=crm-0000', { token: stack.apiKey });
  expect(none.body.data).toEqual([]);

  const file = await fetch(`${stack.baseUrl}/v1/bookings/${reserved.body.id}/ics`, { headers: { authorization: `Bearer ${stack.apiKey}` } });
  const events = Object.values(ical.sync.parseICS(await file.text())).filter((c): c is VEvent => c?.type === 'VEVENT');
  expect(events[0].summary).toBe('Check-up with Dr Lee');
});

test('a malformed extra e-mail is a 400 naming it, and nothing is booked', async () => {
  const { serviceId } = await createBookable(stack);
  const before = await countRows(stack, 'bookings');
  const refused = await reserve(stack, { service_id: serviceId, start: futureSlot(14), extra_emails: ['ok@example.com', 'not-an-address'] });
  expect(refused.status).toBe(400);
  expect(refused.contentType).toContain('application/problem+json');
  expect(refused.body.errors).toEqual(expect.arrayContaining([expect.objectContaining({ path: 'extra_emails.1' })]));
  expect(await countRows(stack, 'bookings')).toBe(before);
});
