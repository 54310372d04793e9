import { Worker } from '@temporalio/worker';
import { DateTime } from 'luxon';
import { createSmtpMailer } from '../../outbound/mailer';
import { bookingStateQuery } from '../../workflows/messages';
import { createResource, createService, reserve } from '../stack/fixtures';
import { call, waitFor, type ApiResponse } from '../stack/http';
import { startSmtpInbox } from '../stack/smtp-inbox';
import { startTestStack, type TestStack } from '../stack/test-stack';
import { startWebhookReceiver } from '../stack/webhook-receiver';
import { bookingDataConverter } from '../../personal-data/data-converter';

let stack: TestStack;
let inbox: Awaited<ReturnType<typeof startSmtpInbox>>;
let receiver: Awaited<ReturnType<typeof startWebhookReceiver>>;

beforeAll(async () => {
  inbox = await startSmtpInbox();
  receiver = await startWebhookReceiver();
  stack = await startTestStack('reschedule', { outbound: { allowedHosts: ['127.0.0.1'], allowHttp: true }, mailer: createSmtpMailer(inbox.url, 'Bookings <bookings@test.local>') });
});
afterAll(async () => {
  await receiver?.stop();
  await stack?.stop();
  await inbox?.stop();
});

const post = (path: string, body: unknown = {}) => call(stack.baseUrl, 'POST', path, { token: stack.apiKey, body });
const get = (path: string) => call(stack.baseUrl, 'GET', path, { token: stack.apiKey });

/** Starts on a 15-minute grid, 30-minute bookings, on one always-open resource. */
async function quarterHourService(fields: Record<string, unknown> = {}) {
  const resourceId = await createResource(stack);
  const serviceId = await createService(stack, { resource_ids: [resourceId], durations_minutes: [30], slot_step_minutes: 15, ...fields });
  return { resourceId, serviceId };
}

const day = DateTime.utc().startOf('day').plus({ days: 4 });
const at = (hour: number, minute = 0) => day.set({ hour, minute });

async function bookingRow(id: string) {
  return stack.db.selectFrom('bookings').selectAll().where('id', '=', id).executeTakeFirstOrThrow();
}
async function activeAllocations(bookingId: string) {
  return stack.db.selectFrom('allocations').selectAll()
    .where('booking_id', '=', bookingId).where('released_at', 'is', null).execute();
}
async function auditEvents(bookingId: string) {
  return stack.db.selectFrom('booking_events').selectAll().where('booking_id', '=', bookingId).orderBy('id').execute();
}

test('a held booking moves by 15 minutes within its own range, then away; its old time is free again', async () => {
  const { resourceId, serviceId } = await quarterHourService();
  const held = await reserve(stack, { service_id: serviceId, start: at(9).toISO() });
  expect(held.status).toBe(201);

  const nudged = await post(`/v1/bookings/${held.body.id}/reschedule`, { start: at(9, 15).toISO() });
  expect(nudged.status).toBe(200);
  expect(nudged.body.status).toBe('held');
  expect(Date.parse(nudged.body.start)).toBe(at(9, 15).toMillis());

  const moved = await post(`/v1/bookings/${held.body.id}/reschedule`, { start: at(11).toISO(), duration_minutes: 30 });
  expect(moved.status).toBe(200);
  const row = await bookingRow(held.body.id);
  expect(row.start_at.toISOString()).toBe(at(11).toJSDate().toISOString());
  expect(row.end_at.toISOString()).toBe(at(11, 30).toJSDate().toISOString());
  expect(row.status).toBe('held');
  const allocations = await activeAllocations(held.body.id);
  expect(allocations).toHaveLength(1);
  expect(allocations[0].resource_id).toBe(resourceId);

  // The old time is someone else's now; the new one is taken.
  expect((await reserve(stack, { service_id: serviceId, start: at(9).toISO() })).status).toBe(201);
  const clash = await reserve(stack, { service_id: serviceId, start: at(11).toISO() });
  expect(clash.status).toBe(409);

  const events = await get(`/v1/bookings/${held.body.id}/events`);
  expect(events.body.data.map((event: { from: string; to: string }) => [event.from, event.to])).toEqual([
    [null, 'held'], ['held', 'held'], ['held', 'held'],
  ]);
  expect(events.body.data[1].reason).toBe(`rescheduled from ${at(9).toJSDate().toISOString()}`);
});

