import net from 'node:net';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Kysely } from 'kysely';
import { createApp } from '../../api/app';
import { createDb } from '../../db/connection';
import type { Database } from '../../db/schema';
import { createResource } from '../stack/fixtures';
import { call, waitFor } from '../stack/http';
import { startTestStack, type TestStack } from '../stack/test-stack';

/**
 * The app's only way to the test PostgreSQL: a TCP relay this test can take down (existing
 * connections dropped, new ones refused) and bring back on the same port, as a PostgreSQL that
 * stops and restarts looks to the app, without stopping the server other test files share.
 */
class DatabaseLink {
  private server: net.Server | null = null;
  private sockets = new Set<net.Socket>();
  port = 0;

  constructor(private readonly target: { host: string; port: number }) {}

  async up(): Promise<void> {
    this.server = net.createServer((client) => {
      const upstream = net.connect(this.target);
      for (const socket of [client, upstream]) {
        this.sockets.add(socket);
        socket.on('close', () => this.sockets.delete(socket));
        socket.on('error', () => socket.destroy());
      }
      client.pipe(upstream).pipe(client);
    });
    await new Promise<void>((resolve) => this.server!.listen(this.port, '127.0.0.1', resolve));
    this.port = (this.server.address() as AddressInfo).port;
  }

  async down(): Promise<void> {
    for (const socket of this.sockets) socket.destroy();
    await new Promise((resolve) => this.server?.close(resolve));
  }
}

let stack: TestStack;
let link: DatabaseLink;
let db: Kysely<Database>;
let server: Server;
let baseUrl: string;

beforeAll(async () => {
  stack = await startTestStack('dependencies_down');
  const url = new URL(stack.databaseUrl);
  link = new DatabaseLink({ host: url.hostname, port: Number(url.port) });
  await link.up();
  url.host = `127.0.0.1:${link.port}`;
  db = createDb(url.toString(), 5);
  const app = createApp({ db, temporal: stack.temporal, taskQueue: stack.taskQueue, manageTokenSecret: stack.manageTokenSecret });
  server = await new Promise((resolve) => {
    const listening = app.listen(0, '127.0.0.1', () => resolve(listening));
  });
  baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(async () => {
  await link?.down().catch(() => undefined);
  await new Promise((resolve) => server?.close(resolve));
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
