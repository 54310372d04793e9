import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { DateTime } from 'luxon';
import { sql } from 'kysely';
import { bookingWorkflowId, calendarSyncWorkflowId } from '../../workflows/messages';
import { ALWAYS_OPEN, createResource, createService, reserve } from '../stack/fixtures';
import { call, waitFor } from '../stack/http';
import { startTestStack, type TestStack } from '../stack/test-stack';

/** A feed served by the test itself, as a host's calendar app publishes one; each path's text can change. */
const feeds = new Map<string, string>();
let feedServer: Server;
let feedBase: string;
let stack: TestStack;

beforeAll(async () => {
  feedServer = createServer((req, res) => {
    const body = feeds.get(req.url ?? '');
    if (body === undefined) {
      res.statusCode = 404;
      res.end();
      return;
    }
    res.setHeader('content-type', 'text/calendar');
    res.end(body);
  });
  await new Promise<void>((resolve) => feedServer.listen(0, '127.0.0.1', resolve));
  const port = (feedServer.address() as AddressInfo).port;
  feedBase = `http://127.0.0.1:${port}`;
  // Loopback is internal: only this one host and port is let through, as an operator would.
  stack = await startTestStack('calendar-connections', { outbound: { allowedHosts: [`127.0.0.1:${port}`], allowHttp: true } });
});
afterAll(async () => {
  await stack?.stop();
  await new Promise((resolve) => feedServer?.close(resolve));
});

const DAY = DateTime.utc().startOf('day').plus({ days: 3 });
const at = (hour: number, minute = 0) => DAY.set({ hour, minute }).toISO()!;
const stamp = (hour: number) => DAY.set({ hour }).toFormat("yyyyMMdd'T'HHmmss'Z'");

function feed(...events: { uid: string; from: number; to: number; extra?: string[] }[]): string {
  return ['BEGIN:VCALENDAR', 'VERSION:2.0', 'PRODID:-//test//EN',
    ...events.flatMap((event) => ['BEGIN:VEVENT', `UID:${event.uid}`, 'DTSTAMP:20260101T000000Z',
      `DTSTART:${stamp(event.from)}`, `DTEND:${stamp(event.to)}`, ...(event.extra ?? []), 'END:VEVENT']),
    'END:VCALENDAR'].join('\r\n');
}

async function bookable() {
  const resourceId = await createResource(stack, { name: 'Dr Who', timezone: 'UTC', weekly_schedule: ALWAYS_OPEN });
  const serviceId = await createService(stack, { durations_minutes: [30], slot_step_minutes: 30, resource_ids: [resourceId] });
  return { resourceId, serviceId };
}

async function slotStarts(serviceId: string): Promise<string[]> {
  const answer = await call(stack.baseUrl, 'GET', `/v1/availability?service=${serviceId}&from=${DAY.toISODate()}&to=${DAY.toISODate()}`, { token: stack.apiKey });
  expect(answer.status).toBe(200);
  return (answer.body.data as { start: string }[]).map((slot) => DateTime.fromISO(slot.start).toUTC().toISO()!);
}

async function connect(resourceId: string, body: Record<string, unknown>) {
  return call(stack.baseUrl, 'POST', `/v1/resources/${resourceId}/calendars`, { token: stack.apiKey, body });
}

async function syncNow(resourceId: string, connectionId: string) {
  const answer = await call(stack.baseUrl, 'POST', `/v1/resources/${resourceId}/calendars/${connectionId}/sync`, { token: stack.apiKey });
  expect(answer.status).toBe(200);
  return answer.body;
}