test('a confirmed booking moves: reminders follow the new start, BookingStart follows, subscribers hear of it', async () => {
  const subscription = await post('/v1/webhooks', {
    url: receiver.url('/hooks'),
    event_types: ['booking.rescheduled', 'booking.reminder_sent'],
  });
  expect(subscription.status).toBe(201);

  // One-minute bookings on a one-minute grid; the old start at least 25 s away.
  const oldStart = DateTime.utc().plus({ seconds: 25 }).startOf('minute').plus({ minutes: 1 });
  const newStart = oldStart.plus({ minutes: 1 });
  // The reminder for the old start would be due in ~10 s; for the new start it is due a minute later.
  const offset = Math.floor((oldStart.toMillis() - Date.now()) / 1000) - 10;
  const resourceId = await createResource(stack);
  const serviceId = await createService(stack, {
    resource_ids: [resourceId], durations_minutes: [1], slot_step_minutes: 1, reminder_offsets_seconds: [offset],
  });
  const held = await reserve(stack, { service_id: serviceId, start: oldStart.toISO() });
  expect(held.status).toBe(201);
  expect((await post(`/v1/bookings/${held.body.id}/details`, { name: 'Ada', email: 'moved@example.com' })).body.status).toBe('confirmed');
  const moved = await post(`/v1/bookings/${held.body.id}/reschedule`, { start: newStart.toISO() });
  expect(moved.status).toBe(200);
  expect(moved.body.status).toBe('confirmed');

  const handle = stack.temporal.workflow.getHandle(held.body.workflow_id);
  const description = await waitFor(() => handle.describe(),
    (described) => (described.searchAttributes.BookingStart as Date[] | undefined)?.[0]?.getTime() === newStart.toMillis());
  expect(description.searchAttributes).toMatchObject({ BookingStatus: ['confirmed'], ResourceIds: [resourceId] });
  const state = await handle.query(bookingStateQuery);
  expect(state.reminders).toEqual([{ at: newStart.minus({ seconds: offset }).toJSDate().toISOString(), offsetSeconds: offset, sent: false }]);

  // The old time is free again, the new one is not.
  expect((await reserve(stack, { service_id: serviceId, start: oldStart.toISO() })).status).toBe(201);
  expect((await reserve(stack, { service_id: serviceId, start: newStart.toISO() })).status).toBe(409);

  // One mail: the new start's, at its time. The old start's came due first and was not sent.
  const mails = () => Promise.resolve(inbox.mails.filter((mail) => mail.to.includes('moved@example.com') && mail.raw.includes('Subject: Reminder')));
  const [mail] = await waitFor(mails, (list) => list.length >= 1, 120_000);
  const due = newStart.toMillis() - offset * 1000;
  expect(mail.receivedAt).toBeGreaterThanOrEqual(due);
  expect(mail.receivedAt - due).toBeLessThan(5_000);
  expect(await mails()).toHaveLength(1);
  const notifications = await get(`/v1/bookings/${held.body.id}/notifications`);
  expect(notifications.body.data.filter((n: { kind: string }) => n.kind === 'reminder')).toHaveLength(1);

  const events = await waitFor(async () => receiver.verified(subscription.body.secret), (list) => list.length >= 2);
  const byType = Object.fromEntries(events.map((event) => [event.type, event]));
  expect(byType['booking.rescheduled'].data).toMatchObject({ id: held.body.id, status: 'confirmed' });
  expect(Date.parse(byType['booking.rescheduled'].data.start)).toBe(newStart.toMillis());
  expect(byType['booking.reminder_sent'].data).toMatchObject({ id: held.body.id });
  expect(Date.parse(byType['booking.reminder_sent'].data.start)).toBe(newStart.toMillis());

  // The history with a reschedule and an announced reminder replays against the current code.
  await Worker.runReplayHistory({ workflowsPath: require.resolve('../../workflows'), dataConverter: bookingDataConverter(stack.db) }, await handle.fetchHistory());
}, 180_000);

