import { randomBytes } from 'node:crypto';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createApp, type AppDeps } from '../../api/app';
import { serveMetrics } from '../../api/metrics-server';
import type { RateLimits } from '../../api/rate-limit';
import { createBookable, futureSlot, reserve } from '../stack/fixtures';
import { startTestStack, type TestStack } from '../stack/test-stack';

/**
 * What a stranger can reach without credentials, or with wrong ones: the manage pages and the
 * codec are limited per client address, refused credentials cost their address, /metrics needs
 * its token or its own port, and pages are neither stored, nor framed, nor leaked by Referer.
 */
let stack: TestStack;
const servers: Server[] = [];

beforeAll(async () => {
  stack = await startTestStack('exposure');
});
afterAll(async () => {
  for (const server of servers) await new Promise((resolve) => server.close(resolve));
  await stack?.stop();
});

/** The real app with these settings, its own counters (the in-memory store), on port 0. */
async function appWith(settings: Partial<AppDeps> & { rateLimits?: RateLimits }): Promise<string> {
  const app = createApp({
    db: stack.db, temporal: stack.temporal, taskQueue: stack.taskQueue, manageTokenSecret: stack.manageTokenSecret, ...settings,
  });
  const server: Server = await new Promise((resolve) => {
    const listening = app.listen(0, '127.0.0.1', () => resolve(listening));
  });
  servers.push(server);
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
}

const generous = { apiKeyPerMinute: 1000, manageTokenPerMinute: 1000 };
const decodeBody = JSON.stringify({ payloads: [] });

test('the manage pages are limited per client address, whatever the token', async () => {
  const base = await appWith({ rateLimits: { ...generous, addressPerMinute: 3 } });
  const { serviceId } = await createBookable(stack);
  const booking = await reserve(stack, { service_id: serviceId, start: futureSlot(3) });
  const token = booking.body.manage_token as string;
  const statuses: number[] = [];
  for (let index = 0; index < 3; index += 1) statuses.push((await fetch(`${base}/manage/${token}`)).status);
  expect(statuses).toEqual([200, 200, 200]);
  // Another token from the same address shares the address's budget.
  const refused = await fetch(`${base}/manage/mt_${randomBytes(24).toString('base64url')}`);
  expect(refused.status).toBe(429);
  expect(Number(refused.headers.get('retry-after'))).toBeGreaterThan(0);
  expect(refused.headers.get('ratelimit-policy')).toBe('3;w=60');
});

test('behind a named proxy each forwarded client has its own address budget; without one, X-Forwarded-For is not believed', async () => {
  const page = (base: string, client: string) => fetch(`${base}/manage/mt_${randomBytes(24).toString('base64url')}`, { headers: { 'x-forwarded-for': client } });
  const behindProxy = await appWith({ rateLimits: { ...generous, addressPerMinute: 2 }, trustProxy: ['loopback'] });
  const first = [(await page(behindProxy, '203.0.113.7')).status, (await page(behindProxy, '203.0.113.7')).status, (await page(behindProxy, '203.0.113.7')).status];
  expect(first.slice(2)).toEqual([429]);
  expect((await page(behindProxy, '198.51.100.9')).status).not.toBe(429);

  // Without TRUST_PROXY a client cannot escape its budget by writing another address into the header.
  const direct = await appWith({ rateLimits: { ...generous, addressPerMinute: 2 } });
  const statuses = [];
  for (const client of ['203.0.113.1', '203.0.113.2', '203.0.113.3']) statuses.push((await page(direct, client)).status);
  expect(statuses[2]).toBe(429);
});

test('the codec is limited per client address and under its API key', async () => {
  const byAddress = await appWith({ rateLimits: { ...generous, addressPerMinute: 2 } });
  const decode = (base: string, key = stack.apiKey) => fetch(`${base}/codec/decode`, {
    method: 'POST', headers: { authorization: `Bearer ${key}`, 'content-type': 'application/json' }, body: decodeBody,
  });
  expect([(await decode(byAddress)).status, (await decode(byAddress)).status, (await decode(byAddress)).status]).toEqual([200, 200, 429]);

  const byKey = await appWith({ rateLimits: { apiKeyPerMinute: 2, manageTokenPerMinute: 2, addressPerMinute: 100 } });
  expect([(await decode(byKey)).status, (await decode(byKey)).status]).toEqual([200, 200]);
  const overKey = await decode(byKey);
  expect(overKey.status).toBe(429);
  expect(((await overKey.json()) as { detail: string }).detail).toContain('with these credentials');
});