describe('an ICS feed connection', () => {
  test('its busy time blocks the slots shown and the holds placed alike; an edit and a delete count at the next sync', async () => {
    const { resourceId, serviceId } = await bookable();
    feeds.set('/a.ics', feed({ uid: 'school-run', from: 10, to: 11 }, { uid: 'free', from: 12, to: 13, extra: ['TRANSP:TRANSPARENT'] }));
    const created = await connect(resourceId, { type: 'ics', url: `${feedBase}/a.ics` });
    expect(created.status).toBe(201);
    expect(created.body).toMatchObject({ id: expect.any(String), state: expect.any(String), last_synced_at: null, type: 'ics' });

    const synced = await syncNow(resourceId, created.body.id);
    expect(synced).toMatchObject({ state: 'ok', last_error: null, last_synced_at: expect.any(String) });
    const starts = await slotStarts(serviceId);
    expect(starts).toContain(at(9, 30));
    expect(starts).not.toContain(at(10));
    expect(starts).not.toContain(at(10, 30));
    expect(starts).toContain(at(11));
    expect(starts).toContain(at(12));
    // The engine that listed the slots refuses the hold, and takes the one next to it.
    expect((await reserve(stack, { service_id: serviceId, start: at(10, 30) })).status).toBe(409);
    expect((await reserve(stack, { service_id: serviceId, start: at(11) })).status).toBe(201);

    feeds.set('/a.ics', feed({ uid: 'school-run', from: 15, to: 16 }));
    await syncNow(resourceId, created.body.id);
    const moved = await slotStarts(serviceId);
    expect(moved).toContain(at(10));
    expect(moved).not.toContain(at(15));

    feeds.set('/a.ics', feed());
    await syncNow(resourceId, created.body.id);
    expect(await slotStarts(serviceId)).toContain(at(15));
  });

  test('an event that appears over a held booking keeps the booking and reports a conflict once', async () => {
    const { resourceId, serviceId } = await bookable();
    const held = await reserve(stack, { service_id: serviceId, start: at(14) });
    expect(held.status).toBe(201);
    feeds.set('/b.ics', feed());
    const created = await connect(resourceId, { type: 'ics', url: `${feedBase}/b.ics` });
    await syncNow(resourceId, created.body.id);
    feeds.set('/b.ics', feed({ uid: 'meeting', from: 13, to: 15 }));
    await syncNow(resourceId, created.body.id);
    await syncNow(resourceId, created.body.id);

    const booking = await call(stack.baseUrl, 'GET', `/v1/bookings/${held.body.id}`, { token: stack.apiKey });
    expect(booking.body.status).toBe('held');
    const conflicts = await stack.db.selectFrom('webhook_events').select(['type'])
      .where('booking_id', '=', held.body.id).where('type', '=', 'booking.calendar_conflict').execute();
    expect(conflicts).toHaveLength(1);
    const audit = await stack.db.selectFrom('booking_events').select(['actor', 'to_status'])
      .where('booking_id', '=', held.body.id).where('step', 'like', 'calendar-conflict:%').execute();
    expect(audit).toEqual([{ actor: 'calendar-sync', to_status: 'held' }]);
    // The operator sees it on the booking's run in the Temporal UI, once.
    const run = stack.temporal.workflow.getHandle(bookingWorkflowId(held.body.id));
    const details = await waitFor(async () => (await run.query('__temporal_workflow_metadata') as { currentDetails?: string }).currentDetails ?? '',
      (text) => text.includes('**Calendar conflict:**'));
    expect(details).toContain('**Calendar conflict:** an event in a host\'s own calendar over this booking');
    expect(details).toContain('**Status:** held');
  });

  test('PATCH switches tentative events off, and the next sync frees their time', async () => {
    const { resourceId, serviceId } = await bookable();
    feeds.set('/d.ics', feed({ uid: 'maybe', from: 16, to: 17, extra: ['STATUS:TENTATIVE'] }));
    const created = await connect(resourceId, { type: 'ics', url: `${feedBase}/d.ics`, poll_interval_seconds: 300 });
    expect(created.body).toMatchObject({ poll_interval_seconds: 300, include_tentative: true });
    await syncNow(resourceId, created.body.id);
    expect(await slotStarts(serviceId)).not.toContain(at(16));
    const patched = await call(stack.baseUrl, 'PATCH', `/v1/resources/${resourceId}/calendars/${created.body.id}`, {
      token: stack.apiKey, body: { include_tentative: false },
    });
    expect(patched.status).toBe(200);
    expect(patched.body.include_tentative).toBe(false);
    await syncNow(resourceId, created.body.id);
    expect(await slotStarts(serviceId)).toContain(at(16));
  });

  test('an event of several days, across two of the periods its busy time is kept in, blocks every day it covers in the slots and the holds', async () => {
    const { resourceId, serviceId } = await bookable();
    // Busy time is kept per 30-day period (epoch based): this leave starts in one and ends in the next.
    const period = 30 * 24 * 60 * 60 * 1000;
    const boundary = DateTime.fromMillis(Math.ceil(DAY.plus({ days: 1 }).toMillis() / period) * period, { zone: 'utc' });
    const utcStamp = (instant: DateTime) => instant.toFormat("yyyyMMdd'T'HHmmss'Z'");
    feeds.set('/leave.ics', ['BEGIN:VCALENDAR', 'VERSION:2.0', 'PRODID:-//test//EN', 'BEGIN:VEVENT', 'UID:leave', 'DTSTAMP:20260101T000000Z',
      `DTSTART:${utcStamp(boundary.minus({ days: 2 }))}`, `DTEND:${utcStamp(boundary.plus({ days: 2 }))}`, 'END:VEVENT', 'END:VCALENDAR'].join('\r\n'));
    const created = await connect(resourceId, { type: 'ics', url: `${feedBase}/leave.ics` });
    expect(await syncNow(resourceId, created.body.id)).toMatchObject({ state: 'ok' });
    const slotsOn = async (day: DateTime) => {
      const answer = await call(stack.baseUrl, 'GET', `/v1/availability?service=${serviceId}&from=${day.toISODate()}&to=${day.toISODate()}&timezone=UTC`, { token: stack.apiKey });
      expect(answer.status).toBe(200);
      return answer.body.data as { start: string }[];
    };
    const before = boundary.minus({ days: 1 }).startOf('day');
    const after = boundary.plus({ days: 1 }).startOf('day');
    expect(await slotsOn(before)).toEqual([]);
    expect(await slotsOn(after)).toEqual([]);
    expect((await slotsOn(boundary.plus({ days: 3 }).startOf('day'))).length).toBeGreaterThan(0);
    expect((await reserve(stack, { service_id: serviceId, start: after.set({ hour: 9 }).toISO()! })).status).toBe(409);
    expect((await reserve(stack, { service_id: serviceId, start: before.set({ hour: 9 }).toISO()! })).status).toBe(409);
    expect((await reserve(stack, { service_id: serviceId, start: boundary.plus({ days: 3 }).set({ hour: 9 }).toISO()! })).status).toBe(201);
  });

  test('a feed larger than 5 MB, or one that is not iCalendar, is refused clearly and blocks nothing new', async () => {
    const { resourceId } = await bookable();
    feeds.set('/big.ics', `BEGIN:VCALENDAR\r\n${'X-PADDING:'.padEnd(74, 'x').concat('\r\n').repeat(75_000)}END:VCALENDAR\r\n`);
    feeds.set('/page.ics', '<html><body>Sign in</body></html>');
    const big = await connect(resourceId, { type: 'ics', url: `${feedBase}/big.ics` });
    expect(await syncNow(resourceId, big.body.id)).toMatchObject({ state: 'failing', last_error: expect.stringMatching(/larger than 5 MB/) });
    const page = await connect(resourceId, { type: 'ics', url: `${feedBase}/page.ics` });
    expect(await syncNow(resourceId, page.body.id)).toMatchObject({ state: 'failing', last_error: expect.stringMatching(/not an iCalendar/) });
  });

  test('an internal address is refused when given, naming the field', async () => {
    const { resourceId } = await bookable();
    const answer = await connect(resourceId, { type: 'ics', url: 'http://127.0.0.1:9/feed.ics' });
    expect(answer.status).toBe(400);
    expect(answer.body.errors).toEqual([expect.objectContaining({ path: 'url' })]);
    const unknown = await connect(resourceId, { type: 'ics', url: `${feedBase}/a.ics`, receives_bookings: true });
    expect(unknown.status).toBe(400);
    expect(unknown.body.errors).toEqual([expect.objectContaining({ path: 'receives_bookings' })]);
  });

  test('the sync workflow reads in the Temporal UI as resource, server, state, last and next sync, without the feed\'s secret path', async () => {
    const { resourceId } = await bookable();
    // A "secret address" as Google and Outlook publish them: the secret is part of the path.
    feeds.set('/private-0f9e8d7c6b5a/basic.ics', feed({ uid: 'busy', from: 8, to: 9 }));
    const created = await connect(resourceId, { type: 'ics', url: `${feedBase}/private-0f9e8d7c6b5a/basic.ics` });
    await syncNow(resourceId, created.body.id);
    const handle = stack.temporal.workflow.getHandle(calendarSyncWorkflowId(created.body.id));
    const description = await handle.describe();
    const host = new URL(feedBase).host;
    expect(await description.staticSummary()).toBe(`Calendar sync: Dr Who ← ${host} (ics)`);
    const details = (await handle.query('__temporal_workflow_metadata') as { currentDetails?: string }).currentDetails ?? '';
    expect(details).toContain(`**Dr Who ← ${host} (ics)**`);
    expect(details).toMatch(/state: ok/);
    expect(details).toMatch(/last sync: \d{4}-/);
    expect(details).toMatch(/next run: \d{4}-/);
    for (const text of [await description.staticSummary(), await description.staticDetails(), details]) expect(text).not.toContain('private-0f9e8d7c6b5a');
  });

  test('credentials are sealed and never shown; deleting the connection shreds them, frees its time and ends its workflow', async () => {
    const { resourceId, serviceId } = await bookable();
    feeds.set('/c.ics', feed({ uid: 'busy', from: 8, to: 9 }));
    const created = await connect(resourceId, { type: 'ics', url: `${feedBase}/c.ics`, username: 'host', password: 's3cret-pa55' });
    expect(created.status).toBe(201);
    expect(JSON.stringify(created.body)).not.toContain('s3cret-pa55');
    expect(created.body.has_credentials).toBe(true);
    const row = await stack.db.selectFrom('calendar_connections').select('credentials_sealed').where('id', '=', created.body.id).executeTakeFirstOrThrow();
    expect(row.credentials_sealed!.toString('latin1')).not.toContain('s3cret');
    await syncNow(resourceId, created.body.id);
    expect(await slotStarts(serviceId)).not.toContain(at(8));
    const listed = await call(stack.baseUrl, 'GET', `/v1/resources/${resourceId}/calendars`, { token: stack.apiKey });
    expect(listed.body.data.map((c: { id: string }) => c.id)).toEqual([created.body.id]);

    const deleted = await call(stack.baseUrl, 'DELETE', `/v1/resources/${resourceId}/calendars/${created.body.id}`, { token: stack.apiKey });
    expect(deleted.status).toBe(204);
    expect(await slotStarts(serviceId)).toContain(at(8));
    const keys = await sql<{ n: string }>`select count(*) as n from calendar_credential_keys where connection_id = ${created.body.id}`.execute(stack.db);
    expect(Number(keys.rows[0].n)).toBe(0);
    await stack.temporal.workflow.getHandle(calendarSyncWorkflowId(created.body.id)).result();
    const history = await stack.temporal.workflow.getHandle(calendarSyncWorkflowId(created.body.id)).fetchHistory();
    expect(JSON.stringify(history, (_key, value) => (value instanceof Uint8Array ? Buffer.from(value).toString('latin1') : value))).not.toContain('s3cret');
  });
});