test('a time that is taken is a 409 with the refusal code; the booking keeps its time', async () => {
  const { serviceId } = await quarterHourService();
  const mine = await reserve(stack, { service_id: serviceId, start: at(13).toISO() });
  const theirs = await reserve(stack, { service_id: serviceId, start: at(14).toISO() });
  expect([mine.status, theirs.status]).toEqual([201, 201]);
  const before = { row: await bookingRow(mine.body.id), allocations: await activeAllocations(mine.body.id), events: await auditEvents(mine.body.id) };

  const refused = await post(`/v1/bookings/${mine.body.id}/reschedule`, { start: at(14, 15).toISO() });
  expect(refused.status).toBe(409);
  expect(refused.contentType).toContain('application/problem+json');
  expect(['no_resource_free', 'slot_taken']).toContain(refused.body.code);
  expect(refused.body.detail).toEqual(expect.any(String));

  expect(await bookingRow(mine.body.id)).toEqual(before.row);
  expect(await activeAllocations(mine.body.id)).toEqual(before.allocations);
  expect(await auditEvents(mine.body.id)).toEqual(before.events);
  // The workflow still knows the old time, and the booking still moves elsewhere.
  const state = await stack.temporal.workflow.getHandle(mine.body.workflow_id).query(bookingStateQuery);
  expect(state.booking!.start).toBe(at(13).toJSDate().toISOString());
  expect((await post(`/v1/bookings/${mine.body.id}/reschedule`, { start: at(15).toISO() })).status).toBe(200);
});

test.each([1, 2, 3])('customers race for the same free time (round %i): exactly one moves, the others keep their bookings', async () => {
  const { resourceId, serviceId } = await quarterHourService();
  const origins = [at(1), at(2), at(3), at(4)];
  const target = at(5);
  const bookings = await Promise.all(origins.map((start) => reserve(stack, { service_id: serviceId, start: start.toISO() })));
  expect(bookings.map((booking) => booking.status)).toEqual([201, 201, 201, 201]);
  // Each customer with their own manage token, all at once.
  const moves = await Promise.all(bookings.map((booking) => call(stack.baseUrl, 'POST', `/v1/bookings/${booking.body.id}/reschedule`, {
    token: booking.body.manage_token, body: { start: target.toISO() },
  })));
  expect(moves.map((move) => move.status).sort()).toEqual([200, 409, 409, 409]);
  for (const refused of moves.filter((move) => move.status === 409)) {
    expect(refused.contentType).toContain('application/problem+json');
    expect(['no_resource_free', 'slot_taken']).toContain(refused.body.code);
  }
  const winner = moves.findIndex((move) => move.status === 200);

  const expected = Object.fromEntries(bookings.map((booking, index) => [
    booking.body.id, (index === winner ? target : origins[index]).toJSDate().toISOString(),
  ]));
  const rows = await stack.db.selectFrom('bookings').select(['id', 'start_at']).where('service_id', '=', serviceId).execute();
  expect(Object.fromEntries(rows.map((row) => [row.id, row.start_at.toISOString()]))).toEqual(expected);
  // One active allocation per booking, at the booking's start: the losers still hold their old times.
  const active = await stack.db.selectFrom('allocations')
    .select((eb) => ['booking_id', eb.fn<Date>('lower', ['during']).as('start')])
    .where('resource_id', '=', resourceId).where('released_at', 'is', null).execute();
  expect(Object.fromEntries(active.map((row) => [row.booking_id, row.start.toISOString()]))).toEqual(expected);
  expect(active).toHaveLength(4);
  // The winner's old time is free for anyone.
  expect((await reserve(stack, { service_id: serviceId, start: origins[winner].toISO() })).status).toBe(201);
});

