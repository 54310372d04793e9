import type { AddressInfo } from 'node:net';
import net from 'node:net';
import { DateTime } from 'luxon';
import { createSmtpMailer } from '../../outbound/mailer';
import { call, waitFor } from '../stack/http';
import { readMail, type ReadMail } from '../stack/mail-reader';
import { startSmtpInbox } from '../stack/smtp-inbox';
import { startTestStack, type TestStack } from '../stack/test-stack';

let stack: TestStack;
let inbox: Awaited<ReturnType<typeof startSmtpInbox>>;
beforeAll(async () => {
  inbox = await startSmtpInbox();
  stack = await startTestStack('emails', { mailer: createSmtpMailer(inbox.url, 'Bookings <bookings@test.local>') });
});
afterAll(async () => {
  await stack?.stop();
  await inbox?.stop();
});

const OPEN = { monday: [{ start: '09:00', end: '17:00' }], tuesday: [{ start: '09:00', end: '17:00' }],
  wednesday: [{ start: '09:00', end: '17:00' }], thursday: [{ start: '09:00', end: '17:00' }], friday: [{ start: '09:00', end: '17:00' }] };

function api(target: TestStack) {
  return {
    post: (route: string, body: unknown = {}) => call(target.baseUrl, 'POST', route, { token: target.apiKey, body }),
    get: (route: string) => call(target.baseUrl, 'GET', route, { token: target.apiKey }),
  };
}

/** A weekday 10:00 in Paris, a few weeks ahead. */
function parisMorning(weeks: number, hour = 10): DateTime {
  return DateTime.now().setZone('Europe/Paris').plus({ weeks }).set({ weekday: 2, hour, minute: 0, second: 0, millisecond: 0 });
}

async function approvalBooking(target: TestStack, customer: Record<string, unknown>) {
  const { post } = api(target);
  const resource = await post('/v1/resources', { name: 'Dr Lee', timezone: 'Europe/Paris', weekly_schedule: OPEN, email: 'lee@clinic.test' });
  const service = await post('/v1/services', {
    name: 'Consultation', durations_minutes: [30], resource_ids: [resource.body.id], requires_approval: true,
    location: '12 rue de la Paix, Paris',
    booking_fields: [{ name: 'topic', label: 'Topic', type: 'text', required: true }],
  });
  const start = parisMorning(3);
  const held = await post('/v1/bookings', { service_id: service.body.id, start: start.toISO() });
  expect(held.status).toBe(201);
  const details = await post(`/v1/bookings/${held.body.id}/details`, { ...customer, booking_fields: { topic: 'Back pain' } });
  expect(details.body.status).toBe('pending_approval');
  return { booking: held.body, start };
}

async function mailsTo(address: string, count: number): Promise<ReadMail[]> {
  const received = await waitFor(async () => inbox.mails.filter((mail) => mail.to.includes(address)), (mails) => mails.length >= count);
  return Promise.all(received.map(readMail));
}

