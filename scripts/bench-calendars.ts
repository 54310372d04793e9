/**
 * Hosts' calendars: what a synced CalDAV calendar costs the availability query, how long syncs
 * take, how soon an event on the server blocks its slot and how soon a confirmed booking appears
 * on the server. A stack (PostgreSQL, Temporal, worker, app) and a Radicale are started and
 * stopped by this script; calendars are filled by one PUT each (Radicale splits them into events).
 * Run: npm run bench:calendars   (BENCH_CALENDAR_RESOURCES=10 for a quicker, smaller run)
 */
import os from 'node:os';
import { performance } from 'node:perf_hooks';
import { DateTime } from 'luxon';
import { startBenchStack, type BenchStack } from './bench/bench-stack';
import { percentile } from './bench/measure';
import { startRadicale, type RadicaleServer } from './stack/radicale';
import { random } from './bench/seeded-random';
import { waitUntil as until } from './bench/wait-until';

const RESOURCES = Number(process.env.BENCH_CALENDAR_RESOURCES ?? 50);
const DAYS = 60;
const EVENTS_PER_CALENDAR = 500;
/**
 * Radicale takes seconds to store each 500-event calendar on a loaded machine, so a few distinct
 * calendars are shared round-robin: every resource still has its own connection, its own sync and
 * its own 500 events' busy time in PostgreSQL, which is what the query reads.
 */
const DISTINCT_CALENDARS = Number(process.env.BENCH_DISTINCT_CALENDARS ?? 5);
const BIG_CALENDAR = 5000;
const RUNS = 20;
/** The availability query is measured this often (a sync's poll lands in a longer loop less heavily). */
const AVAILABILITY_RUNS = 60;
const WARMUP = 3;
const POLL_SECONDS = 15;
const WORKDAY = [{ start: '08:00', end: '18:00' }];
const WEEK = Object.fromEntries(['monday', 'tuesday', 'wednesday', 'thursday', 'friday'].map((day) => [day, WORKDAY]));

const stamp = (instant: DateTime) => instant.toUTC().toFormat("yyyyMMdd'T'HHmmss'Z'");

function vevent(uid: string, start: DateTime, minutes: number, rrule: string | null): string {
  return ['BEGIN:VEVENT', `UID:${uid}`, 'DTSTAMP:20260101T000000Z', `DTSTART:${stamp(start)}`, `DTEND:${stamp(start.plus({ minutes }))}`,
    ...(rrule ? [`RRULE:${rrule}`] : []), 'SUMMARY:Busy', 'END:VEVENT'].join('\r\n');
}

/** `count` events of 30-90 minutes in working hours over the next DAYS days; every fourth weekly, 4 times. */
function calendarText(seed: number, count: number, firstDay: DateTime): string {
  const next = random(seed);
  const events = Array.from({ length: count }, (_, i) => {
    const start = firstDay.plus({ days: Math.floor(next() * DAYS), hours: 8 + Math.floor(next() * 9), minutes: Math.floor(next() * 4) * 15 });
    return vevent(`bench-${seed}-${i}`, start, 30 + Math.floor(next() * 3) * 30, i % 4 === 0 ? 'FREQ=WEEKLY;COUNT=4' : null);
  });
  return ['BEGIN:VCALENDAR', 'VERSION:2.0', 'PRODID:-//bench//calendars//EN', ...events, 'END:VCALENDAR', ''].join('\r\n');
}

interface Server { radicale: RadicaleServer; authorization: string }

/** What a first sync asks the server first: the calendar's sync token and ctag. */
const TOKEN_PROPFIND = '<?xml version="1.0" encoding="utf-8"?><d:propfind xmlns:d="DAV:" xmlns:cs="http://calendarserver.org/ns/"><d:prop><d:sync-token/><cs:getctag/></d:prop></d:propfind>';

