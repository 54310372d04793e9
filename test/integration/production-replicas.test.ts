import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import { Client, Connection } from '@temporalio/client';
import { DateTime } from 'luxon';
import type { Kysely } from 'kysely';
import { createDb, ensureDatabase } from '../../db/connection';
import type { Database } from '../../db/schema';
import { ALWAYS_OPEN } from '../stack/fixtures';
import { call, waitFor } from '../stack/http';
import {
  buildProductionCopy, productionEnv, runCompiled, startCompiled, untilAnswers, type CompiledProcess,
} from '../stack/compiled-app';

/**
 * Production mode without the launcher: the compiled entry points (`node dist/...`, production
 * dependencies only) against the test run's PostgreSQL and Temporal. Two APIs and two workers share
 * one database and one task queue; every request below is spread over both APIs.
 */
jest.setTimeout(240_000);

let copy: string;
let env: NodeJS.ProcessEnv;
let db: Kysely<Database>;
let apiKey: string;
const bootstrapKey = `sk_${randomBytes(24).toString('hex')}`;
const apis: CompiledProcess[] = [];
const workers: CompiledProcess[] = [];
const timings: Record<string, number> = {};

beforeAll(async () => {
  const serverUrl = process.env.TEST_DATABASE_URL!;
  const temporalAddress = process.env.TEST_TEMPORAL_ADDRESS!;
  let started = Date.now();
  copy = await buildProductionCopy();
  timings.buildAndInstallMs = Date.now() - started;
  const databaseUrl = await ensureDatabase(serverUrl, `test_replicas_${randomBytes(4).toString('hex')}`);
  db = createDb(databaseUrl, 4);
  env = productionEnv({
    DATABASE_URL: databaseUrl,
    TEMPORAL_ADDRESS: temporalAddress,
    TEMPORAL_TASK_QUEUE: `test-replicas-${randomBytes(4).toString('hex')}`,
    MANAGE_TOKEN_SECRET: randomBytes(48).toString('base64'),
    SHUTDOWN_TIMEOUT_SECONDS: '20',
  });

  // The set-up twice, as every deployment runs it: the second run changes nothing.
  const bootstrap = { ...env, BOOTSTRAP_ORG_NAME: 'Bootstrap Clinic', BOOTSTRAP_API_KEY: bootstrapKey };
  expect(await runCompiled(copy, 'dist/scripts/migrate.js', [], bootstrap)).toContain('database migrated');
  expect(await runCompiled(copy, 'dist/scripts/migrate.js', [], bootstrap)).toContain('has the BOOTSTRAP_API_KEY');
  const organization = JSON.parse(await runCompiled(copy, 'dist/scripts/admin.js', ['create-organization', 'Replica Clinic'], env));
  const key = JSON.parse(await runCompiled(copy, 'dist/scripts/admin.js', ['create-key', organization.id, 'load test'], env));
  apiKey = key.key;

  started = Date.now();
  workers.push(...await Promise.all([0, 1].map(() => startCompiled(copy, 'dist/worker/main.js', env, 'WORKER_HEALTH_PORT'))));
  apis.push(...await Promise.all([0, 1].map(() => startCompiled(copy, 'dist/api/server.js', env, 'PORT'))));
  await Promise.all(workers.map((worker) => untilAnswers(worker, '/healthz')));
  await Promise.all(apis.map((api) => untilAnswers(api, '/readyz')));
  timings.replicasReadyMs = Date.now() - started;
  for (const worker of workers) expect(worker.output()).toContain('"workflows":"prebuilt"');
});

afterAll(async () => {
  await Promise.all([...apis, ...workers].map((child) => child.stop()));
  await db?.destroy();
  if (copy) fs.rmSync(copy, { recursive: true, force: true });
  console.log(`production replicas: ${JSON.stringify(timings)}`);
});

/** Request i goes to API i mod 2. */
const via = (i: number) => apis[i % apis.length].baseUrl;
const api = (i: number, method: string, path: string, body?: unknown, headers: Record<string, string> = {}) =>
  call(via(i), method, path, { token: apiKey, body, headers });

