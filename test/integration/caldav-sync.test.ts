import { DateTime } from 'luxon';
import { sealCredentials } from '../../calendars/credentials';
import { bookingEventUid } from '../../calendars/provider';
import { updateCalendarConnection } from '../../db/calendar-connections';
import { calendarSyncWorkflowId } from '../../workflows/messages';
import { caldavFixture, plainEvent, type CalDavFixture } from '../stack/caldav-server';
import { ALWAYS_OPEN, createResource, createService } from '../stack/fixtures';
import { call, waitFor } from '../stack/http';
import { startTestStack, type TestStack } from '../stack/test-stack';

let stack: TestStack;
let server: CalDavFixture;
beforeAll(async () => {
  server = caldavFixture();
  stack = await startTestStack('caldav-sync', { outbound: { allowedHosts: server.policy.allowedHosts, allowHttp: true } });
});
afterAll(async () => {
  await stack?.stop();
});

const DAY = DateTime.utc().startOf('day').plus({ days: 4 });
const at = (hour: number, minute = 0) => DAY.set({ hour, minute }).toISO()!;
const stamp = (hour: number) => DAY.set({ hour }).toFormat("yyyyMMdd'T'HHmmss'Z'");
const api = (method: string, route: string, body?: unknown) => call(stack.baseUrl, method, route, { token: stack.apiKey, body });

async function slotStarts(serviceId: string): Promise<string[]> {
  const answer = await api('GET', `/v1/availability?service=${serviceId}&from=${DAY.toISODate()}&to=${DAY.toISODate()}`);
  expect(answer.status).toBe(200);
  return (answer.body.data as { start: string }[]).map((slot) => DateTime.fromISO(slot.start).toUTC().toISO()!);
}

test('a CalDAV calendar connected in its smallest form blocks its events\' time; an edit and a delete count at the next sync; the booking\'s own event is not busy twice', async () => {
  const calendar = await server.newCalendar('Dentist');
  await server.putIcs(calendar, 'school', plainEvent('school-run', stamp(10), stamp(11)));
  const lunch = await server.putIcs(calendar, 'lunch', plainEvent('lunch', stamp(12), stamp(13)));
  const resourceId = await createResource(stack, { name: 'Dr Lee', timezone: 'UTC', weekly_schedule: ALWAYS_OPEN });
  const serviceId = await createService(stack, { durations_minutes: [30], slot_step_minutes: 30, resource_ids: [resourceId] });

  const created = await api('POST', `/v1/resources/${resourceId}/calendars`, {
    type: 'caldav', url: calendar, username: server.credentials.username, password: server.credentials.password,
    blocks: true, receives_bookings: true,
  });
  expect(created.status).toBe(201);
  expect(created.body).toMatchObject({ id: expect.any(String), state: expect.any(String) });
  expect(JSON.stringify(created.body)).not.toContain(server.credentials.password);
  const synced = await api('POST', `/v1/resources/${resourceId}/calendars/${created.body.id}/sync`);
  expect(synced.body).toMatchObject({ state: 'ok', last_error: null, last_synced_at: expect.any(String) });
  const first = await slotStarts(serviceId);
  expect(first).not.toContain(at(10));
  expect(first).not.toContain(at(12, 30));
  expect(first).toContain(at(11));

  await server.putIcs(calendar, 'school', plainEvent('school-run', stamp(15), stamp(16)));
  expect(await server.deleteObject(lunch)).toBe(200);
  await api('POST', `/v1/resources/${resourceId}/calendars/${created.body.id}/sync`);
  const second = await slotStarts(serviceId);
  expect(second).toContain(at(10));
  expect(second).toContain(at(12, 30));
  expect(second).not.toContain(at(15));

  // A confirmed booking lands in the same calendar; the next sync reads it back and does not count it.
  const held = await api('POST', '/v1/bookings', { service_id: serviceId, start: at(8) });
  expect(held.status).toBe(201);
  const details = await api('POST', `/v1/bookings/${held.body.id}/details`, { name: 'Ada Lovelace', email: 'ada@example.com' });
  expect(details.body.status).toBe('confirmed');
  await waitFor(async () => [...(await server.objects(calendar)).values()].some((ics) => ics.includes(`UID:${bookingEventUid(held.body.id)}`)), Boolean);
  await api('POST', `/v1/resources/${resourceId}/calendars/${created.body.id}/sync`);
  const own = await stack.db.selectFrom('external_busy_intervals').select('uid').where('uid', '=', bookingEventUid(held.body.id)).execute();
  expect(own).toEqual([]);
  expect((await api('POST', `/v1/bookings/${held.body.id}/cancel`, { reason: 'test' })).status).toBe(200);
  expect(await slotStarts(serviceId)).toContain(at(8));
});

