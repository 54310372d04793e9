import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { DateTime } from 'luxon';
import { insertCalendarConnection, updateCalendarConnection } from '../../db/calendar-connections';
import { sealCredentials } from '../../calendars/credentials';
import { bookingEventUid, type CalendarCredentials } from '../../calendars/provider';
import { webhookDeliveryWorkflowId } from '../../workflows/messages';
import { startRadicale, type RadicaleServer } from '../../scripts/stack/radicale';
import { caldavFixture, type CalDavFixture } from '../stack/caldav-server';
import { sendsOf } from '../stack/delivery-history';
import { createResource, createService } from '../stack/fixtures';
import { call, waitFor } from '../stack/http';
import { startTestStack, type TestStack } from '../stack/test-stack';

let stack: TestStack;
let server: CalDavFixture;
beforeAll(async () => {
  server = caldavFixture();
  stack = await startTestStack('caldav-write-back', { outbound: { allowedHosts: ['127.0.0.1'], allowHttp: true } });
});
afterAll(async () => {
  await stack?.stop();
});

const post = (route: string, body: unknown = {}) => call(stack.baseUrl, 'POST', route, { token: stack.apiKey, body });

/** A resource whose CalDAV connection receives its bookings in `calendarUrl`. */
async function receivingResource(calendarUrl: string, credentials: CalendarCredentials) {
  const resourceId = await createResource(stack, { name: 'Dr Lee', timezone: 'Europe/Paris' });
  const serviceId = await createService(stack, {
    name: 'Consultation about {{topic}}', resource_ids: [resourceId], requires_approval: true,
    location: 'Room {{room}}',
    booking_fields: [{ name: 'topic', label: 'Topic', type: 'text', required: true }, { name: 'room', label: 'Room', type: 'text', required: false }],
  });
  const connection = await insertCalendarConnection(stack.db, {
    organizationId: stack.organizationId, resourceId, type: 'caldav', url: calendarUrl,
    calendars: [{ url: calendarUrl, display_name: 'Bookings', blocks: false, receives: true }],
  });
  await updateCalendarConnection(stack.db, stack.organizationId, connection.id, {
    credentialsSealed: await sealCredentials(stack.db, connection.id, credentials),
  });
  return { resourceId, serviceId, connectionId: connection.id };
}

/** A pending booking a few weeks ahead, 10:00 in Paris. */
async function pendingBooking(serviceId: string, weeks: number) {
  const start = DateTime.now().setZone('Europe/Paris').plus({ weeks }).set({ weekday: 3, hour: 10, minute: 0, second: 0, millisecond: 0 });
  const held = await post('/v1/bookings', { service_id: serviceId, start: start.toISO() });
  expect(held.status).toBe(201);
  const details = await post(`/v1/bookings/${held.body.id}/details`, {
    name: 'Ada Lovelace', email: 'ada@example.com', booking_fields: { topic: 'back pain', room: '4' },
  });
  expect(details.body.status).toBe('pending_approval');
  return { id: held.body.id as string, start };
}

function eventOf(objects: Map<string, string>, bookingId: string): string[] {
  return [...objects.values()].filter((ics) => ics.includes(`UID:${bookingEventUid(bookingId)}`));
}

async function deliveryOf(bookingId: string, type: string) {
  const event = await waitFor(
    () => stack.db.selectFrom('webhook_events').select('id').where('booking_id', '=', bookingId).where('type', '=', type as never).executeTakeFirst(),
    Boolean,
  );
  return stack.temporal.workflow.getHandle(webhookDeliveryWorkflowId(event!.id));
}

test('a confirmed booking\'s event is created in the receiving calendar, moved on reschedule and deleted on cancellation', async () => {
  const calendar = await server.newCalendar('Receives');
  const { serviceId } = await receivingResource(calendar, server.credentials);
  const booking = await pendingBooking(serviceId, 3);
  expect(await server.objects(calendar)).toEqual(new Map());

  expect((await post(`/v1/bookings/${booking.id}/confirm`)).body.status).toBe('confirmed');
  const [created] = await waitFor(async () => eventOf(await server.objects(calendar), booking.id), (found) => found.length === 1);
  expect(created).toMatch(/^SUMMARY:Consultation about back pain\r?$/m);
  expect(created).toMatch(/^LOCATION:Room 4\r?$/m);
  expect(created).toContain('Topic: back pain');
  expect(created).toContain('DTSTART;TZID=Europe/Paris:' + booking.start.toFormat("yyyyMMdd'T'HHmmss"));
  expect(created).not.toMatch(/^METHOD:|^ATTENDEE|^ORGANIZER/m);
  const firstSequence = Number(/SEQUENCE:(\d+)/.exec(created!)![1]);

  const later = booking.start.plus({ hours: 2 });
  expect((await post(`/v1/bookings/${booking.id}/reschedule`, { start: later.toISO() })).status).toBe(200);
  const [moved] = await waitFor(
    async () => eventOf(await server.objects(calendar), booking.id),
    (found) => found.length === 1 && found[0]!.includes(`DTSTART;TZID=Europe/Paris:${later.toFormat("yyyyMMdd'T'HHmmss")}`),
  );
  expect(Number(/SEQUENCE:(\d+)/.exec(moved!)![1])).toBeGreaterThan(firstSequence);
  expect((await server.objects(calendar)).size).toBe(1);

  expect((await post(`/v1/bookings/${booking.id}/cancel`, { reason: 'plans changed' })).status).toBe(200);
  await waitFor(() => server.objects(calendar), (objects) => objects.size === 0);
  const [row] = await stack.db.selectFrom('calendar_booking_events').selectAll().where('booking_id', '=', booking.id).execute();
  expect(row).toMatchObject({ state: 'deleted', href: null });
});