async function created(i: number, path: string, body: unknown): Promise<string> {
  const response = await api(i, 'POST', path, body);
  if (response.status !== 201) throw new Error(`${path}: ${JSON.stringify(response.body)}`);
  return response.body.id ?? response.body.data[0].id;
}

test('the admin command\'s key works on both APIs, and a production process refuses a placeholder secret, naming it', async () => {
  for (const i of [0, 1]) expect((await api(i, 'GET', '/v1/api-keys')).body.data).toEqual([expect.objectContaining({ name: 'load test' })]);
  const refused = await startCompiled(copy, 'dist/api/server.js', { ...env, MANAGE_TOKEN_SECRET: 'change-me-in-production' }, 'PORT');
  expect(await refused.exited).toBe(1);
  expect(refused.output()).toContain('MANAGE_TOKEN_SECRET: is a placeholder');
});

test('the set-up made the bootstrap organization and key once; the key works and, once revoked, stays revoked', async () => {
  const organizations = await db.selectFrom('organizations').select('id').where('name', '=', 'Bootstrap Clinic').execute();
  expect(organizations).toHaveLength(1);
  const keys = await call(via(0), 'GET', '/v1/api-keys', { token: bootstrapKey });
  expect(keys.body.data).toEqual([expect.objectContaining({ name: 'bootstrap', prefix: bootstrapKey.slice(0, 9) })]);
  expect((await call(via(1), 'POST', `/v1/api-keys/${keys.body.data[0].id}/revoke`, { token: bootstrapKey })).status).toBe(200);
  await runCompiled(copy, 'dist/scripts/migrate.js', [], { ...env, BOOTSTRAP_ORG_NAME: 'Bootstrap Clinic', BOOTSTRAP_API_KEY: bootstrapKey });
  for (const i of [0, 1]) expect((await call(via(i), 'GET', '/v1/api-keys', { token: bootstrapKey })).status).toBe(401);
});

test('50 reservations of one slot spread over both APIs: exactly one winner', async () => {
  const resourceId = await created(0, '/v1/resources', { name: 'Room', timezone: 'UTC', weekly_schedule: ALWAYS_OPEN });
  const serviceId = await created(1, '/v1/services', { name: 'Consultation', durations_minutes: [30], resource_ids: [resourceId] });
  const start = DateTime.utc().startOf('day').plus({ days: 3, hours: 10 }).toISO();
  const started = Date.now();
  const answers = await Promise.all(Array.from({ length: 50 }, (_, i) => api(i, 'POST', '/v1/bookings', { service_id: serviceId, start })));
  timings.race50Ms = Date.now() - started;
  expect(answers.filter((answer) => answer.status === 201)).toHaveLength(1);
  const refused = answers.filter((answer) => answer.status === 409);
  expect(refused).toHaveLength(49);
  for (const answer of refused) expect(['no_resource_free', 'slot_taken']).toContain(answer.body.code);
  const rows = await db.selectFrom('allocations').select('booking_id').where('resource_id', '=', resourceId).execute();
  expect(rows).toHaveLength(1);
});

test('a manage token\'s 60 requests a minute are counted once across both APIs (RATE_LIMIT_STORE=postgres, the default)', async () => {
  const resourceId = await created(0, '/v1/resources', { name: 'Desk', timezone: 'UTC', weekly_schedule: ALWAYS_OPEN });
  const serviceId = await created(1, '/v1/services', { name: 'Desk hour', durations_minutes: [30], resource_ids: [resourceId] });
  const booking = await api(0, 'POST', '/v1/bookings', { service_id: serviceId, start: DateTime.utc().startOf('day').plus({ days: 5, hours: 9 }).toISO() });
  expect(booking.status).toBe(201);
  const token = booking.body.manage_token as string;
  const statuses: number[] = [];
  for (let i = 0; i < 62; i += 1) statuses.push((await call(via(i), 'GET', `/v1/bookings/${booking.body.id}`, { token })).status);
  // The reservation itself was the API key's; the token's first request opens its window.
  expect(statuses.slice(0, 60).every((status) => status === 200)).toBe(true);
  expect(statuses.slice(60)).toEqual([429, 429]);
});