describe('bad input for a reschedule: 400 naming the field, nothing written', () => {
  let booking: ApiResponse;
  let serviceId: string;
  beforeAll(async () => {
    ({ serviceId } = await quarterHourService());
    booking = await reserve(stack, { service_id: serviceId, start: at(20).toISO() });
  });

  test.each([
    ['start', {}, /start/],
    ['start', { start: '2026-12-01T09:00:00' }, /offset/],
    ['start', { start: 'tomorrow' }, /ISO 8601/],
    ['end', { start: at(21).toISO(), end: at(20).toISO() }, /after start/],
    ['duration_minutes', { start: at(21).toISO(), duration_minutes: 45 }, /durations of 30/],
    ['duration_minutes', { start: at(21).toISO(), duration_minutes: 'long' }, /number/],
    ['resource_ids.0', { start: at(21).toISO(), resource_ids: ['00000000-0000-4000-8000-000000000000'] }, /does not provide/],
    // An unknown field is named by its own path, as for reservations.
    ['colour', { start: at(21).toISO(), colour: 'blue' }, /colour: is not a field/],
  ])('%s: %j', async (field, body, detail) => {
    const before = { row: await bookingRow(booking.body.id), events: await auditEvents(booking.body.id) };
    const response = await post(`/v1/bookings/${booking.body.id}/reschedule`, body);
    expect(response.status).toBe(400);
    expect(response.contentType).toContain('application/problem+json');
    expect(response.body).toMatchObject({ status: 400, code: 'invalid_input' });
    expect(response.body.errors.map((error: { path: string }) => error.path)).toContain(field);
    expect(response.body.detail).toMatch(detail);
    expect(await bookingRow(booking.body.id)).toEqual(before.row);
    expect(await auditEvents(booking.body.id)).toEqual(before.events);
  });

  test('a booking that has ended cannot move: 409 with its status', async () => {
    const cancelled = await reserve(stack, { service_id: serviceId, start: at(22).toISO() });
    await post(`/v1/bookings/${cancelled.body.id}/cancel`);
    const response = await post(`/v1/bookings/${cancelled.body.id}/reschedule`, { start: at(23).toISO() });
    expect(response.status).toBe(409);
    expect(response.body).toMatchObject({ code: 'invalid_transition', current_status: 'cancelled' });
  });
});

test('a group appointment booking moves with its spaces: the old slot gets its seats back, the others stay', async () => {
  const { serviceId } = await quarterHourService({ seats_per_slot: 3 });
  const staying = await reserve(stack, { service_id: serviceId, start: at(6).toISO(), spaces: 2 });
  const moving = await reserve(stack, { service_id: serviceId, start: at(6).toISO(), spaces: 1 });
  expect([staying.status, moving.status]).toEqual([201, 201]);

  expect((await post(`/v1/bookings/${moving.body.id}/reschedule`, { start: at(7).toISO() })).status).toBe(200);
  const seats = await stack.db.selectFrom('group_slots').select(['start_at', 'spaces_taken'])
    .where('service_id', '=', serviceId).orderBy('start_at').execute();
  expect(seats.map((slot) => [slot.start_at.toISOString(), slot.spaces_taken])).toEqual([
    [at(6).toJSDate().toISOString(), 2],
    [at(7).toJSDate().toISOString(), 1],
  ]);
  expect((await bookingRow(staying.body.id)).start_at.toISOString()).toBe(at(6).toJSDate().toISOString());
  // The seat it left is free again: a booking of one space fits the 06:00 slot once more, two do not.
  expect((await reserve(stack, { service_id: serviceId, start: at(6).toISO(), spaces: 2 })).status).toBe(409);
  expect((await reserve(stack, { service_id: serviceId, start: at(6).toISO(), spaces: 1 })).status).toBe(201);
});