test('each step e-mails the customer in their zone with an .ics whose SEQUENCE grows; the host hears of new and cancelled bookings', async () => {
  const { post, get } = api(stack);
  const customer = { name: 'Ada Lovelace', email: 'ada@example.com', timezone: 'America/New_York' };
  const { booking, start } = await approvalBooking(stack, customer);
  expect((await post(`/v1/bookings/${booking.id}/confirm`)).body.status).toBe('confirmed');
  const later = start.plus({ hours: 2 });
  expect((await post(`/v1/bookings/${booking.id}/reschedule`, { start: later.toISO() })).status).toBe(200);
  expect((await post(`/v1/bookings/${booking.id}/cancel`, { reason: 'plans changed' })).status).toBe(200);

  const mails = await mailsTo('ada@example.com', 4);
  expect(mails.map((mail) => mail.parsed.subject)).toEqual([
    'Booking received: Consultation', 'Booking confirmed: Consultation', 'Booking rescheduled: Consultation', 'Booking cancelled: Consultation',
  ]);
  const newYork = (instant: DateTime) => instant.setZone('America/New_York').toFormat('HH:mm');
  for (const mail of mails) {
    expect(mail.parsed.text).toContain('Service: Consultation');
    expect(mail.parsed.text).toContain('Where: 12 rue de la Paix, Paris');
    expect(mail.parsed.text).toContain('Topic: Back pain');
    expect(mail.parsed.text).toMatch(/\/manage\/mt_/);
    expect(mail.parsed.html).toContain('View, reschedule or cancel');
    expect(mail.event!.start.tz).toBe('America/New_York');
    expect(mail.event!.description).toContain('Topic: Back pain');
  }
  expect(mails[0].parsed.text).toContain(`${newYork(start)}–`);
  expect(mails[0].parsed.text).toContain('(America/New_York)');
  expect(mails[0].event!.start.getTime()).toBe(start.toMillis());
  expect(mails[2].parsed.text).toContain(`moved from ${start.setZone('America/New_York').toFormat('cccc d LLLL yyyy, HH:mm')}`);
  expect(mails[2].event!.start.getTime()).toBe(later.toMillis());
  expect(mails[3].parsed.text).toContain('cancelled by the business. Reason: plans changed');
  expect(mails.map((mail) => mail.method)).toEqual(['REQUEST', 'REQUEST', 'REQUEST', 'CANCEL']);
  const sequences = mails.map((mail) => Number(/^SEQUENCE:(\d+)/m.exec(mail.ics!)![1]));
  expect([...sequences].sort((a, b) => a - b)).toEqual(sequences);
  expect(new Set(sequences).size).toBe(4);

  const host = await mailsTo('lee@clinic.test', 2);
  expect(host.map((mail) => mail.parsed.subject)).toEqual([
    'New booking: Consultation, Ada Lovelace', 'Booking cancelled: Consultation, Ada Lovelace',
  ]);
  expect(host[0].parsed.text).toContain('Customer: Ada Lovelace <ada@example.com>');
  // The host reads the time in the resource's zone.
  expect(host[0].event!.start.tz).toBe('Europe/Paris');

  const notifications = (await get(`/v1/bookings/${booking.id}/notifications`)).body.data;
  expect(notifications).toHaveLength(6);
  for (const notification of notifications) {
    expect(notification).toMatchObject({ channel: 'email', status: 'sent', error: null });
    expect(notification.message_id).toMatch(/^<.+@.+>$/);
  }
  expect(notifications.map((notification: { message_id: string }) => notification.message_id).sort())
    .toEqual([...mails, ...host].map((mail) => mail.parsed.messageId).sort());
}, 90_000);

test('without a mail server the e-mails stay queued; an unreachable one marks them failed with the error', async () => {
  const quiet = await startTestStack('emails-outbox');
  // A port that refuses connections: listen, note it, close.
  const closed = net.createServer();
  await new Promise<void>((resolve) => closed.listen(0, '127.0.0.1', () => resolve()));
  const { port } = closed.address() as AddressInfo;
  await new Promise((resolve) => closed.close(resolve));
  const broken = await startTestStack('emails-failing', { mailer: createSmtpMailer(`smtp://127.0.0.1:${port}`, 'b@test.local') });
  try {
    const queued = await approvalBooking(quiet, { name: 'Q', email: 'q@example.com' });
    const rows = await waitFor(async () => (await api(quiet).get(`/v1/bookings/${queued.booking.id}/notifications`)).body.data,
      (data: { kind: string }[]) => data.length >= 2);
    expect(rows.map((row: { kind: string }) => row.kind).sort()).toEqual(['host_new_booking', 'received']);
    for (const row of rows) expect(row).toMatchObject({ channel: 'outbox', status: 'queued', message_id: null, sent_at: null });

    const failing = await approvalBooking(broken, { name: 'F', email: 'f@example.com' });
    const failed = await waitFor(async () => (await api(broken).get(`/v1/bookings/${failing.booking.id}/notifications`)).body.data,
      (data: { status: string; error: string | null }[]) => data.length > 0 && data.every((row) => row.status === 'failed'));
    expect(failed[0]).toMatchObject({ channel: 'email', status: 'failed', sent_at: null });
    expect(failed[0].error).toMatch(/ECONNREFUSED/);
  } finally {
    await quiet.stop();
    await broken.stop();
  }
}, 60_000);

