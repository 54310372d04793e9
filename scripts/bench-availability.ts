/**
 * Availability latency: the pure engine (listSlots) on the shapes the issue names, the naive
 * minute-by-minute reference on the same input for scale, and GET /v1/availability end to end
 * on a stack this script starts and stops itself (PostgreSQL + Temporal via the npm start
 * launcher, the real app on a loopback port).
 * Run: npm run bench:availability
 */
import type { AddressInfo } from 'node:net';
import { performance } from 'node:perf_hooks';
import { Client, Connection } from '@temporalio/client';
import { DateTime } from 'luxon';
import { sql } from 'kysely';
import { createApp } from '../api/app';
import { availabilityInput } from '../bookings/availability';
import { availabilityQuery } from '../api/availability/schemas';
import { createDb, ensureDatabase } from '../db/connection';
import { migrateToLatest } from '../db/migrate';
import { addApiKey, createOrganization, generateApiKey } from '../db/organizations';
import {
  type BusyInterval,
  type ListSlotsInput,
  type ResourceSchedule,
  type ServiceRules,
  listSlots,
  localDateRange,
} from '../scheduling';
import { referenceSlots } from './bench/reference-availability';
import { launchInfraStack } from './stack/infra-launcher';
import { benchPort } from './bench/bench-stack';
import { random } from './bench/seeded-random';

const MINUTE = 60_000;
const DAY = 86_400_000;
const WARMUP = 5;
const RUNS = 30;
/** The reference takes about a minute per run on 50 resources x 60 days: one run says enough. */
const REFERENCE_RUNS = { small: 3, large: 1 };

interface Figure { name: string; p50: number; p99: number; runs: number; slots: number; note?: string; cpu?: number }

const zones = ['Europe/Paris', 'Europe/Paris', 'America/New_York', 'Asia/Kolkata'];
const workday = [
  { start: '09:00', end: '12:00' },
  { start: '13:00', end: '18:00' },
];
const weekly = {
  monday: workday,
  tuesday: workday,
  wednesday: workday,
  thursday: workday,
  friday: [{ start: '08:00', end: '16:00' }],
  saturday: [{ start: '10:00', end: '14:00' }],
};

function resources(count: number): ResourceSchedule[] {
  return Array.from({ length: count }, (_, i) => ({
    id: `resource-${i}`,
    timezone: zones[i % zones.length],
    weekly,
    overrides: [{ date: '2026-04-06', intervals: [] }],
    validFrom: null,
    validUntil: null,
  }));
}

const service: ServiceRules = {
  durationsMinutes: [30, 60],
  slotStepMinutes: 15,
  bufferBeforeMinutes: 5,
  bufferAfterMinutes: 10,
  minNoticeMinutes: 60,
  horizonDays: null,
  seatsPerSlot: 1,
};

function busyOver(list: ResourceSchedule[], from: number, days: number, count: number): BusyInterval[] {
  const next = random(42);
  return Array.from({ length: count }, () => {
    const start = from + Math.floor(next() * days * 96) * 15 * MINUTE;
    return {
      resourceId: list[Math.floor(next() * list.length)].id,
      start: start - 5 * MINUTE,
      end: start + (30 + Math.floor(next() * 3) * 30 + 10) * MINUTE,
    };
  });
}

function scenario(resourceCount: number, days: number, busyCount: number, mode: 'one' | 'all'): ListSlotsInput {
  const list = resources(resourceCount);
  const from = '2026-03-16';
  const to = new Date(Date.parse(`${from}T00:00:00Z`) + (days - 1) * DAY).toISOString().slice(0, 10);
  const range = localDateRange(from, to, 'Europe/Paris');
  return { resources: list, mode, service, busy: busyOver(list, range.rangeStart, days, busyCount), ...range, now: range.rangeStart - DAY };
}