test('what a CalDAV server holds becomes busy time as it means: a series in another zone with an excluded and a moved occurrence, an all-day event in the resource\'s zone, transparent and cancelled events not at all', async () => {
  const calendar = await server.newCalendar('Mixed');
  const local = (instant: DateTime) => instant.toFormat("yyyyMMdd'T'HHmmss");
  const first = DateTime.now().setZone('America/New_York').plus({ days: 3 }).startOf('day').set({ hour: 9 });
  const series = ['BEGIN:VCALENDAR', 'VERSION:2.0', 'PRODID:-//test//EN',
    'BEGIN:VEVENT', 'UID:standup', 'DTSTAMP:20260101T000000Z', `DTSTART;TZID=America/New_York:${local(first)}`,
    `DTEND;TZID=America/New_York:${local(first.plus({ minutes: 30 }))}`, 'RRULE:FREQ=WEEKLY;COUNT=3',
    `EXDATE;TZID=America/New_York:${local(first.plus({ weeks: 1 }))}`, 'SUMMARY:Standup', 'END:VEVENT',
    'BEGIN:VEVENT', 'UID:standup', 'DTSTAMP:20260101T000000Z', `RECURRENCE-ID;TZID=America/New_York:${local(first.plus({ weeks: 2 }))}`,
    `DTSTART;TZID=America/New_York:${local(first.plus({ weeks: 2, hours: 2 }))}`, `DTEND;TZID=America/New_York:${local(first.plus({ weeks: 2, hours: 2, minutes: 30 }))}`,
    'SUMMARY:Standup, later', 'END:VEVENT', 'END:VCALENDAR', ''].join('\r\n');
  await server.putIcs(calendar, 'standup', series);
  const day = DateTime.now().setZone('Europe/Berlin').plus({ days: 5 }).startOf('day');
  const allDay = (uid: string, extra: string[] = []) => ['BEGIN:VCALENDAR', 'VERSION:2.0', 'PRODID:-//test//EN', 'BEGIN:VEVENT', `UID:${uid}`,
    'DTSTAMP:20260101T000000Z', `DTSTART;VALUE=DATE:${day.toFormat('yyyyMMdd')}`, `DTEND;VALUE=DATE:${day.plus({ days: 1 }).toFormat('yyyyMMdd')}`,
    ...extra, 'END:VEVENT', 'END:VCALENDAR', ''].join('\r\n');
  await server.putIcs(calendar, 'holiday', allDay('holiday'));
  await server.putIcs(calendar, 'free', allDay('free', ['TRANSP:TRANSPARENT']));
  await server.putIcs(calendar, 'off', allDay('off', ['STATUS:CANCELLED']));
  const resourceId = await createResource(stack, { name: 'Dr Berlin', timezone: 'Europe/Berlin', weekly_schedule: ALWAYS_OPEN });
  const serviceId = await createService(stack, { durations_minutes: [30], slot_step_minutes: 30, resource_ids: [resourceId] });
  const created = await api('POST', `/v1/resources/${resourceId}/calendars`, {
    type: 'caldav', url: calendar, username: server.credentials.username, password: server.credentials.password, blocks: true,
  });
  expect(created.status).toBe(201);
  expect((await api('POST', `/v1/resources/${resourceId}/calendars/${created.body.id}/sync`)).body).toMatchObject({ state: 'ok' });

  const rows = await stack.db.selectFrom('external_busy_intervals').select(['uid', 'during'])
    .where('connection_id', '=', created.body.id).orderBy('during').execute();
  const busy = rows.map((row) => {
    const [from, to] = row.during.slice(1, -1).split(',').map((bound) => DateTime.fromSQL(bound.replace(/"/g, '')).toUTC().toISO());
    return { uid: row.uid, from, to };
  });
  const utc = (instant: DateTime) => instant.toUTC().toISO();
  expect(busy).toEqual(expect.arrayContaining([
    { uid: 'standup', from: utc(first), to: utc(first.plus({ minutes: 30 })) },
    { uid: 'standup', from: utc(first.plus({ weeks: 2, hours: 2 })), to: utc(first.plus({ weeks: 2, hours: 2, minutes: 30 })) },
    { uid: 'holiday', from: utc(day), to: utc(day.plus({ days: 1 })) },
  ]));
  expect(busy).toHaveLength(3);

  // The all-day event empties the resource's local day; the day after is open.
  const slotsOn = async (date: DateTime) => (await api('GET', `/v1/availability?service=${serviceId}&from=${date.toISODate()}&to=${date.toISODate()}&timezone=Europe/Berlin`)).body.data as unknown[];
  expect(await slotsOn(day)).toEqual([]);
  expect((await slotsOn(day.plus({ days: 1 }))).length).toBeGreaterThan(0);
});

test('credentials the server stops taking put the connection in auth_failed after one request, looked at again in an hour, with the busy time it had', async () => {
  const calendar = await server.newCalendar('Revoked');
  await server.putIcs(calendar, 'school', plainEvent('school-run', stamp(10), stamp(11)));
  const resourceId = await createResource(stack, { name: 'Dr Revoked', timezone: 'UTC', weekly_schedule: ALWAYS_OPEN });
  const serviceId = await createService(stack, { durations_minutes: [30], slot_step_minutes: 30, resource_ids: [resourceId] });
  const created = await api('POST', `/v1/resources/${resourceId}/calendars`, {
    type: 'caldav', url: calendar, username: server.credentials.username, password: server.credentials.password, blocks: true,
  });
  expect((await api('POST', `/v1/resources/${resourceId}/calendars/${created.body.id}/sync`)).body).toMatchObject({ state: 'ok' });
  // The host revokes the app password on the server: the next sync is refused.
  await updateCalendarConnection(stack.db, stack.organizationId, created.body.id, {
    credentialsSealed: await sealCredentials(stack.db, created.body.id, { username: server.credentials.username, password: 'revoked-app-password' }),
  });
  const refused = await api('POST', `/v1/resources/${resourceId}/calendars/${created.body.id}/sync`);
  expect(refused.body).toMatchObject({ state: 'auth_failed', last_error: expect.stringMatching(/refused the credentials/) });
  expect(refused.body.last_error).not.toContain('revoked-app-password');
  expect(await slotStarts(serviceId)).not.toContain(at(10));

  const handle = stack.temporal.workflow.getHandle(calendarSyncWorkflowId(created.body.id));
  const details = await waitFor(async () => (await handle.query('__temporal_workflow_metadata') as { currentDetails?: string }).currentDetails ?? '',
    (text) => text.includes('state: auth_failed'));
  const nextRun = Date.parse(/next run: (\S+)/.exec(details)![1]!);
  expect(nextRun - Date.now()).toBeGreaterThan(50 * 60 * 1000);
  const events = (await handle.fetchHistory()).events ?? [];
  const attempts = events.flatMap((event) => (event.activityTaskStartedEventAttributes ? [event.activityTaskStartedEventAttributes.attempt ?? 0] : []));
  expect(Math.max(...attempts)).toBe(1);
  // The connection's first sync and the two asked for: nothing retried the refused one.
  expect(attempts.length).toBe(3);
});
