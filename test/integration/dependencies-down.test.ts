import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Kysely } from 'kysely';
import { createApp } from '../../api/app';
import { createDb } from '../../db/connection';
import type { Database } from '../../db/schema';
import { Client, Connection, defaultGrpcRetryOptions, makeGrpcRetryInterceptor } from '@temporalio/client';
import { bookingClient } from '../../temporal/client';
import { createBookable, createResource, futureSlot } from '../stack/fixtures';
import { call, waitFor } from '../stack/http';
import { startTestStack, type TestStack } from '../stack/test-stack';
import { DependencyLink } from '../stack/dependency-link';

/**
 * The SDK's own gRPC retries, which the test can stop and wait out before closing the connection:
 * calls the API gave up on (it answered 503) go on retrying in the background, and a retry that
 * fires after the channel is closed throws out of a timer.
 */
const retriesUntilTeardown = (() => {
  const defaults = defaultGrpcRetryOptions();
  let stopped = false;
  let scheduled = 0;
  return {
    interceptor: makeGrpcRetryInterceptor({
      retryableDecider: (attempt, status) => !stopped && defaults.retryableDecider(attempt, status),
      delayFunction: (attempt, status) => {
        const delay = defaults.delayFunction(attempt, status);
        scheduled += 1;
        setTimeout(() => { scheduled -= 1; }, delay + 1);
        return delay;
      },
    }),
    async stop() {
      stopped = true;
      await waitFor(async () => scheduled, (count) => count === 0);
    },
  };
})();

let stack: TestStack;
let link: DependencyLink;
let temporalLink: DependencyLink;
let temporal: Client;
let db: Kysely<Database>;
let server: Server;
let baseUrl: string;