async function seatsOf(sessionId: string) {
  const session = await db.selectFrom('sessions').selectAll().where('id', '=', sessionId).executeTakeFirstOrThrow();
  const bookings = await db.selectFrom('bookings').select(['status', 'spaces']).where('session_id', '=', sessionId).execute();
  const seated = bookings.filter((b) => ['held', 'confirmed'].includes(b.status)).reduce((sum, b) => sum + b.spaces, 0);
  expect(seated).toBeLessThanOrEqual(session.capacity);
  expect(seated).toBe(session.seats_taken);
  return seated;
}

test('30 seats of a 10-seat session over both APIs: 10 held, 20 waiting in order; cancellations promote the oldest first', async () => {
  const resourceId = await created(0, '/v1/resources', { name: 'Studio', timezone: 'UTC', weekly_schedule: ALWAYS_OPEN });
  const serviceId = await created(1, '/v1/services', { name: 'Yoga', durations_minutes: [60], resource_ids: [resourceId], promotion: 'offer' });
  const sessionId = await created(0, '/v1/sessions', {
    service_id: serviceId, start: DateTime.utc().plus({ days: 5 }).startOf('hour').toISO(), duration_minutes: 60,
    timezone: 'UTC', capacity: 10, waitlist_size: 20,
  });
  const started = Date.now();
  const answers = await Promise.all(Array.from({ length: 30 }, (_, i) => api(i, 'POST', '/v1/bookings', { session_id: sessionId, spaces: 1 })));
  timings.sessionBurst30Ms = Date.now() - started;
  const held = answers.filter((answer) => answer.status === 201).map((answer) => answer.body.id as string);
  const waiting = answers.filter((answer) => answer.status === 202)
    .sort((a, b) => a.body.waitlist_position - b.body.waitlist_position).map((answer) => answer.body.id as string);
  expect([held.length, waiting.length]).toEqual([10, 20]);
  expect(answers.filter((answer) => answer.status === 202).map((answer) => answer.body.waitlist_position).sort((a, b) => a - b))
    .toEqual(Array.from({ length: 20 }, (_, i) => i + 1));
  expect(await seatsOf(sessionId)).toBe(10);

  // Five cancellations at once, alternating APIs: the five oldest waiting bookings take the seats.
  const cancelled = await Promise.all(held.slice(0, 5).map((id, i) => api(i, 'POST', `/v1/bookings/${id}/cancel`, { reason: 'cannot come' })));
  expect(cancelled.map((answer) => answer.body.status)).toEqual(Array(5).fill('cancelled'));
  const statusOf = async (id: string, i: number) => (await api(i, 'GET', `/v1/bookings/${id}`)).body;
  await waitFor(() => Promise.all(waiting.slice(0, 5).map((id, i) => statusOf(id, i))), (rows) => rows.every((row) => row.status === 'held'));
  const rest = await Promise.all(waiting.slice(5).map((id, i) => statusOf(id, i)));
  expect(rest.map((row) => [row.status, row.waitlist_position])).toEqual(Array.from({ length: 15 }, (_, i) => ['waitlisted', i + 1]));
  expect(await seatsOf(sessionId)).toBe(10);
});

