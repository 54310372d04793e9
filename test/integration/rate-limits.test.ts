import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createApp } from '../../api/app';
import { createBookable, futureSlot, reserve } from '../stack/fixtures';
import { call } from '../stack/http';
import { startTestStack, type TestStack } from '../stack/test-stack';

let stack: TestStack;
let server: Server;
let limited: string;

beforeAll(async () => {
  stack = await startTestStack('rate_limits');
  // The same app with small limits; its minute starts now, so the test stays inside one window.
  const app = createApp({
    db: stack.db, temporal: stack.temporal, taskQueue: stack.taskQueue, manageTokenSecret: stack.manageTokenSecret,
    rateLimits: { apiKeyPerMinute: 3, manageTokenPerMinute: 2 },
  });
  server = await new Promise((resolve) => {
    const listening = app.listen(0, '127.0.0.1', () => resolve(listening));
  });
  limited = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(async () => {
  await new Promise((resolve) => server?.close(resolve));
  await stack?.stop();
});

test('an API key gets its limit a minute, with RateLimit fields, then 429 with Retry-After; another key is counted apart', async () => {
  const remaining: (string | null)[] = [];
  for (let index = 0; index < 3; index += 1) {
    const response = await fetch(`${limited}/v1/resources`, { headers: { authorization: `Bearer ${stack.apiKey}` } });
    expect(response.status).toBe(200);
    expect(response.headers.get('ratelimit-policy')).toBe('3;w=60');
    remaining.push(response.headers.get('ratelimit'));
  }
  expect(remaining.map((value) => /remaining=(\d+)/.exec(value ?? '')?.[1])).toEqual(['2', '1', '0']);
  const refused = await call(limited, 'GET', '/v1/resources', { token: stack.apiKey });
  expect(refused.status).toBe(429);
  expect(refused.body).toMatchObject({ code: 'rate_limited', status: 429 });
  const raw = await fetch(`${limited}/v1/resources`, { headers: { authorization: `Bearer ${stack.apiKey}` } });
  expect(Number(raw.headers.get('retry-after'))).toBeGreaterThan(0);
  expect(raw.headers.get('ratelimit')).toMatch(/remaining=0/);

  const other = await stack.newOrganization();
  expect((await call(limited, 'GET', '/v1/resources', { token: other.apiKey })).status).toBe(200);
});

test('a manage token has its own, smaller limit', async () => {
  const { serviceId } = await createBookable(stack);
  const booking = await reserve(stack, { service_id: serviceId, start: futureSlot(5) });
  const token = booking.body.manage_token as string;
  for (let index = 0; index < 2; index += 1) {
    expect((await call(limited, 'GET', `/v1/bookings/${booking.body.id}`, { token })).status).toBe(200);
  }
  const refused = await call(limited, 'GET', `/v1/bookings/${booking.body.id}`, { token });
  expect(refused.status).toBe(429);
  expect(refused.body.detail).toContain('at most 2 requests a minute');
});