/** Bounded: WARMUP + runs calls, whatever they return. */
async function measure(name: string, run: () => unknown, runs = RUNS, warmup = WARMUP): Promise<Figure & { result: unknown }> {
  let result: unknown;
  for (let i = 0; i < warmup; i++) result = await run();
  const times: number[] = [];
  for (let i = 0; i < runs; i++) {
    const t0 = performance.now();
    result = await run();
    times.push(performance.now() - t0);
  }
  times.sort((a, b) => a - b);
  const pick = (q: number) => times[Math.min(times.length - 1, Math.ceil(q * times.length) - 1)];
  return { name, p50: pick(0.5), p99: pick(0.99), runs, slots: (result as unknown[]).length, result };
}

/**
 * measure, plus this process's CPU per call (API and client share it; PostgreSQL is another
 * process): unlike the wall-clock figures it hardly moves when other work shares the machine.
 */
async function measuredWithCpu(name: string, run: () => unknown): Promise<Figure> {
  const before = process.cpuUsage();
  const figure = await measure(name, run);
  const used = process.cpuUsage(before);
  return { ...figure, cpu: (used.user + used.system) / 1000 / (WARMUP + RUNS) };
}

async function engineFigures(): Promise<Figure[]> {
  const one = scenario(1, 60, 200, 'one');
  const manyOne = scenario(50, 60, 10_000, 'one');
  const manyAll = scenario(50, 60, 10_000, 'all');
  const figures: Array<Figure & { result?: unknown }> = [
    await measure('engine: 1 resource x 60 days, 200 bookings', () => listSlots(one)),
    await measure('engine: 50 resources x 60 days, mode=one, 10,000 bookings', () => listSlots(manyOne)),
    await measure('engine: 50 resources x 60 days, mode=all, 10,000 bookings', () => listSlots(manyAll)),
  ];
  // The reference alone takes minutes: BENCH_SKIP_REFERENCE=1 leaves it out when only the engine and HTTP matter.
  if (process.env.BENCH_SKIP_REFERENCE === '1') return figures;
  for (const [input, engine, runs] of [[one, figures[0], REFERENCE_RUNS.small], [manyOne, figures[1], REFERENCE_RUNS.large]] as const) {
    const reference = await measure(`reference: ${engine.name.slice('engine: '.length)}`, () => referenceSlots(input), runs, 0);
    const same = JSON.stringify(engine.result) === JSON.stringify(reference.result);
    figures.push({ ...reference, note: `${(reference.p50 / engine.p50).toFixed(0)}x the engine; same slots: ${same}` });
  }
  return figures;
}

/** Non-overlapping one-hour cells in working hours, so the allocations pass the exclusion constraint. */
function seededBookingCells(resourceIds: string[], firstDay: DateTime, days: number, count: number) {
  const next = random(7);
  const taken = new Set<string>();
  const cells: { resourceId: string; start: DateTime }[] = [];
  for (let attempt = 0; attempt < count * 20 && cells.length < count; attempt++) {
    const resourceId = resourceIds[Math.floor(next() * resourceIds.length)];
    const day = Math.floor(next() * days);
    const hour = 8 + Math.floor(next() * 10);
    const key = `${resourceId}/${day}/${hour}`;
    if (taken.has(key)) continue;
    taken.add(key);
    cells.push({ resourceId, start: firstDay.plus({ days: day, hours: hour }) });
  }
  return cells;
}

/** A shape of the HTTP figure: resources, days, and the share of working hours already booked. */
interface HttpShape { resources: number; days: number; booked: number }
const HTTP_SHAPES: HttpShape[] = [{ resources: 10, days: 30, booked: 0.2 }, { resources: 50, days: 60, booked: 0.2 }];
const UTC_WORKDAY = [{ start: '08:00', end: '18:00' }];
const HOURS_PER_WORKDAY = 10;

/**
 * GET /v1/availability on the real app and PostgreSQL, beside the engine alone on the very input
 * the endpoint loads (same rows, same rules), so the difference is what the HTTP path adds.
 */
