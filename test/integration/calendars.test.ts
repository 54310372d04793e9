import { DateTime } from 'luxon';
import ical, { type VEvent } from 'node-ical';
import { ALWAYS_OPEN, createResource, createService, reserve } from '../stack/fixtures';
import { call } from '../stack/http';
import { startTestStack, type TestStack } from '../stack/test-stack';

let stack: TestStack;
beforeAll(async () => {
  stack = await startTestStack('calendars');
});
afterAll(() => stack?.stop());

const ZONE = 'Europe/Paris';
const details = { name: 'Ada Lovelace', email: 'ada@example.com' };

/** A calendar file as a calendar app fetches it: raw text, not JSON. */
async function fetchCalendar(path: string, token = stack.apiKey) {
  const response = await fetch(`${stack.baseUrl}${path}`, { headers: { authorization: `Bearer ${token}` } });
  return { status: response.status, contentType: response.headers.get('content-type'), text: await response.text() };
}

function eventsOf(text: string): VEvent[] {
  return Object.values(ical.sync.parseICS(text)).filter((component): component is VEvent => component?.type === 'VEVENT');
}

/** 10:00 Paris time on the next given month's 15th: one date in winter (+01:00), one in summer (+02:00). */
function parisMorning(month: number): DateTime {
  const now = DateTime.now().setZone(ZONE);
  let day = now.set({ month, day: 15, hour: 10, minute: 0, second: 0, millisecond: 0 });
  if (day < now.plus({ days: 2 })) day = day.plus({ years: 1 });
  return day;
}