test('an anonymized booking\'s event leaves the receiving calendar, though no e-mail, subscription or callback wants the event', async () => {
  const calendar = await server.newCalendar('Anonymized');
  const { serviceId } = await receivingResource(calendar, server.credentials);
  const booking = await pendingBooking(serviceId, 6);
  expect((await post(`/v1/bookings/${booking.id}/confirm`)).body.status).toBe('confirmed');
  await waitFor(async () => eventOf(await server.objects(calendar), booking.id), (found) => found.length === 1);
  // the confirmation's plan: the customer's e-mail and the calendar, no webhook target in this organization
  expect((await sendsOf(await deliveryOf(booking.id, 'booking.confirmed'))).sort())
    .toEqual(['sendBookingMails (first attempt)', 'writeBookingToCalendars (first attempt)']);

  expect((await post(`/v1/bookings/${booking.id}/anonymize`)).status).toBe(200);
  await waitFor(() => server.objects(calendar), (objects) => objects.size === 0);
  expect(await sendsOf(await deliveryOf(booking.id, 'booking.anonymized'))).toEqual(['writeBookingToCalendars (first attempt)']);
});

test('an event no calendar, e-mail, subscription or callback wants starts no delivery', async () => {
  const calendar = await server.newCalendar('Not receiving');
  const { serviceId, connectionId } = await receivingResource(calendar, server.credentials);
  await updateCalendarConnection(stack.db, stack.organizationId, connectionId, {
    calendars: [{ url: calendar, display_name: 'Bookings', blocks: false, receives: false }],
  });
  const booking = await pendingBooking(serviceId, 7);
  expect((await post(`/v1/bookings/${booking.id}/anonymize`)).status).toBe(200);
  const event = await stack.db.selectFrom('webhook_events').select(['id', 'delivery']).where('booking_id', '=', booking.id)
    .where('type', '=', 'booking.anonymized').executeTakeFirstOrThrow();
  expect(event.delivery).toEqual({ mails: false, calendars: false, targets: [] });
  await expect(stack.temporal.workflow.getHandle(webhookDeliveryWorkflowId(event.id)).describe()).rejects.toMatchObject({ name: 'WorkflowNotFoundError' });
});

describe('a receiving server that is down or refuses', () => {
  let own: RadicaleServer;
  let ownFixture: CalDavFixture;
  beforeAll(async () => {
    own = await startRadicale({ dir: fs.mkdtempSync(path.join(os.tmpdir(), 'radicale-outage-')) });
    ownFixture = caldavFixture({ url: own.url, username: own.username, password: own.password });
  });
  afterAll(async () => {
    await own?.stop();
    if (own) fs.rmSync(path.dirname(own.storageDir), { recursive: true, force: true });
  });

  test('gets the confirmation\'s event once it is back, exactly once', async () => {
    const calendar = await ownFixture.newCalendar('Outage');
    const { serviceId } = await receivingResource(calendar, ownFixture.credentials);
    const booking = await pendingBooking(serviceId, 4);
    await own.stop();

    expect((await post(`/v1/bookings/${booking.id}/confirm`)).body.status).toBe('confirmed');
    const delivery = await deliveryOf(booking.id, 'booking.confirmed');
    // the write has failed at least twice against the stopped server
    await waitFor(async () => {
      const { raw } = await delivery.describe();
      return (raw.pendingActivities ?? []).find((activity) => activity.activityType?.name === 'writeBookingToCalendars')?.attempt ?? 0;
    }, (attempt) => attempt >= 3);

    own = await startRadicale({ dir: path.dirname(own.storageDir), port: own.port, storageDir: own.storageDir, username: own.username, password: own.password });
    await delivery.result();
    const found = eventOf(await ownFixture.objects(calendar), booking.id);
    expect(found).toHaveLength(1);
    expect((await ownFixture.objects(calendar)).size).toBe(1);
  });

  test('with refused credentials the connection is auth_failed after one attempt, and nothing is written', async () => {
    const calendar = await ownFixture.newCalendar('Refused');
    const { serviceId, connectionId } = await receivingResource(calendar, { username: own.username, password: 'wrong' });
    const booking = await pendingBooking(serviceId, 5);
    expect((await post(`/v1/bookings/${booking.id}/confirm`)).body.status).toBe('confirmed');
    const delivery = await deliveryOf(booking.id, 'booking.confirmed');
    await delivery.result();

    const connection = await stack.db.selectFrom('calendar_connections').select(['state', 'last_error']).where('id', '=', connectionId).executeTakeFirstOrThrow();
    expect(connection.state).toBe('auth_failed');
    expect(connection.last_error).not.toContain('wrong');
    // one attempt, in the worker: refused credentials are not tried again
    expect((await sendsOf(delivery)).filter((send) => send.startsWith('writeBookingToCalendars'))).toEqual(['writeBookingToCalendars (first attempt)']);
    expect((await ownFixture.objects(calendar)).size).toBe(0);
  });
});