async function httpFigures(): Promise<{ figures: Figure[]; extras: Figure[] }> {
  const infra = await launchInfraStack('booking-bench-availability', {
    pg: benchPort('BENCH_PG_PORT'), temporal: benchPort('BENCH_TEMPORAL_PORT'), temporalUi: benchPort('BENCH_TEMPORAL_UI_PORT'),
  });
  const databaseUrl = await ensureDatabase(infra.databaseUrl, 'bench_availability');
  const db = createDb(databaseUrl, 10);
  let connection: Connection | null = null;
  let server: ReturnType<ReturnType<typeof createApp>['listen']> | null = null;
  try {
    await migrateToLatest(db);
    connection = await Connection.connect({ address: infra.temporalAddress });
    const temporal = new Client({ connection });
    // Reading availability starts no workflow: the app needs a Temporal client, not a worker.
    const app = createApp({ db, temporal, taskQueue: 'bench-availability', manageTokenSecret: 'bench' });
    server = app.listen(benchPort('BENCH_API_PORT') ?? 0, '127.0.0.1');
    await new Promise((resolve) => server!.once('listening', resolve));
    const baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;

    const organizationId = await createOrganization(db, 'bench');
    const apiKey = generateApiKey();
    await addApiKey(db, organizationId, apiKey, 'bench');
    const request = async (method: string, path: string, body?: unknown): Promise<any> => {
      const response = await fetch(`${baseUrl}${path}`, {
        method,
        headers: { authorization: `Bearer ${apiKey}`, ...(body !== undefined && { 'content-type': 'application/json' }) },
        body: body === undefined ? undefined : JSON.stringify(body),
      });
      const parsed = await response.json();
      if (!response.ok) throw new Error(`${method} ${path}: ${response.status} ${JSON.stringify(parsed)}`);
      return parsed;
    };

    const figures: Figure[] = [];
    const extras: Figure[] = [];
    for (const shape of HTTP_SHAPES) {
      const resourceIds: string[] = [];
      for (let i = 0; i < shape.resources; i++) {
        const created = await request('POST', '/v1/resources', {
          name: `Room ${i}`, timezone: 'UTC',
          weekly_schedule: { monday: UTC_WORKDAY, tuesday: UTC_WORKDAY, wednesday: UTC_WORKDAY, thursday: UTC_WORKDAY, friday: UTC_WORKDAY },
        });
        resourceIds.push(created.id);
      }
      const serviceRow = await request('POST', '/v1/services', {
        name: 'Bench', durations_minutes: [30, 60], slot_step_minutes: 15, buffer_before_minutes: 5, buffer_after_minutes: 10,
        min_notice_minutes: 60, resource_ids: resourceIds,
      });

      // Existing bookings written straight to the tables (no workflows), as the projection holds them.
      const firstDay = DateTime.utc().startOf('day').plus({ days: 1 });
      const workdays = Array.from({ length: shape.days }, (_, day) => firstDay.plus({ days: day }).weekday).filter((weekday) => weekday <= 5).length;
      const count = Math.round(shape.booked * shape.resources * workdays * HOURS_PER_WORKDAY);
      const cells = seededBookingCells(resourceIds, firstDay, shape.days, count);
      for (let at = 0; at < cells.length; at += 500) {
        const batch = cells.slice(at, at + 500).map((cell) => ({ ...cell, id: crypto.randomUUID() }));
        await db.transaction().execute(async (trx) => {
          await trx.insertInto('bookings').values(batch.map((cell) => ({
            id: cell.id, organization_id: organizationId, service_id: serviceRow.id, status: 'confirmed' as const,
            start_at: cell.start.plus({ minutes: 5 }).toJSDate(), end_at: cell.start.plus({ minutes: 50 }).toJSDate(),
            timezone: 'UTC', resource_ids: [cell.resourceId], spaces: 1, customer_name: null, customer_email: null,
            customer_phone: null, notes: null, metadata: '{}', hold_expires_at: null, approval_expires_at: null,
          }))).execute();
          await trx.insertInto('allocations').values(batch.map((cell) => ({
            booking_id: cell.id, resource_id: cell.resourceId, organization_id: organizationId, slot_key: null,
            during: sql<string>`tstzrange(${cell.start.toJSDate()}, ${cell.start.plus({ hours: 1 }).toJSDate()}, '[)')`,
          }))).execute();
        });
      }
      await sql`analyze`.execute(db);

      const from = firstDay.toISODate()!;
      const to = firstDay.plus({ days: shape.days - 1 }).toISODate()!;
      const label = `${shape.resources} resources x ${shape.days} days, ${cells.length} bookings (${shape.booked * 100} %)`;
      const query = availabilityQuery.parse({ service: serviceRow.id, from, to, timezone: 'Europe/Paris' });
      const input = await availabilityInput(db, organizationId, query, new Date());
      figures.push({ ...await measure(`engine on the endpoint's input: ${label}`, () => listSlots(input)), note: 'mode=one' });
      const path = `/v1/availability?service=${serviceRow.id}&from=${from}&to=${to}&timezone=Europe/Paris`;
      const size = async (of: string) => {
        const bytes = (await (await fetch(`${baseUrl}${of}`, { headers: { authorization: `Bearer ${apiKey}` } })).arrayBuffer()).byteLength;
        return `${(bytes / 1024).toFixed(0)} kB`;
      };
      figures.push({
        ...await measuredWithCpu(`HTTP GET /v1/availability: ${label}`, async () => (await request('GET', path)).data),
        note: `loopback, real Postgres, mode=one, ${await size(path)}`,
      });
      // Not the aim's figure: the same slots naming their free resources, as a client may ask.
      const named = `${path}&include=resource_ids`;
      extras.push({
        ...await measuredWithCpu(`HTTP GET /v1/availability&include=resource_ids: ${label}`, async () => (await request('GET', named)).data),
        note: `loopback, real Postgres, mode=one, ${await size(named)}`,
      });
    }
    return { figures, extras };
  } finally {
    if (server) {
      const closing = server;
      await new Promise((resolve) => closing.close(resolve));
    }
    await connection?.close();
    await db.destroy();
    await infra.stop();
  }
}

