import { spawn, type ChildProcess } from 'node:child_process';
import path from 'node:path';
import { bookingWorkflow } from '../../workflows/booking';
import { createBookable, futureSlot, reserve } from '../stack/fixtures';
import { call, waitFor } from '../stack/http';
import { startTestStack, type TestStack } from '../stack/test-stack';

const ROOT = path.resolve(__dirname, '..', '..');
let stack: TestStack;
let worker: ChildProcess | null = null;

/** The real worker entry point as its own process, so it can be killed like a crashing one. */
async function startWorkerProcess(): Promise<ChildProcess> {
  const child = spawn(process.execPath, ['--import', 'tsx', path.join(ROOT, 'worker', 'main.ts')], {
    cwd: ROOT,
    env: {
      ...process.env, DATABASE_URL: stack.databaseUrl, TEMPORAL_ADDRESS: stack.temporalAddress,
      TEMPORAL_TASK_QUEUE: stack.taskQueue,
    },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  await new Promise<void>((resolve, reject) => {
    child.stdout!.on('data', (chunk: Buffer) => {
      if (chunk.toString().includes('worker polling')) resolve();
    });
    child.once('exit', (code) => reject(new Error(`worker exited with ${code}`)));
  });
  return child;
}

function kill(child: ChildProcess): Promise<void> {
  return new Promise((resolve) => {
    child.once('exit', () => resolve());
    child.kill('SIGKILL');
  });
}

beforeAll(async () => {
  stack = await startTestStack('crash', { worker: false });
  worker = await startWorkerProcess();
});
afterAll(async () => {
  if (worker && worker.exitCode === null) await kill(worker);
  await stack?.stop();
});

test('holds placed before the worker is killed still expire or confirm under a new worker', async () => {
  // The hold to confirm outlives a slow restart on a busy machine; the other expires meanwhile.
  const { serviceId } = await createBookable(stack, { hold_ttl_seconds: 4 });
  const { serviceId: patientService } = await createBookable(stack, { hold_ttl_seconds: 300 });
  const toConfirm = await reserve(stack, { service_id: patientService, start: futureSlot(2) });
  const toExpire = await reserve(stack, { service_id: serviceId, start: futureSlot(3) });
  expect([toConfirm.body.status, toExpire.body.status]).toEqual(['held', 'held']);

  await kill(worker!);
  worker = await startWorkerProcess();

  const confirmed = await call(stack.baseUrl, 'POST', `/v1/bookings/${toConfirm.body.id}/details`, {
    token: stack.apiKey, body: { name: 'Grace Hopper', email: 'grace@example.com' },
  });
  expect([confirmed.status, confirmed.body.status, confirmed.body.detail]).toEqual([200, 'confirmed', undefined]);
  const expired = await waitFor(
    () => call(stack.baseUrl, 'GET', `/v1/bookings/${toExpire.body.id}`, { token: stack.apiKey }),
    (response) => response.body.status === 'expired',
  );
  expect(expired.body.status).toBe('expired');
  const active = await stack.db.selectFrom('allocations').select('booking_id').where('released_at', 'is', null).execute();
  expect(active.map((row) => row.booking_id)).toEqual([toConfirm.body.id]);
});

test('a hold expires even when no worker runs at its deadline', async () => {
  const { serviceId } = await createBookable(stack, { hold_ttl_seconds: 2 });
  const held = await reserve(stack, { service_id: serviceId, start: futureSlot(5) });
  await kill(worker!);
  // The timer fires on the server while no worker is there; the new worker picks up the task.
  const deadline = Date.parse(held.body.hold_expires_at);
  await waitFor(async () => Date.now(), (now) => now > deadline + 1000);
  const beforeRestart = await stack.db.selectFrom('bookings').select('status').where('id', '=', held.body.id).executeTakeFirstOrThrow();
  expect(beforeRestart.status).toBe('held');
  worker = await startWorkerProcess();
  await waitFor(
    () => stack.db.selectFrom('bookings').select('status').where('id', '=', held.body.id).executeTakeFirstOrThrow(),
    (row) => row.status === 'expired',
  );
});

test('reservations answered while no worker runs: their workflows take the holds on once a worker is back', async () => {
  const { serviceId } = await createBookable(stack, { hold_ttl_seconds: 2 });
  const { serviceId: patientService } = await createBookable(stack, { hold_ttl_seconds: 300 });
  await kill(worker!);
  // The answer comes from the committed hold once Temporal has accepted the workflow's start: no worker needed.
  const toExpire = await reserve(stack, { service_id: serviceId, start: futureSlot(7) });
  const toConfirm = await reserve(stack, { service_id: patientService, start: futureSlot(8) });
  expect([toExpire.status, toExpire.body.status, toConfirm.status, toConfirm.body.status]).toEqual([201, 'held', 201, 'held']);
  for (const held of [toExpire, toConfirm]) {
    const handle = stack.temporal.workflow.getHandle(held.body.workflow_id);
    // Started, its first task not yet run by any worker. (A poll the killed worker left open on the
    // server may still take the task, recording WorkflowTaskStarted, which then times out unrun.)
    const events = (await handle.fetchHistory()).events ?? [];
    expect([(await handle.describe()).status.name, events.some((event) => event.workflowTaskCompletedEventAttributes)])
      .toEqual(['RUNNING', false]);
  }
  await waitFor(async () => Date.now(), (now) => now > Date.parse(toExpire.body.hold_expires_at) + 500);

  worker = await startWorkerProcess();
  const confirmed = await call(stack.baseUrl, 'POST', `/v1/bookings/${toConfirm.body.id}/details`, {
    token: stack.apiKey, body: { name: 'Katherine Johnson', email: 'katherine@example.com' },
  });
  expect([confirmed.status, confirmed.body.status]).toEqual([200, 'confirmed']);
  await waitFor(
    () => stack.db.selectFrom('bookings').select('status').where('id', '=', toExpire.body.id).executeTakeFirstOrThrow(),
    (row) => row.status === 'expired',
  );
  const taken = await stack.db.selectFrom('allocations').select('booking_id').where('released_at', 'is', null)
    .where('booking_id', 'in', [toExpire.body.id, toConfirm.body.id]).execute();
  expect(taken.map((row) => row.booking_id)).toEqual([toConfirm.body.id]);
});

test('details that reach a workflow adopting its booking before it has read the row are taken once it has', async () => {
  const { serviceId } = await createBookable(stack, { hold_ttl_seconds: 300 });
  const held = await reserve(stack, { service_id: serviceId, start: futureSlot(9) });
  expect(held.status).toBe(201);
  await kill(worker!);
  // What the reconciler does for a workflow that is gone: a new run that adopts the row. With no
  // worker running, the customer's details wait for its first task, in which the run has yet to read its booking.
  await stack.temporal.workflow.getHandle(held.body.workflow_id).terminate('lost');
  await stack.temporal.workflow.start(bookingWorkflow, {
    workflowId: held.body.workflow_id, taskQueue: stack.taskQueue, workflowIdReusePolicy: 'ALLOW_DUPLICATE',
    args: [{ adopt: { bookingId: held.body.id, organizationId: stack.organizationId, actor: 'reconciler', reason: 'its workflow was terminated' } }],
  });
  const details = call(stack.baseUrl, 'POST', `/v1/bookings/${held.body.id}/details`, {
    token: stack.apiKey, body: { name: 'Dorothy Vaughan', email: 'dorothy@example.com' },
  });
  worker = await startWorkerProcess();
  const confirmed = await details;
  expect([confirmed.status, confirmed.body.status]).toEqual([200, 'confirmed']);
});
