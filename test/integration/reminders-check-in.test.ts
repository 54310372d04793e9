import { DateTime } from 'luxon';
import { createSmtpMailer } from '../../outbound/mailer';
import { createResource, createService, reserve } from '../stack/fixtures';
import { call, waitFor } from '../stack/http';
import { startSmtpInbox } from '../stack/smtp-inbox';
import { startTestStack, type TestStack } from '../stack/test-stack';

let stack: TestStack;
let inbox: Awaited<ReturnType<typeof startSmtpInbox>>;
beforeAll(async () => {
  inbox = await startSmtpInbox();
  stack = await startTestStack('reminders', { mailer: createSmtpMailer(inbox.url, 'Bookings <bookings@test.local>') });
});
afterAll(async () => {
  await stack?.stop();
  await inbox?.stop();
});

const post = (path: string, body: unknown = {}) => call(stack.baseUrl, 'POST', path, { token: stack.apiKey, body });
const get = (path: string) => call(stack.baseUrl, 'GET', path, { token: stack.apiKey });

/** One-minute bookings on a one-minute grid: the nearest start at least `leadSeconds` away. */
function nearStart(leadSeconds: number): DateTime {
  return DateTime.utc().plus({ seconds: leadSeconds }).startOf('minute').plus({ minutes: 1 });
}

async function confirmedBooking(start: DateTime, reminderOffsets: number[], email: string) {
  const resourceId = await createResource(stack);
  const serviceId = await createService(stack, {
    resource_ids: [resourceId], durations_minutes: [1], slot_step_minutes: 1, reminder_offsets_seconds: reminderOffsets,
  });
  const held = await reserve(stack, { service_id: serviceId, start: start.toISO() });
  expect(held.status).toBe(201);
  const confirmed = await post(`/v1/bookings/${held.body.id}/details`, { name: 'Ada', email });
  expect(confirmed.body.status).toBe('confirmed');
  return held.body;
}

test('reminders arrive over SMTP at their offsets, none that was due before confirmation; check-in decides completed or no_show', async () => {
  const start = nearStart(15);
  const untilStart = (start.toMillis() - Date.now()) / 1000;
  // Two reminders a few seconds from now, and one whose time had passed before confirmation.
  const offsets = [Math.floor(untilStart - 3), Math.floor(untilStart - 6), Math.floor(untilStart + 600)];
  const absent = await confirmedBooking(start, offsets, 'absent@example.com');
  const present = await confirmedBooking(start, [], 'present@example.com');

  // The confirmation has its own mail; these are the reminders.
  const reminders = () => inbox.mails.filter((mail) => mail.to.includes('absent@example.com') && mail.raw.includes('Subject: Reminder'));
  await waitFor(async () => reminders().length, (count) => count >= 2);
  const received = reminders();
  expect(received).toHaveLength(2);
  for (const [mail, offset] of [[received[0], offsets[0]], [received[1], offsets[1]]] as const) {
    expect(mail.raw).toContain('Subject: Reminder: Consultation, ');
    const due = start.toMillis() - offset * 1000;
    expect(mail.receivedAt).toBeGreaterThanOrEqual(due);
    expect(mail.receivedAt - due).toBeLessThan(5_000);
  }
  const notifications = await get(`/v1/bookings/${absent.id}/notifications`);
  const reminderRows = notifications.body.data.filter((n: { kind: string }) => n.kind === 'reminder');
  expect(reminderRows).toHaveLength(2);
  expect(reminderRows.every((n: { channel: string; status: string }) => n.channel === 'email' && n.status === 'sent')).toBe(true);

  // Check-in opens at the start.
  await waitFor(async () => Date.now(), (now) => now >= start.toMillis(), start.toMillis() - Date.now() + 10_000);
  expect((await post(`/v1/bookings/${absent.id}/check-in`, { present: false, reason: 'did not show up' })).body.checked_in).toBe(false);
  expect((await post(`/v1/bookings/${present.id}/check-in`, { present: true })).body.checked_in).toBe(true);
  const statusOf = async (id: string) => (await get(`/v1/bookings/${id}`)).body.status;
  await waitFor(() => statusOf(absent.id), (status) => status === 'no_show', 150_000);
  await waitFor(() => statusOf(present.id), (status) => status === 'completed', 30_000);
  expect((await post(`/v1/bookings/${present.id}/cancel`)).body).toMatchObject({ status: 409, current_status: 'completed' });
  const events = await get(`/v1/bookings/${absent.id}/events`);
  expect(events.body.data.map((event: { to: string }) => event.to)).toEqual(['held', 'confirmed', 'confirmed', 'no_show']);
}, 200_000);

test('a cancelled booking keeps no reminder timers', async () => {
  const start = DateTime.utc().plus({ days: 2 }).startOf('day');
  const booking = await confirmedBooking(start, [86_400, 3600], 'cancelled@example.com');
  const handle = stack.temporal.workflow.getHandle(booking.workflow_id);
  expect((await handle.describe()).status.name).toBe('RUNNING');
  await post(`/v1/bookings/${booking.id}/cancel`, { reason: 'no longer needed' });
  // The workflow has ended: no timer of it can fire any more.
  await waitFor(async () => (await handle.describe()).status.name, (status) => status === 'COMPLETED');
  const kinds = (await get(`/v1/bookings/${booking.id}/notifications`)).body.data.map((n: { kind: string }) => n.kind);
  expect(kinds).not.toContain('reminder');
});

test('check-in needs a confirmed booking and a boolean', async () => {
  const start = DateTime.utc().plus({ days: 3 }).startOf('day');
  const resourceId = await createResource(stack);
  const serviceId = await createService(stack, { resource_ids: [resourceId] });
  const held = await reserve(stack, { service_id: serviceId, start: start.toISO() });
  const unconfirmed = await post(`/v1/bookings/${held.body.id}/check-in`, { present: true });
  expect(unconfirmed.body).toMatchObject({ status: 409, current_status: 'held' });
  // Confirmed, but before its start: nobody can be present or absent yet.
  await post(`/v1/bookings/${held.body.id}/details`, { name: 'Ada', email: 'early@example.com' });
  const early = await post(`/v1/bookings/${held.body.id}/check-in`, { present: false });
  expect(early.status).toBe(409);
  expect(early.body).toMatchObject({ code: 'check_in_not_open' });
  expect(early.body.detail).toMatch(/check-in opens at the booking's start/);
  expect((await get(`/v1/bookings/${held.body.id}`)).body.checked_in).toBeNull();
  const bad = await post(`/v1/bookings/${held.body.id}/check-in`, { present: 'yes' });
  expect(bad.status).toBe(400);
  expect(bad.body.errors[0].path).toBe('present');
});