describe('calendar files', () => {
  let resourceId: string;
  let serviceId: string;
  const winter = parisMorning(1);
  const summer = parisMorning(7);
  let confirmedWinter: { id: string; manage_token: string };
  let confirmedSummer: string;
  let held: { id: string; manage_token: string };
  let cancelled: string;

  beforeAll(async () => {
    resourceId = await createResource(stack, { name: 'Dr Lee', timezone: ZONE, weekly_schedule: ALWAYS_OPEN });
    serviceId = await createService(stack, { name: 'Consultation', durations_minutes: [45], slot_step_minutes: 30, resource_ids: [resourceId] });
    const book = async (start: DateTime, then?: 'details' | 'cancel') => {
      const reserved = await reserve(stack, { service_id: serviceId, start: start.toISO() });
      if (reserved.status !== 201) throw new Error(`not reserved: ${JSON.stringify(reserved.body)}`);
      if (then === 'details') await call(stack.baseUrl, 'POST', `/v1/bookings/${reserved.body.id}/details`, { token: stack.apiKey, body: details });
      if (then === 'cancel') await call(stack.baseUrl, 'POST', `/v1/bookings/${reserved.body.id}/cancel`, { token: stack.apiKey, body: {} });
      return reserved.body as { id: string; manage_token: string };
    };
    confirmedWinter = await book(winter, 'details');
    confirmedSummer = (await book(summer, 'details')).id;
    held = await book(winter.plus({ hours: 2 }));
    cancelled = (await book(winter.plus({ hours: 4 }), 'cancel')).id;
  });

  test('a booking\'s file: one event at the booked instants, in the resource\'s zone with its VTIMEZONE', async () => {
    const file = await fetchCalendar(`/v1/bookings/${confirmedWinter.id}/ics`);
    expect(file.status).toBe(200);
    expect(file.contentType).toMatch(/^text\/calendar/);
    const events = eventsOf(file.text);
    expect(events).toHaveLength(1);
    const [event] = events;
    expect(event.uid).toBe(confirmedWinter.id);
    expect(event.summary).toBe('Consultation');
    expect(event.status).toBe('CONFIRMED');
    expect(event.start.toISOString()).toBe(winter.toUTC().toISO());
    expect(event.end!.toISOString()).toBe(winter.plus({ minutes: 45 }).toUTC().toISO());
    expect(event.start.tz).toBe(ZONE);
    expect(event.sequence).toBeGreaterThanOrEqual(0);
    // Local wall time with the zone's id, and the zone's rules in the file itself.
    expect(file.text).toContain(`DTSTART;TZID=${ZONE}:${winter.toFormat("yyyyMMdd'T'HHmmss")}`);
    expect(file.text).toMatch(/BEGIN:VTIMEZONE\r?\nTZID:Europe\/Paris/);
    expect(file.text).toMatch(/TZOFFSETTO:\+0100/);
    expect(file.text).toMatch(/TZOFFSETTO:\+0200/);
  });

  test('the customer reads their own file with the manage token; another booking\'s token sees nothing', async () => {
    const own = await fetchCalendar(`/v1/bookings/${held.id}/ics`, held.manage_token);
    expect(own.status).toBe(200);
    expect(eventsOf(own.text)[0]).toMatchObject({ uid: held.id, status: 'TENTATIVE' });
    const foreign = await fetchCalendar(`/v1/bookings/${confirmedWinter.id}/ics`, held.manage_token);
    expect(foreign.status).toBe(404);
    expect(JSON.parse(foreign.text)).toMatchObject({ status: 404, code: 'not_found' });
    expect(eventsOf((await fetchCalendar(`/v1/bookings/${cancelled}/ics`)).text)[0].status).toBe('CANCELLED');
  });

  test('the resource\'s feed lists its confirmed bookings only, each at its own offset across daylight saving', async () => {
    const feed = await fetchCalendar(`/v1/resources/${resourceId}/calendar.ics`);
    expect(feed.status).toBe(200);
    expect(feed.contentType).toMatch(/^text\/calendar/);
    const events = eventsOf(feed.text);
    expect(events.map((event) => event.uid).sort()).toEqual([confirmedWinter.id, confirmedSummer].sort());
    const summerEvent = events.find((event) => event.uid === confirmedSummer)!;
    expect(summerEvent.start.toISOString()).toBe(summer.toUTC().toISO());
    expect(summerEvent.start.tz).toBe(ZONE);
    expect(summer.offset).toBe(120);
    expect(feed.text).toContain(`DTSTART;TZID=${ZONE}:${summer.toFormat("yyyyMMdd'T'HHmmss")}`);
    expect(events.every((event) => event.status === 'CONFIRMED')).toBe(true);
  });

  test('another organization gets 404 for both files', async () => {
    const other = await stack.newOrganization();
    for (const path of [`/v1/resources/${resourceId}/calendar.ics`, `/v1/bookings/${confirmedWinter.id}/ics`]) {
      const response = await fetchCalendar(path, other.apiKey);
      expect(response.status).toBe(404);
      expect(response.contentType).toContain('application/problem+json');
    }
  });
});

test('a zone typed in any case is stored, and written in files, under its canonical name', async () => {
  const resourceId = await createResource(stack, { name: 'Dr Ng', timezone: 'europe/paris', weekly_schedule: ALWAYS_OPEN });
  const resource = await call(stack.baseUrl, 'GET', `/v1/resources/${resourceId}`, { token: stack.apiKey });
  expect(resource.body.timezone).toBe('Europe/Paris');
  const serviceId = await createService(stack, { durations_minutes: [30], resource_ids: [resourceId] });
  const start = parisMorning(1).plus({ days: 1 });
  const reserved = await reserve(stack, { service_id: serviceId, start: start.toISO() });
  expect(reserved.status).toBe(201);
  const file = await fetchCalendar(`/v1/bookings/${reserved.body.id}/ics`);
  expect(file.text).toContain(`DTSTART;TZID=Europe/Paris:${start.toFormat("yyyyMMdd'T'HHmmss")}`);
  expect(file.text).toMatch(/BEGIN:VTIMEZONE\r?\nTZID:Europe\/Paris/);
  expect(file.text).not.toContain('europe/paris');
});