beforeAll(async () => {
  stack = await startTestStack('dependencies_down');
  const url = new URL(stack.databaseUrl);
  link = new DependencyLink({ host: url.hostname, port: Number(url.port) });
  await link.up();
  url.host = `127.0.0.1:${link.port}`;
  db = createDb(url.toString(), 5);
  const [temporalHost, temporalPort] = stack.temporalAddress.split(':');
  temporalLink = new DependencyLink({ host: temporalHost, port: Number(temporalPort) });
  await temporalLink.up();
  temporal = bookingClient(
    await Connection.connect({ address: `127.0.0.1:${temporalLink.port}`, interceptors: [retriesUntilTeardown.interceptor] }), 'default', db,
  );
  const app = createApp({ db, temporal, taskQueue: stack.taskQueue, manageTokenSecret: stack.manageTokenSecret });
  server = await new Promise((resolve) => {
    const listening = app.listen(0, '127.0.0.1', () => resolve(listening));
  });
  baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(async () => {
  await link?.down().catch(() => undefined);
  temporalLink?.resume();
  await new Promise((resolve) => server?.close(resolve));
  await retriesUntilTeardown.stop();
  await temporal?.connection.close();
  await temporalLink?.down().catch(() => undefined);
  await db?.destroy();
  await stack?.stop();
});

test('PostgreSQL gone: 503 problem+json with Retry-After within 2 s, /readyz names it; back: the API recovers by itself, nothing lost', async () => {
  const resourceId = await createResource({ ...stack, baseUrl });
  expect((await call(baseUrl, 'GET', `/v1/resources/${resourceId}`, { token: stack.apiKey })).status).toBe(200);

  await link.down();
  // Answered, not hung: each request is given 2.5 s at most (the pool's connect timeout is 2 s).
  const refused = await fetch(`${baseUrl}/v1/resources/${resourceId}`, {
    headers: { authorization: `Bearer ${stack.apiKey}` }, signal: AbortSignal.timeout(2500),
  });
  expect(refused.status).toBe(503);
  expect(refused.headers.get('content-type')).toContain('application/problem+json');
  expect(Number(refused.headers.get('retry-after'))).toBeGreaterThan(0);
  expect(await refused.json()).toMatchObject({ status: 503, code: 'unavailable', detail: expect.stringContaining('PostgreSQL') });
  const ready = await fetch(`${baseUrl}/readyz`, { signal: AbortSignal.timeout(2500) });
  expect(ready.status).toBe(503);
  const checks = (await ready.json() as { checks: Record<string, string> }).checks;
  expect(checks.database).not.toBe('ok');
  expect(checks.temporal).toBe('ok');
  const writing = await call(baseUrl, 'POST', '/v1/resources', {
    token: stack.apiKey, body: { name: 'During the outage', timezone: 'UTC', weekly_schedule: {} },
  });
  expect(writing.status).toBe(503);

  await link.up();
  const back = await waitFor(() => call(baseUrl, 'GET', `/v1/resources/${resourceId}`, { token: stack.apiKey }), (response) => response.status === 200);
  expect(back.body.id).toBe(resourceId);
  await waitFor(() => fetch(`${baseUrl}/readyz`).then((response) => response.status), (status) => status === 200);
});

test('Temporal hung (connections open, nothing answered, as a SIGSTOPped server): 503 with Retry-After within 2 s, /readyz names it; answering again: the API recovers by itself, nothing acknowledged lost', async () => {
  const app = { ...stack, baseUrl };
  const { serviceId } = await createBookable(app);
  const held = await call(baseUrl, 'POST', '/v1/bookings', { token: stack.apiKey, body: { service_id: serviceId, start: futureSlot(9) } });
  expect(held.status).toBe(201);

  temporalLink.hang();
  const send = (path: string, body: unknown, headers: Record<string, string> = {}) => fetch(`${baseUrl}${path}`, {
    method: 'POST', body: JSON.stringify(body), signal: AbortSignal.timeout(2500),
    headers: { authorization: `Bearer ${stack.apiKey}`, 'content-type': 'application/json', ...headers },
  });
  // An Update waits on the workflow's activity (30 s allowed); Temporal not answering at all is known in 2 s.
  const details = await send(`/v1/bookings/${held.body.id}/details`, { name: 'Ada Lovelace', email: 'ada@example.com' });
  expect(details.status).toBe(503);
  expect(details.headers.get('content-type')).toContain('application/problem+json');
  expect(Number(details.headers.get('retry-after'))).toBeGreaterThan(0);
  expect(await details.json()).toMatchObject({ status: 503, code: 'unavailable', detail: expect.stringContaining('Temporal') });
  // Update-with-Start: the hold is placed in PostgreSQL, its workflow cannot be started; the answer says to retry with the key.
  const reserving = await send('/v1/bookings', { service_id: serviceId, start: futureSlot(11) }, { 'idempotency-key': 'while-temporal-hangs' });
  expect(reserving.status).toBe(503);
  expect(Number(reserving.headers.get('retry-after'))).toBeGreaterThan(0);
  const ready = await fetch(`${baseUrl}/readyz`, { signal: AbortSignal.timeout(2500) });
  expect(ready.status).toBe(503);
  const checks = (await ready.json() as { checks: Record<string, string> }).checks;
  expect(checks.temporal).not.toBe('ok');
  expect(checks.database).toBe('ok');

  temporalLink.resume();
  await waitFor(() => fetch(`${baseUrl}/readyz`).then((response) => response.status), (status) => status === 200);
  // The retry with the same key gets the booking (its hold was kept); the held booking takes its details.
  const retried = await call(baseUrl, 'POST', '/v1/bookings', {
    token: stack.apiKey, body: { service_id: serviceId, start: futureSlot(11) }, headers: { 'idempotency-key': 'while-temporal-hangs' },
  });
  expect(retried.status).toBe(201);
  expect(retried.body.status).toBe('held');
  // The Update sent during the hang may have reached the workflow once the link resumed: then this one is refused as already done.
  const again = await call(baseUrl, 'POST', `/v1/bookings/${held.body.id}/details`, {
    token: stack.apiKey, body: { name: 'Ada Lovelace', email: 'ada@example.com' },
  });
  expect([200, 409]).toContain(again.status);
  const after = await call(baseUrl, 'GET', `/v1/bookings/${held.body.id}`, { token: stack.apiKey });
  expect(after.body.status).toBe('confirmed');
});

test('Temporal gone (connections dropped, new ones refused): 503 with Retry-After within 2 s; back: the API recovers by itself', async () => {
  const { serviceId } = await createBookable({ ...stack, baseUrl });
  const held = await call(baseUrl, 'POST', '/v1/bookings', { token: stack.apiKey, body: { service_id: serviceId, start: futureSlot(13) } });
  expect(held.status).toBe(201);

  await temporalLink.down();
  // 2 s of waiting on Temporal, plus the request's own reads and the answer (2.15 s measured alone).
  const details = await fetch(`${baseUrl}/v1/bookings/${held.body.id}/details`, {
    method: 'POST', body: JSON.stringify({ name: 'Grace Hopper', email: 'grace@example.com' }), signal: AbortSignal.timeout(3000),
    headers: { authorization: `Bearer ${stack.apiKey}`, 'content-type': 'application/json' },
  });
  expect(details.status).toBe(503);
  expect(Number(details.headers.get('retry-after'))).toBeGreaterThan(0);
  expect(await details.json()).toMatchObject({ status: 503, code: 'unavailable', detail: expect.stringContaining('Temporal') });
  const ready = await fetch(`${baseUrl}/readyz`, { signal: AbortSignal.timeout(2500) });
  expect(ready.status).toBe(503);
  expect((await ready.json() as { checks: Record<string, string> }).checks.temporal).not.toBe('ok');

  await temporalLink.up();
  await waitFor(() => fetch(`${baseUrl}/readyz`).then((response) => response.status), (status) => status === 200);
  const confirmed = await waitFor(
    () => call(baseUrl, 'POST', `/v1/bookings/${held.body.id}/details`, { token: stack.apiKey, body: { name: 'Grace Hopper', email: 'grace@example.com' } }),
    (response) => response.status !== 503,
  );
  expect([200, 409]).toContain(confirmed.status);
  expect((await call(baseUrl, 'GET', `/v1/bookings/${held.body.id}`, { token: stack.apiKey })).body.status).toBe('confirmed');
});