test('wrong API keys and forged manage tokens cost their address: past the limit even a right key is refused until the window ends', async () => {
  const base = await appWith({ rateLimits: { ...generous, failedAuthPerMinute: 2 } });
  const get = (token: string) => fetch(`${base}/v1/resources`, { headers: { authorization: `Bearer ${token}` } });
  // No credential at all costs no lookup and is not counted.
  for (let index = 0; index < 3; index += 1) expect((await fetch(`${base}/v1/resources`)).status).toBe(401);
  expect((await get(stack.apiKey)).status).toBe(200);
  expect((await get(`sk_${randomBytes(24).toString('hex')}`)).status).toBe(401);
  expect((await get(`mt_${randomBytes(24).toString('base64url')}`)).status).toBe(401);
  const third = await get(`sk_${randomBytes(24).toString('hex')}`);
  expect(third.status).toBe(429);
  expect(((await third.json()) as { detail: string }).detail).toContain('refused credentials a minute from this address');
  const rightKeyNow = await get(stack.apiKey);
  expect(rightKeyNow.status).toBe(429);
  expect(Number(rightKeyNow.headers.get('retry-after'))).toBeGreaterThan(0);
  // The codec's key goes through the same gate.
  const codec = await fetch(`${base}/codec/decode`, {
    method: 'POST', headers: { authorization: `Bearer ${stack.apiKey}`, 'content-type': 'application/json' }, body: decodeBody,
  });
  expect(codec.status).toBe(429);
});

test('/metrics behind its bearer token, off on the public port when it has its own, and served there', async () => {
  const token = randomBytes(16).toString('hex');
  const guarded = await appWith({ metrics: { access: 'token', token } });
  expect((await fetch(`${guarded}/metrics`)).status).toBe(401);
  expect((await fetch(`${guarded}/metrics`, { headers: { authorization: `Bearer ${token}x` } })).status).toBe(401);
  const scraped = await fetch(`${guarded}/metrics`, { headers: { authorization: `Bearer ${token}` } });
  expect(scraped.status).toBe(200);
  expect(await scraped.text()).toContain('# TYPE');

  const off = await appWith({ metrics: { access: 'off' } });
  expect((await fetch(`${off}/metrics`)).status).toBe(404);
  const own = await serveMetrics(0, '127.0.0.1', token);
  servers.push(own);
  const ownUrl = `http://127.0.0.1:${(own.address() as AddressInfo).port}/metrics`;
  expect((await fetch(ownUrl)).status).toBe(401);
  expect((await fetch(ownUrl, { headers: { authorization: `Bearer ${token}` } })).status).toBe(200);
});

test('pages are not stored, not framed and send no Referer', async () => {
  const { serviceId } = await createBookable(stack);
  const booking = await reserve(stack, { service_id: serviceId, start: futureSlot(5) });
  const pages = [`/manage/${booking.body.manage_token}`, '/book/no-such-service', `/manage/mt_${randomBytes(24).toString('base64url')}`];
  for (const path of pages) {
    const response = await fetch(`${stack.baseUrl}${path}`);
    expect(response.headers.get('content-type')).toMatch(/text\/html/);
    // A page of an organization that lists no embed origins may be framed by this app alone (its own
    // embed snippet's page); an error page by nobody.
    expect({ path, cache: response.headers.get('cache-control'), referrer: response.headers.get('referrer-policy'), csp: response.headers.get('content-security-policy') })
      .toEqual({ path, cache: 'no-store', referrer: 'no-referrer', csp: expect.stringMatching(/^frame-ancestors '(none|self)'$/) });
  }
});

test('the codec answers a browser\'s preflight from the Temporal UI\'s origin, and only from it', async () => {
  const base = await appWith({ codecCorsOrigins: ['http://ui.example:8233'] });
  const preflight = (origin: string) => fetch(`${base}/codec/decode`, {
    method: 'OPTIONS',
    headers: { origin, 'access-control-request-method': 'POST', 'access-control-request-headers': 'content-type,x-namespace,authorization' },
  });
  const allowed = await preflight('http://ui.example:8233');
  expect(allowed.status).toBe(204);
  expect(allowed.headers.get('access-control-allow-origin')).toBe('http://ui.example:8233');
  expect(allowed.headers.get('access-control-allow-methods')).toContain('POST');
  expect(allowed.headers.get('access-control-allow-headers')?.toLowerCase()).toContain('x-namespace');
  const other = await preflight('http://evil.example');
  expect(other.headers.get('access-control-allow-origin')).toBeNull();
});
