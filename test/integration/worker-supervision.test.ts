import { spawn } from 'node:child_process';
import path from 'node:path';
import { supervise, type Supervised } from '../../scripts/stack/supervisor';
import { createBookable, futureSlot, reserve } from '../stack/fixtures';
import { call, waitFor } from '../stack/http';
import { startTestStack, type TestStack } from '../stack/test-stack';

/**
 * The worker as `npm start` runs it: a real `worker/main.ts` process under the launcher's supervisor.
 * Killed with SIGKILL, /readyz says so within 10 s and names the worker; the supervisor brings a
 * new one up and the hold placed before the kill still expires.
 */
let stack: TestStack;
let worker: Supervised;
const launcherLog: string[] = [];

beforeAll(async () => {
  stack = await startTestStack('supervision', { worker: false });
  const root = path.resolve(__dirname, '../..');
  worker = supervise('worker/main.ts', () => spawn(process.execPath, ['--import', 'tsx', path.join(root, 'worker', 'main.ts')], {
    env: { ...process.env, DATABASE_URL: stack.databaseUrl, TEMPORAL_ADDRESS: stack.temporalAddress, TEMPORAL_TASK_QUEUE: stack.taskQueue },
    stdio: ['ignore', 'ignore', 'inherit'],
    // The restart waits longer than /readyz takes to notice (6 s without a heartbeat), so the test
  // sees the gap whatever the machine's speed; a real launcher starts at 1 s.
}), { initialBackoffMs: 8000, log: (message) => launcherLog.push(message) });
});
afterAll(async () => {
  await worker?.stop();
  await stack?.stop();
});

const readiness = () => call(stack.baseUrl, 'GET', '/readyz');

test('a stalled or killed worker: /readyz 503 naming it within 10 s; killed, the launcher restarts it and holds still expire', async () => {
  await waitFor(readiness, (r) => r.status === 200, 150_000);
  const { serviceId } = await createBookable(stack, { hold_ttl_seconds: 20 });
  const held = await reserve(stack, { service_id: serviceId, start: futureSlot(4) });
  expect(held.status).toBe(201);

  // Stalled first (SIGSTOP, as a loop pinned at 100 % CPU looks from outside): Temporal still
  // lists its pollers, the heartbeat says it.
  const stalled = worker.current()!;
  const stalledAt = Date.now();
  stalled.kill('SIGSTOP');
  const stalledAnswer = await waitFor(readiness, (r) => r.status === 503, 10_000);
  expect(Date.now() - stalledAt).toBeLessThan(10_000);
  expect(stalledAnswer.body.checks.worker).toMatch(/has reported for \d+ s \(dead or stalled\)/);
  stalled.kill('SIGCONT');
  await waitFor(readiness, (r) => r.status === 200, 30_000);

  const killedAt = Date.now();
  worker.current()!.kill('SIGKILL');
  const notReady = await waitFor(readiness, (r) => r.status === 503, 10_000);
  expect(Date.now() - killedAt).toBeLessThan(10_000);
  expect(notReady.body).toMatchObject({ status: 'not_ready', checks: { database: 'ok', temporal: 'ok' } });
  expect(notReady.body.checks.worker).toMatch(/no worker of task queue .* (has reported|is running)/);

  await waitFor(readiness, (r) => r.status === 200, 150_000);
  expect(launcherLog).toEqual([expect.stringMatching(/^worker\/main\.ts exited \(SIGKILL\); restarting it in 8 s \(restart 1\)$/)]);
  const expired = await waitFor(
    () => call(stack.baseUrl, 'GET', `/v1/bookings/${held.body.id}`, { token: stack.apiKey }),
    (r) => r.body.status === 'expired', 30_000,
  );
  expect(new Date(expired.body.updated_at).getTime()).toBeGreaterThanOrEqual(new Date(held.body.hold_expires_at).getTime());
}, 360_000);