test('reminders carry the booking and reach the extra addresses; customer.timezone and booking fields are checked', async () => {
  const { post, get } = api(stack);
  const resource = await post('/v1/resources', { name: 'Room', timezone: 'Europe/Paris', weekly_schedule: OPEN });
  const service = await post('/v1/services', {
    name: 'Massage', durations_minutes: [30], resource_ids: [resource.body.id],     meeting_url: 'https://meet.example.com/room',
    booking_fields: [{ name: 'pressure', label: 'Pressure', type: 'select', options: ['soft', 'firm'], required: true }],
  });
  const refused = await post('/v1/bookings', {
    service_id: service.body.id, start: parisMorning(3, 11).toISO(), customer: { booking_fields: { pressure: 'hard' } },
  });
  expect(refused.status).toBe(400);
  expect(refused.body.errors).toEqual([{ path: 'customer.booking_fields.pressure', message: 'Pressure: must be one of soft, firm' }]);
  const held = await post('/v1/bookings', { service_id: service.body.id, start: parisMorning(3, 11).toISO() });
  expect(held.status).toBe(201);

  const badZone = await post(`/v1/bookings/${held.body.id}/details`, { name: 'A', email: 'a@example.com', timezone: 'Mars/Base' });
  expect(badZone.status).toBe(400);
  expect(badZone.body.errors[0].path).toBe('timezone');
  const missing = await post(`/v1/bookings/${held.body.id}/details`, { name: 'A', email: 'a@example.com' });
  expect(missing.status).toBe(400);
  expect(missing.body.errors).toEqual([{ path: 'booking_fields.pressure', message: 'Pressure: is required' }]);
  const wrong = await post(`/v1/bookings/${held.body.id}/details`, { name: 'A', email: 'a@example.com', booking_fields: { pressure: 'hard', x: '1' } });
  expect(wrong.body.errors.map((error: { path: string }) => error.path).sort()).toEqual(['booking_fields.pressure', 'booking_fields.x']);
  expect((await get(`/v1/bookings/${held.body.id}`)).body.status).toBe('held');

  const done = await post(`/v1/bookings/${held.body.id}/details`, {
    name: 'Mia', email: 'mia@example.com', timezone: 'Asia/Tokyo', booking_fields: { pressure: 'firm' }, extra_emails: ['partner@example.com'],
  });
  expect(done.body).toMatchObject({
    status: 'confirmed', customer: { timezone: 'Asia/Tokyo' }, booking_fields: { pressure: 'firm' }, extra_emails: ['partner@example.com'],
  });
  // A reminder is the workflow's timer calling this activity (test/integration/reminders-check-in.test.ts);
  // here the activity runs at once, with the worker's dependencies.
  const { createActivities } = await import('../../activities');
  const activities = createActivities({ db: stack.db, mailer: createSmtpMailer(inbox.url, 'b@test.local'), links: { publicUrl: stack.baseUrl, manageTokenSecret: stack.manageTokenSecret } });
  await activities.sendReminder({ bookingId: held.body.id, offsetSeconds: 3600, start: new Date(done.body.start).toISOString() });
  for (const address of ['mia@example.com', 'partner@example.com']) {
    const reminder = (await mailsTo(address, 1)).find((mail) => mail.parsed.subject!.startsWith('Reminder'))!;
    expect(reminder.parsed.text).toContain('This is a reminder of your booking in 1 hour(s).');
    expect(reminder.parsed.text).toContain('Meeting link: https://meet.example.com/room');
    expect(reminder.parsed.text).toContain('Pressure: firm');
    expect(reminder.parsed.text).toContain('(Asia/Tokyo)');
    expect(reminder.parsed.text).toMatch(/\/manage\/mt_/);
    expect(reminder.method).toBe('REQUEST');
  }
}, 60_000);