/** What a first sync asks the server for: every event with its data, in one report. */
const WHOLE_CALENDAR_QUERY = '<?xml version="1.0" encoding="utf-8"?><c:calendar-query xmlns:d="DAV:" xmlns:c="urn:ietf:params:xml:ns:caldav">'
  + '<d:prop><d:getetag/><c:calendar-data/></d:prop><c:filter><c:comp-filter name="VCALENDAR"><c:comp-filter name="VEVENT"/></c:comp-filter></c:filter></c:calendar-query>';

async function dav(server: Server, method: string, url: string, body?: string, headers: Record<string, string> = {}) {
  const response = await fetch(url, { method, body, headers: { authorization: server.authorization, ...headers } });
  const text = await response.text();
  if (response.status >= 300 && response.status !== 404) throw new Error(`${method} ${url}: ${response.status} ${text.slice(0, 200)}`);
  return { status: response.status, text };
}

/** A new calendar holding `ics` whole: one PUT on the collection. */
async function filledCalendar(server: Server, name: string, ics: string): Promise<string> {
  const url = new URL(`/${server.radicale.username}/${name}/`, server.radicale.url).toString();
  await dav(server, 'PUT', url, ics, { 'content-type': 'text/calendar' });
  return url;
}

function api(stack: BenchStack) {
  const call = async (method: string, path: string, body?: unknown) => {
    const response = await fetch(`${stack.baseUrl}${path}`, {
      method, headers: { authorization: `Bearer ${stack.apiKey}`, ...(body !== undefined && { 'content-type': 'application/json' }) },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const text = await response.text();
    if (response.status >= 300) throw new Error(`${method} ${path}: ${response.status} ${text.slice(0, 300)}`);
    return JSON.parse(text) as any;
  };
  return { get: (path: string) => call('GET', path), post: (path: string, body: unknown = {}) => call('POST', path, body) };
}

async function p50Of(run: () => Promise<unknown>, runs = RUNS): Promise<{ p50: number; p99: number }> {
  for (let i = 0; i < WARMUP; i++) await run();
  const times: number[] = [];
  for (let i = 0; i < runs; i++) {
    const t0 = performance.now();
    await run();
    times.push(performance.now() - t0);
  }
  times.sort((a, b) => a - b);
  return { p50: percentile(times, 50), p99: percentile(times, 99) };
}

/**
 * Two queries timed in turns, so that whatever else the machine does meanwhile (the connections'
 * polls among it) weighs on both alike.
 */
async function p50Interleaved(a: () => Promise<unknown>, b: () => Promise<unknown>, runs: number) {
  for (let i = 0; i < WARMUP; i++) {
    await a();
    await b();
  }
  const times: [number[], number[]] = [[], []];
  for (let i = 0; i < runs; i++) {
    for (const [index, run] of [a, b].entries()) {
      const t0 = performance.now();
      await run();
      times[index]!.push(performance.now() - t0);
    }
  }
  return times.map((list) => {
    list.sort((x, y) => x - y);
    return { p50: percentile(list, 50), p99: percentile(list, 99) };
  }) as [{ p50: number; p99: number }, { p50: number; p99: number }];
}

function load(): string {
  return `load ${os.loadavg().map((value) => value.toFixed(2)).join(' / ')} on ${os.cpus().length} CPUs`;
}

async function main() {
  console.log(`machine at start: ${load()}`);
  const radicale = await startRadicale();
  const server: Server = { radicale, authorization: `Basic ${Buffer.from(`${radicale.username}:${radicale.password}`).toString('base64')}` };
  const stack = await startBenchStack('calendars', { outbound: { allowedHosts: ['127.0.0.1'], allowHttp: true } });
  const { get, post } = api(stack);
  const credentials = { username: radicale.username, password: radicale.password };
  const rows: [string, string, string][] = [];
  try {
    const firstDay = DateTime.utc().plus({ days: 1 }).startOf('day');
    const resourceIds: string[] = [];
    for (let i = 0; i < RESOURCES; i++) {
      resourceIds.push((await post('/v1/resources', { name: `Host ${i}`, timezone: 'UTC', weekly_schedule: WEEK })).id);
    }
    const service = await post('/v1/services', { name: 'Visit', durations_minutes: [30], resource_ids: resourceIds, hold_ttl_seconds: 600 });
    const range = `from=${firstDay.toISODate()}&to=${firstDay.plus({ days: DAYS - 1 }).toISODate()}&timezone=UTC`;
    const query = `/v1/availability?service=${service.id}&${range}`;
    // Its twin: the same hosts' hours and service, never connected to a calendar.
    const twinIds: string[] = [];
    for (let i = 0; i < RESOURCES; i++) {
      twinIds.push((await post('/v1/resources', { name: `Twin host ${i}`, timezone: 'UTC', weekly_schedule: WEEK })).id);
    }
    const twin = await post('/v1/services', { name: 'Twin visit', durations_minutes: [30], resource_ids: twinIds, hold_ttl_seconds: 600 });
    const twinQuery = `/v1/availability?service=${twin.id}&${range}`;
    const before = await p50Of(() => get(query), AVAILABILITY_RUNS);
    const slotsBefore = (await get(query)).data?.length ?? 0;

    const distinct = Math.min(DISTINCT_CALENDARS, RESOURCES);
    console.log(`filling ${distinct} calendars of ${EVENTS_PER_CALENDAR} events and connecting ${RESOURCES} resources to them…`);
    const calendarUrls: string[] = [];
    for (let i = 0; i < distinct; i++) calendarUrls.push(await filledCalendar(server, `host-${i}`, calendarText(i + 1, EVENTS_PER_CALENDAR, firstDay)));
    const connections: { resourceId: string; id: string }[] = [];
    for (const [i, resourceId] of resourceIds.entries()) {
      const url = calendarUrls[i % distinct]!;
      const connection = await post(`/v1/resources/${resourceId}/calendars`, { type: 'caldav', url, ...credentials, blocks: true });
      connections.push({ resourceId, id: connection.id });
    }
    await until(async () => {
      const synced = await stack.db.selectFrom('calendar_connections').select('id')
        .where('organization_id', '=', stack.organizationId).where('last_synced_at', 'is not', null).execute();
      return synced.length;
    }, (count) => count >= RESOURCES, 600_000, 'the first syncs');
    const { count: busyRows } = await stack.db.selectFrom('external_busy_intervals').select((eb) => eb.fn.countAll<string>().as('count')).executeTakeFirstOrThrow();
    // The connections keep polling their server (every 60 s, as users get it) while this is
    // measured: polls that start during the timed runs share the machine with them, and are counted.
    const timedFrom = new Date();
    const [after, without] = await p50Interleaved(() => get(query), () => get(twinQuery), AVAILABILITY_RUNS);
    const timedTo = new Date();
    const { count: pollsDuring } = await stack.db.selectFrom('calendar_connections').select((eb) => eb.fn.countAll<string>().as('count'))
      .where('organization_id', '=', stack.organizationId)
      .where('last_synced_at', '>=', new Date(timedFrom.getTime() - 1000)).where('last_synced_at', '<=', timedTo).executeTakeFirstOrThrow();
    const slotsAfter = (await get(query)).data?.length ?? 0;
    rows.push([`GET /v1/availability ${RESOURCES} resources x ${DAYS} days, ${EVENTS_PER_CALENDAR} events each (p50 of ${AVAILABILITY_RUNS})`,
      `${after.p50.toFixed(1)} ms (p99 ${after.p99.toFixed(1)})`,
      `${without.p50.toFixed(1)} ms without calendars (p99 ${without.p99.toFixed(1)}; its twin service, timed in turns with it): ${(after.p50 / without.p50).toFixed(2)}x, aim <= 1.2x; `
      + `the same service before its calendars: ${before.p50.toFixed(1)} ms (${(after.p50 / before.p50).toFixed(2)}x); slots ${slotsBefore} -> ${slotsAfter}; ${busyRows} busy rows; ` +
      `${pollsDuring} of the ${RESOURCES} connections' 60 s polls began during the ${((timedTo.getTime() - timedFrom.getTime()) / 1000).toFixed(1)} s timed (or in the second before)`]);

    // First sync of a big calendar: from the connection's answer to its first last_synced_at.
    const bigResource = (await post('/v1/resources', { name: 'Busy host', timezone: 'UTC', weekly_schedule: WEEK })).id;
    const bigUrl = await filledCalendar(server, 'big', calendarText(9999, BIG_CALENDAR, firstDay));
    const t0 = performance.now();
    const big = await post(`/v1/resources/${bigResource}/calendars`, { type: 'caldav', url: bigUrl, ...credentials, blocks: true });
    const answered = performance.now() - t0;
    const first = await until(() => stack.db.selectFrom('calendar_connections').select(['last_synced_at', 'state', 'last_error'])
      .where('id', '=', big.id).executeTakeFirstOrThrow(), (row) => row.last_synced_at !== null || row.state === 'failing', 120_000, 'the big first sync');
    if (first.state === 'failing') throw new Error(`the big calendar's sync failed: ${first.last_error}`);
    const firstSync = performance.now() - t0;
    // The floor: the server alone answering what a first sync asks (the token, then every event) of
    // a calendar as fresh as that one was: Radicale reads a new collection's items into its cache on
    // the first report, which costs it several times what the same report costs it afterwards.
    const twinUrl = await filledCalendar(server, 'big-twin', calendarText(9999, BIG_CALENDAR, firstDay));
    const r0 = performance.now();
    await dav(server, 'PROPFIND', twinUrl, TOKEN_PROPFIND, { depth: '0', 'content-type': 'application/xml; charset=utf-8' });
    await dav(server, 'REPORT', twinUrl, WHOLE_CALENDAR_QUERY, { depth: '1', 'content-type': 'application/xml; charset=utf-8' });
    const serverCold = performance.now() - r0;
    const w0 = performance.now();
    await dav(server, 'REPORT', twinUrl, WHOLE_CALENDAR_QUERY, { depth: '1', 'content-type': 'application/xml; charset=utf-8' });
    const serverWarm = performance.now() - w0;
    rows.push([`first sync of a ${BIG_CALENDAR}-event calendar`, `${(firstSync / 1000).toFixed(2)} s`,
      `aim <= 10 s (the POST with discovery answered in ${(answered / 1000).toFixed(2)} s); floor: Radicale alone answers a fresh twin calendar's token and whole calendar-query in ${(serverCold / 1000).toFixed(2)} s (${(serverWarm / 1000).toFixed(2)} s once cached)`]);

    // Incremental sync of one change, on demand.
    const incremental: number[] = [];
    for (let i = 0; i < 5; i++) {
      await dav(server, 'PUT', `${bigUrl}bench-9999-${i}.ics`, ['BEGIN:VCALENDAR', 'VERSION:2.0', 'PRODID:-//bench//EN',
        vevent(`bench-9999-${i}`, firstDay.plus({ days: 2, hours: 8 + i }), 30, null), 'END:VCALENDAR', ''].join('\r\n'), { 'content-type': 'text/calendar' });
      const s0 = performance.now();
      await post(`/v1/resources/${bigResource}/calendars/${big.id}/sync`);
      incremental.push(performance.now() - s0);
    }
    incremental.sort((a, b) => a - b);
    rows.push(['incremental sync of one change (POST .../sync, p50 of 5)', `${percentile(incremental, 50).toFixed(0)} ms`,
      'aim <= 1 s; floor: the same POST with nothing changed ' + `${(await p50Of(() => post(`/v1/resources/${bigResource}/calendars/${big.id}/sync`))).p50.toFixed(0)} ms`]);

    // An event created on the server blocks its slot within the poll interval + 5 s.
    const watched = (await post('/v1/resources', { name: 'Watched host', timezone: 'UTC', weekly_schedule: WEEK })).id;
    const watchedService = await post('/v1/services', { name: 'Watched', durations_minutes: [30], resource_ids: [watched] });
    const watchedUrl = await filledCalendar(server, 'watched', calendarText(4242, 10, firstDay));
    const watchedConnection = await post(`/v1/resources/${watched}/calendars`, { type: 'caldav', url: watchedUrl, ...credentials, blocks: true, poll_interval_seconds: POLL_SECONDS });
    await until(() => stack.db.selectFrom('calendar_connections').select('last_synced_at').where('id', '=', watchedConnection.id).executeTakeFirstOrThrow(),
      (row) => row.last_synced_at !== null, 60_000, 'the watched calendar\'s first sync');
    const day = firstDay.plus({ days: 7 }).toISODate();
    const slotsOf = async () => ((await get(`/v1/availability?service=${watchedService.id}&from=${day}&to=${day}&timezone=UTC`)).data ?? []) as { start: string }[];
    const target = (await slotsOf())[0];
    if (!target) throw new Error('no free slot to block');
    const e0 = performance.now();
    await dav(server, 'PUT', `${watchedUrl}blocker.ics`, ['BEGIN:VCALENDAR', 'VERSION:2.0', 'PRODID:-//bench//EN',
      vevent('blocker', DateTime.fromISO(target.start), 30, null), 'END:VCALENDAR', ''].join('\r\n'), { 'content-type': 'text/calendar' });
    await until(slotsOf, (slots) => !slots.some((slot) => slot.start === target.start), (POLL_SECONDS + 30) * 1000, 'the new event blocking its slot');
    rows.push(['event created on the server -> its slot blocked', `${((performance.now() - e0) / 1000).toFixed(1)} s`,
      `aim <= poll interval + 5 s = ${POLL_SECONDS + 5} s (no on-demand sync; the timer's turn)`]);

    // A confirmed booking's event on the server.
    const host = (await post('/v1/resources', { name: 'Receiving host', timezone: 'UTC', weekly_schedule: WEEK })).id;
    const receivingUrl = await filledCalendar(server, 'receiving', calendarText(77, 1, firstDay));
    await post(`/v1/resources/${host}/calendars`, { type: 'caldav', url: receivingUrl, ...credentials, blocks: false, receives_bookings: true });
    const hostService = await post('/v1/services', { name: 'Written', durations_minutes: [30], resource_ids: [host], requires_approval: true, hold_ttl_seconds: 600 });
    const confirmations: number[] = [];
    for (let i = 0; i < 5; i++) {
      const start = firstDay.plus({ days: 14 + i }).set({ hour: 10 });
      const held = await post('/v1/bookings', { service_id: hostService.id, start: start.toISO() });
      await post(`/v1/bookings/${held.id}/details`, { name: 'Ada', email: 'ada@example.com' });
      await post(`/v1/bookings/${held.id}/confirm`);
      const c0 = performance.now();
      const href = new URL(`${encodeURIComponent(`booking-${held.id}@bookings.orchestrator`)}.ics`, receivingUrl).toString();
      await until(() => dav(server, 'GET', href), (answer) => answer.status === 200, 60_000, 'the booking\'s event on the server');
      confirmations.push(performance.now() - c0);
    }
    confirmations.sort((a, b) => a - b);
    rows.push(['confirmation answer -> event on the server (p50 of 5)', `${(percentile(confirmations, 50) / 1000).toFixed(2)} s`,
      `aim <= 5 s; max ${(confirmations[confirmations.length - 1]! / 1000).toFixed(2)} s`]);
  } finally {
    const width = Math.max(...rows.map(([name]) => name.length));
    console.log(`\n${'figure'.padEnd(width)}  ${'measured'.padEnd(24)}  baseline / aim`);
    for (const [name, value, note] of rows) console.log(`${name.padEnd(width)}  ${value.padEnd(24)}  ${note}`);
    console.log(`\nmachine at end: ${load()}`);
    await stack.stop();
    await radicale.stop();
  }
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
