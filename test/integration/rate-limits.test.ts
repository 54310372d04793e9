import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createApp } from '../../api/app';
import { createDb } from '../../db/connection';
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

/** Two replicas as the production path runs them: each its own app and its own connection pool, one database. */
async function startReplicas(store: 'postgres' | 'memory') {
  const replicas = await Promise.all([0, 1].map(async () => {
    const db = createDb(stack.databaseUrl, 2);
    const app = createApp({
      db, temporal: stack.temporal, taskQueue: stack.taskQueue, manageTokenSecret: stack.manageTokenSecret,
      rateLimits: { apiKeyPerMinute: 4, manageTokenPerMinute: 2, store },
    });
    const listening: Server = await new Promise((resolve) => {
      const started = app.listen(0, '127.0.0.1', () => resolve(started));
    });
    return { db, server: listening, baseUrl: `http://127.0.0.1:${(listening.address() as AddressInfo).port}` };
  }));
  return {
    urls: replicas.map(({ baseUrl }) => baseUrl),
    async stop() {
      for (const { server: replica, db } of replicas) {
        await new Promise((resolve) => replica.close(resolve));
        await db.destroy();
      }
    },
  };
}

/** Six requests of one new API key, alternating between the replicas. */
async function alternate(urls: string[]) {
  const { apiKey } = await stack.newOrganization();
  const answers: Array<{ status: number; remaining: string | undefined }> = [];
  for (let index = 0; index < 6; index += 1) {
    const response = await fetch(`${urls[index % 2]}/v1/resources`, { headers: { authorization: `Bearer ${apiKey}` } });
    answers.push({ status: response.status, remaining: /remaining=(\d+)/.exec(response.headers.get('ratelimit') ?? '')?.[1] });
  }
  return { apiKey, answers };
}

test('with RATE_LIMIT_STORE=postgres two API replicas share one count per credential', async () => {
  const replicas = await startReplicas('postgres');
  try {
    const { apiKey, answers } = await alternate(replicas.urls);
    expect(answers).toEqual([
      { status: 200, remaining: '3' }, { status: 200, remaining: '2' }, { status: 200, remaining: '1' }, { status: 200, remaining: '0' },
      { status: 429, remaining: '0' }, { status: 429, remaining: '0' },
    ]);
    const refused = await call(replicas.urls[0], 'GET', '/v1/resources', { token: apiKey });
    expect(refused.body).toMatchObject({ status: 429, code: 'rate_limited' });
    expect(Number((await fetch(`${replicas.urls[1]}/v1/resources`, { headers: { authorization: `Bearer ${apiKey}` } })).headers.get('retry-after'))).toBeGreaterThan(0);
    // The counter holds a hash of the credential, never the key itself.
    const stored = await stack.db.selectFrom('rate_limit_counters').select('credential_hash').execute();
    expect(stored.length).toBeGreaterThan(0);
    expect(stored.map(({ credential_hash: hash }) => hash).join()).not.toContain(apiKey);
  } finally {
    await replicas.stop();
  }
});

test('concurrent requests of one credential over two replicas: exactly the limit gets through, each with its own place in the count', async () => {
  const replicas = await startReplicas('postgres');
  try {
    const { apiKey } = await stack.newOrganization();
    const answers = await Promise.all(Array.from({ length: 12 }, async (_, index) => {
      const response = await fetch(`${replicas.urls[index % 2]}/v1/resources`, { headers: { authorization: `Bearer ${apiKey}` } });
      return { status: response.status, remaining: /remaining=(\d+)/.exec(response.headers.get('ratelimit') ?? '')?.[1] };
    }));
    const admitted = answers.filter(({ status }) => status === 200);
    expect(admitted.map(({ remaining }) => remaining).sort()).toEqual(['0', '1', '2', '3']);
    expect(answers.filter(({ status }) => status === 429)).toHaveLength(8);
  } finally {
    await replicas.stop();
  }
});

test('with RATE_LIMIT_STORE=memory each replica counts alone: two of them let twice the limit through', async () => {
  const replicas = await startReplicas('memory');
  try {
    const { answers } = await alternate(replicas.urls);
    expect(answers.map(({ status }) => status)).toEqual([200, 200, 200, 200, 200, 200]);
    expect(answers.map(({ remaining }) => remaining)).toEqual(['3', '3', '2', '2', '1', '1']);
  } finally {
    await replicas.stop();
  }
});