test('SIGTERM to one API under load loses no acknowledged booking; requests it no longer takes are retried on the other API', async () => {
  const resourceId = await created(0, '/v1/resources', { name: 'Desk', timezone: 'UTC', weekly_schedule: ALWAYS_OPEN });
  const serviceId = await created(1, '/v1/services', { name: 'Desk hour', durations_minutes: [30], resource_ids: [resourceId] });
  const slots = Array.from({ length: 40 }, (_, i) => DateTime.utc().startOf('day').plus({ days: 4, minutes: 30 * i }).toISO()!);
  const [survivor, stopped] = apis;
  const seen = { inFlightOnStoppedAtSignal: 0, answeredByStoppedAfterSignal: 0, retriedOnSurvivor: 0 };
  let inFlightOnStopped = 0;
  let answered = 0;
  let signalled = false;
  let stopping: Promise<number | null> = new Promise(() => {});

  // A client behind a load balancer: a request the stopping API does not take (connection refused
  // or closed) goes to the other API with the same Idempotency-Key.
  const reserve = async (start: string, toStopped: boolean) => {
    const headers = { 'Idempotency-Key': `drain-${start}` };
    const body = { service_id: serviceId, start };
    let answer;
    try {
      if (toStopped) inFlightOnStopped += 1;
      try {
        answer = await call(toStopped ? stopped.baseUrl : survivor.baseUrl, 'POST', '/v1/bookings', { token: apiKey, body, headers });
      } finally {
        if (toStopped) inFlightOnStopped -= 1;
      }
      if (toStopped && signalled) seen.answeredByStoppedAfterSignal += 1;
    } catch {
      seen.retriedOnSurvivor += 1;
      answer = await call(survivor.baseUrl, 'POST', '/v1/bookings', { token: apiKey, body, headers });
    }
    answered += 1;
    // The SIGTERM lands while the stopping API has requests in hand (a held reservation is answered
    // in tens of milliseconds, so from the 8th answer on, at the first moment it has one).
    if (!signalled && answered >= 8 && inFlightOnStopped > 0) {
      signalled = true;
      seen.inFlightOnStoppedAtSignal = inFlightOnStopped;
      stopping = stopped.stop('SIGTERM');
    }
    return answer;
  };
  // 30 requests spread over ~300 ms, the SIGTERM landing among them; then 10 more once the stopped
  // API is gone, half of them sent to it regardless.
  const during = await Promise.all(slots.slice(0, 30).map(async (start, i) => {
    await new Promise((resolve) => setTimeout(resolve, 10 * i));
    return reserve(start, i % 2 === 1);
  }));
  expect(signalled).toBe(true);
  expect(await stopping).toBe(0);
  const after = await Promise.all(slots.slice(30).map((start, i) => reserve(start, i % 2 === 1)));
  expect(stopped.output()).toContain('SIGTERM: finishing in-flight requests');
  // Requests the stopping API had taken were answered by it; those it could no longer take went elsewhere.
  expect(seen.inFlightOnStoppedAtSignal).toBeGreaterThan(0);
  expect(seen.answeredByStoppedAfterSignal).toBeGreaterThan(0);
  expect(seen.retriedOnSurvivor).toBeGreaterThanOrEqual(5);
  Object.assign(timings, seen);

  const answers = [...during, ...after];
  expect(answers.map((answer) => answer.status)).toEqual(Array(40).fill(201));
  const acknowledged = answers.map((answer) => answer.body.id as string);
  expect(new Set(acknowledged).size).toBe(40);
  const rows = await db.selectFrom('bookings').select(['id', 'status']).where('id', 'in', acknowledged).execute();
  expect(rows.map((row) => row.status)).toEqual(Array(40).fill('held'));
  const allocations = await db.selectFrom('allocations').select('booking_id').where('resource_id', '=', resourceId).execute();
  expect(allocations).toHaveLength(40);
  // Every acknowledged booking has its running workflow, which knows it holds the slot.
  const connection = await Connection.connect({ address: process.env.TEST_TEMPORAL_ADDRESS! });
  try {
    const temporal = new Client({ connection, namespace: 'default' });
    const workflows = await Promise.all(answers.map((answer) => temporal.workflow.getHandle(answer.body.workflow_id).describe()));
    expect(workflows.map((workflow) => workflow.status.name)).toEqual(Array(40).fill('RUNNING'));
  } finally {
    await connection.close();
  }
});

test('the workers stop on SIGTERM and exit 0', async () => {
  expect(await Promise.all(workers.map((worker) => worker.stop('SIGTERM')))).toEqual([0, 0]);
});