function printTable(figures: Figure[]): void {
  const width = Math.max(...figures.map((figure) => figure.name.length));
  console.log(`\n${'figure'.padEnd(width)}  ${'p50 ms'.padStart(9)}  ${'p99 ms'.padStart(9)}  ${'CPU ms'.padStart(6)}  `
    + `${'runs'.padStart(4)}  ${'slots'.padStart(6)}  note`);
  for (const figure of figures) {
    console.log(`${figure.name.padEnd(width)}  ${figure.p50.toFixed(2).padStart(9)}  ${figure.p99.toFixed(2).padStart(9)}  `
      + `${(figure.cpu === undefined ? '' : figure.cpu.toFixed(1)).padStart(6)}  `
      + `${String(figure.runs).padStart(4)}  ${String(figure.slots).padStart(6)}  ${figure.note ?? ''}`);
  }
}

async function main() {
  console.log(`engine: ${RUNS} runs after ${WARMUP} warm-up runs each; the reference takes a while…`);
  const figures = await engineFigures();
  console.log('starting PostgreSQL and Temporal (the npm start launcher, --infra-only)…');
  const { figures: http, extras } = await httpFigures();
  figures.push(...http, ...extras);
  printTable(figures);
  console.log('CPU ms: this process\'s CPU per request (the API and its client; PostgreSQL not included)');
  const target = http[http.length - 1];
  console.log(`\naim: GET /v1/availability 50 resources x 60 days, 20 % booked: p50 <= 25 ms, p99 <= 60 ms: `
    + `${target.p50 <= 25 && target.p99 <= 60 ? 'met' : 'NOT met'} (p50 ${target.p50.toFixed(2)} ms, p99 ${target.p99.toFixed(2)} ms)`);
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
