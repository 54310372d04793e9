import type { AddressInfo } from 'node:net';
import net from 'node:net';
import { DateTime } from 'luxon';
import { createSmtpMailer } from '../../outbound/mailer';
import { drainQueuedMail } from '../../bookings/mail-outbox';
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
    post: (route: string, body: unknown = {}, headers?: Record<string, string>) => call(target.baseUrl, 'POST', route, { token: target.apiKey, body, headers }),
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

/** A calendar file as a calendar app downloads it, and its SEQUENCE. */
async function sequenceOf(url: string, token?: string): Promise<number> {
  const response = await fetch(url, { headers: token ? { authorization: `Bearer ${token}` } : {} });
  expect(response.status).toBe(200);
  return Number(/^SEQUENCE:(\d+)/m.exec(await response.text())![1]);
}

async function mailsTo(address: string, count: number): Promise<ReadMail[]> {
  const received = await waitFor(async () => inbox.mails.filter((mail) => mail.to.includes(address)), (mails) => mails.length >= count);
  return Promise.all(received.map(readMail));
}

test('each step e-mails the customer in their zone with an .ics whose SEQUENCE grows; the host hears of new, moved and cancelled bookings; an operator resends one', async () => {
  const { post, get } = api(stack);
  const customer = { name: 'Ada Lovelace', email: 'ada@example.com', timezone: 'America/New_York' };
  const { booking, start } = await approvalBooking(stack, customer);
  expect((await post(`/v1/bookings/${booking.id}/confirm`)).body.status).toBe('confirmed');
  const later = start.plus({ hours: 2 });
  expect((await post(`/v1/bookings/${booking.id}/reschedule`, { start: later.toISO() })).status).toBe(200);
  expect((await post(`/v1/bookings/${booking.id}/cancel`, { reason: 'plans changed' })).status).toBe(200);

  const mails = await mailsTo('ada@example.com', 4);
  // Every subject carries the date, in the reader's zone.
  const dated = (instant: DateTime, zone: string) => instant.setZone(zone).toFormat('ccc d LLL yyyy, HH:mm');
  expect(mails.map((mail) => mail.parsed.subject)).toEqual([
    `Booking received: Consultation, ${dated(start, 'America/New_York')}`, `Booking confirmed: Consultation, ${dated(start, 'America/New_York')}`,
    `Booking rescheduled: Consultation, ${dated(later, 'America/New_York')}`, `Booking cancelled: Consultation, ${dated(later, 'America/New_York')}`,
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

  // The host hears of the new booking, of its move (their invitation moves: same UID, higher
  // SEQUENCE) and of its cancellation.
  const host = await mailsTo('lee@clinic.test', 3);
  expect(host.map((mail) => mail.parsed.subject)).toEqual([
    `New booking: Consultation, ${dated(start, 'Europe/Paris')} · Ada Lovelace`,
    `Booking moved: Consultation, ${dated(later, 'Europe/Paris')} · Ada Lovelace`,
    `Booking cancelled: Consultation, ${dated(later, 'Europe/Paris')} · Ada Lovelace`,
  ]);
  expect(host[0].parsed.text).toContain('Customer: Ada Lovelace <ada@example.com>');
  // The host reads the time in the resource's zone.
  expect(host[0].event!.start.tz).toBe('Europe/Paris');
  expect(host[1].parsed.text).toContain(`has moved from ${start.setZone('Europe/Paris').toFormat('cccc d LLLL yyyy, HH:mm')}`);
  expect(host[1].method).toBe('REQUEST');
  expect(host[1].event!.uid).toBe(host[0].event!.uid);
  expect(host[1].event!.start.getTime()).toBe(later.toMillis());
  const hostSequences = host.map((mail) => Number(/^SEQUENCE:(\d+)/m.exec(mail.ics!)![1]));
  expect(hostSequences[1]).toBeGreaterThan(hostSequences[0]);
  expect(host[2].parsed.text).toContain('was cancelled by the business. Reason: plans changed');

  // One revision for every calendar file of the booking: the last e-mail's, the API's and the manage page's.
  const apiSequence = await sequenceOf(`${stack.baseUrl}/v1/bookings/${booking.id}/ics`, stack.apiKey);
  expect(apiSequence).toBe(sequences[3]);
  expect(await sequenceOf(`${stack.baseUrl}/manage/${booking.manage_token}/booking.ics`)).toBe(apiSequence);
  expect((await get(`/v1/bookings/${booking.id}`)).body.revision).toBe(apiSequence);

  const notifications = (await get(`/v1/bookings/${booking.id}/notifications`)).body.data;
  expect(notifications).toHaveLength(7);
  for (const notification of notifications) {
    expect(notification).toMatchObject({ channel: 'email', status: 'sent', error: null });
    expect(notification.message_id).toMatch(/^<.+@.+>$/);
  }
  expect(notifications.map((notification: { message_id: string }) => notification.message_id).sort())
    .toEqual([...mails, ...host].map((mail) => mail.parsed.messageId).sort());

  // An operator resends one: the stored message as rendered, with a new message id.
  const first = notifications.find((notification: { kind: string }) => notification.kind === 'received');
  const resent = await post(`/v1/bookings/${booking.id}/notifications/${first.id}/resend`);
  expect(resent.status).toBe(200);
  expect(resent.body).toMatchObject({ id: first.id, status: 'sent', channel: 'email' });
  expect(resent.body.message_id).not.toBe(first.message_id);
  const again = await mailsTo('ada@example.com', 5);
  expect(again[4].parsed.messageId).toBe(resent.body.message_id);
  expect(again[4].parsed.subject).toBe(mails[0].parsed.subject);
  expect(again[4].parsed.text).toBe(mails[0].parsed.text);
  expect(again[4].ics).toBe(mails[0].ics);
  const unknown = await post(`/v1/bookings/${booking.id}/notifications/00000000-0000-4000-8000-000000000000/resend`);
  expect(unknown.status).toBe(404);
}, 120_000);

test('the actor is phrased for each reader, and the mails follow the language the booking was made in', async () => {
  const { post } = api(stack);
  const resource = await post('/v1/resources', { name: 'Dr Roy', timezone: 'Europe/Paris', weekly_schedule: OPEN, email: 'roy@clinic.test' });
  const service = await post('/v1/services', { name: 'Bilan', durations_minutes: [30], resource_ids: [resource.body.id] });
  const book = async (email: string, hour: number, extra: { body?: Record<string, unknown>; headers?: Record<string, string> }) => {
    const held = await post('/v1/bookings', {
      service_id: service.body.id, start: parisMorning(4, hour).toISO(), customer: { name: 'Zoé', email }, ...extra.body,
    }, extra.headers);
    expect(held.status).toBe(201);
    expect((await post(`/v1/bookings/${held.body.id}/details`, { name: 'Zoé', email })).body.status).toBe('confirmed');
    // The customer cancels with their own key.
    const cancelled = await call(stack.baseUrl, 'POST', `/v1/bookings/${held.body.id}/cancel`, { token: held.body.manage_token, body: {} });
    expect(cancelled.body.status).toBe('cancelled');
    return held.body;
  };
  await book('zoe@example.com', 10, {});
  const customer = (await mailsTo('zoe@example.com', 2)).find((mail) => mail.parsed.subject!.startsWith('Booking cancelled'))!;
  expect(customer.parsed.text).toContain('Your booking was cancelled by you.');
  const host = await waitFor(async () => (await Promise.all(inbox.mails.filter((mail) => mail.to.includes('roy@clinic.test')).map(readMail)))
    .filter((mail) => mail.parsed.subject!.startsWith('Booking cancelled')), (found) => found.length === 1);
  expect(host[0].parsed.text).toContain('was cancelled by the customer.');
  expect(host[0].parsed.text).not.toContain('by you');

  // Booked with a French Accept-Language (the API's `locale` field says the same explicitly).
  const french = await book('lea@example.com', 11, { headers: { 'accept-language': 'fr-FR,fr;q=0.9,en;q=0.5' } });
  expect([french.locale, (await api(stack).get(`/v1/bookings/${french.id}`)).body.locale]).toEqual(['fr', 'fr']);
  const frenchMails = await mailsTo('lea@example.com', 2);
  expect(frenchMails[0].parsed.subject).toMatch(/^Réservation confirmée: Bilan, /);
  expect(frenchMails[1].parsed.text).toContain('Votre réservation a été annulée par vous.');
  expect(frenchMails[1].parsed.html).toContain('<html lang="fr">');
  const explicit = await book('eve@example.com', 12, { body: { locale: 'fr' }, headers: { 'accept-language': 'en' } });
  expect((await mailsTo('eve@example.com', 1))[0].parsed.subject).toMatch(/^Réservation confirmée/);
  expect(explicit.locale).toBe('fr');
  const refused = await post('/v1/bookings', { service_id: service.body.id, start: parisMorning(4, 13).toISO(), locale: 'xx' });
  expect(refused.status).toBe(400);
  expect(refused.body.errors[0].path).toBe('locale');

  // Anonymized: the stored messages go with the booking's key, so nothing can be resent.
  expect((await post(`/v1/bookings/${french.id}/anonymize`)).status).toBe(200);
  const rows = (await api(stack).get(`/v1/bookings/${french.id}/notifications`)).body.data;
  const refusedResend = await post(`/v1/bookings/${french.id}/notifications/${rows[0].id}/resend`);
  expect(refusedResend.status).toBe(409);
  expect(refusedResend.body.code).toBe('message_not_stored');
  const stored = await stack.db.selectFrom('notifications').select('sealed_message').where('booking_id', '=', french.id).execute();
  expect(stored.every((row) => row.sealed_message === null)).toBe(true);
  expect(explicit.id).toBeTruthy();
}, 120_000);

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
    // The whole message is kept, sealed: readable only with the booking's key.
    const stored = await quiet.db.selectFrom('notifications').select(['sealed_message', 'body']).where('booking_id', '=', queued.booking.id).execute();
    for (const row of stored) {
      expect(row.sealed_message).toBeTruthy();
      expect(row.sealed_message).not.toContain('Back pain');
      expect(row.body).toBe('');
    }
    // An operator's resend needs a mailer.
    const off = await api(quiet).post(`/v1/bookings/${queued.booking.id}/notifications/${(rows[0] as unknown as { id: string }).id}/resend`);
    expect(off.status).toBe(409);
    expect(off.body.code).toBe('mail_off');

    // A mailer appears (the worker's drain at start): what was queued goes out, whole.
    const drained = await drainQueuedMail(quiet.db, createSmtpMailer(inbox.url, 'b@test.local'), new Date());
    expect(drained).toEqual({ sent: 2, failed: 0 });
    const [late] = await mailsTo('q@example.com', 1);
    expect(late.parsed.subject).toMatch(/^Booking received: Consultation, /);
    expect(late.parsed.text).toContain('Topic: Back pain');
    expect(late.event!.start.getTime()).toBe(queued.start.toMillis());
    const after = (await api(quiet).get(`/v1/bookings/${queued.booking.id}/notifications`)).body.data;
    for (const row of after) expect(row).toMatchObject({ channel: 'email', status: 'sent' });
    // A second drain finds nothing; one with a shorter age limit leaves old mail queued.
    expect(await drainQueuedMail(quiet.db, createSmtpMailer(inbox.url, 'b@test.local'), new Date())).toEqual({ sent: 0, failed: 0 });
    const old = await approvalBooking(quiet, { name: 'O', email: 'o@example.com' });
    await waitFor(async () => (await api(quiet).get(`/v1/bookings/${old.booking.id}/notifications`)).body.data.length, (count) => count >= 2);
    expect(await drainQueuedMail(quiet.db, createSmtpMailer(inbox.url, 'b@test.local'), new Date(Date.now() + 2 * 3_600_000), { maxAgeHours: 1 }))
      .toEqual({ sent: 0, failed: 0 });

    const failing = await approvalBooking(broken, { name: 'F', email: 'f@example.com' });
    const failed = await waitFor(async () => (await api(broken).get(`/v1/bookings/${failing.booking.id}/notifications`)).body.data,
      (data: { status: string; error: string | null }[]) => data.length > 0 && data.every((row) => row.status === 'failed'));
    expect(failed[0]).toMatchObject({ channel: 'email', status: 'failed', sent_at: null });
    expect(failed[0].error).toMatch(/ECONNREFUSED/);
  } finally {
    await quiet.stop();
    await broken.stop();
  }
}, 120_000);

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
    expect(reminder.parsed.text).toContain('This is a reminder of your booking in 1 hour.');
    expect(reminder.parsed.html).toContain('<a href="https://meet.example.com/room">https://meet.example.com/room</a>');
    expect(reminder.parsed.text).toContain('Meeting link: https://meet.example.com/room');
    expect(reminder.parsed.text).toContain('Pressure: firm');
    expect(reminder.parsed.text).toContain('(Asia/Tokyo)');
    expect(reminder.parsed.text).toMatch(/\/manage\/mt_/);
    expect(reminder.method).toBe('REQUEST');
  }
}, 60_000);
