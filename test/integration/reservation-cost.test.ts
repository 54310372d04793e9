import type { AddressInfo } from 'node:net';
import { Client, Connection, WorkflowNotFoundError } from '@temporalio/client';
import { temporal } from '@temporalio/proto';
import { DateTime } from 'luxon';
import { placeHold } from '../../bookings/place-hold';
import { createApp } from '../../api/app';
import { bookingIdFor } from '../../bookings/hold-request';
import { freePort } from '../../scripts/stack/infra-launcher';
import { bookingStateQuery, bookingWorkflowId } from '../../workflows/messages';
import { reconcileBookingsWorkflow } from '../../workflows/reconciler';
import { createBookable, createResource, createService, futureSlot, reserve } from '../stack/fixtures';
import { call, waitFor } from '../stack/http';
import { startTestStack, type TestStack } from '../stack/test-stack';

let stack: TestStack;
beforeAll(async () => {
  stack = await startTestStack('reservation-cost');
});
afterAll(() => stack?.stop());

const post = (path: string, body: unknown = {}) => call(stack.baseUrl, 'POST', path, { token: stack.apiKey, body });
const get = (path: string) => call(stack.baseUrl, 'GET', path, { token: stack.apiKey });

/** The workflow of the booking a keyed request names, or null if Temporal never heard of it. */
async function workflowOfKey(key: string) {
  const handle = stack.temporal.workflow.getHandle(bookingWorkflowId(bookingIdFor(stack.organizationId, key)));
  return handle.describe().catch((error) => {
    if (error instanceof WorkflowNotFoundError) return null;
    throw error;
  });
}

test('30 keyed requests race for one slot: one 201 with its workflow, 29 refusals that leave nothing in Temporal', async () => {
  const { serviceId } = await createBookable(stack);
  const start = futureSlot(4);
  const keys = Array.from({ length: 30 }, (_, index) => `race-${index}`);
  const responses = await Promise.all(keys.map((key) => reserve(stack, { service_id: serviceId, start }, { 'Idempotency-Key': key })));
  expect(responses.map((response) => response.status).sort()).toEqual([201, ...Array(29).fill(409)]);
  for (const [index, response] of responses.entries()) {
    const workflow = await workflowOfKey(keys[index]);
    if (response.status === 201) {
      expect(workflow?.status.name).toBe('RUNNING');
    } else {
      expect(response.body).toMatchObject({ status: 409 });
      expect(['slot_taken', 'no_resource_free']).toContain(response.body.code);
      expect(workflow).toBeNull();
    }
  }
});

test('a full session refuses without a workflow; a waiting-list place gets its own, which follows the row', async () => {
  const resourceId = await createResource(stack);
  const serviceId = await createService(stack, { resource_ids: [resourceId], durations_minutes: [60] });
  const session = await post('/v1/sessions', {
    service_id: serviceId, start: DateTime.utc().plus({ days: 5 }).startOf('hour').toISO(), capacity: 1, waitlist_size: 1,
  });
  const sessionId = session.body.id ?? session.body.data[0].id;
  const seat = (key: string) => reserve(stack, { session_id: sessionId, spaces: 1 }, { 'Idempotency-Key': key });
  const held = await seat('seat-1');
  const waiting = await seat('seat-2');
  const full = await seat('seat-3');
  expect([held.status, waiting.status, full.status]).toEqual([201, 202, 409]);
  expect(full.body.code).toBe('session_full');
  expect(await workflowOfKey('seat-3')).toBeNull();
  const state = await stack.temporal.workflow.getHandle(waiting.body.workflow_id).query(bookingStateQuery);
  expect(state.status).toBe('waitlisted');
  // The seat frees up: the waiting booking's workflow hears of its promotion and holds the seat.
  await post(`/v1/bookings/${held.body.id}/cancel`, { reason: 'changed plans' });
  await waitFor(() => stack.temporal.workflow.getHandle(waiting.body.workflow_id).query(bookingStateQuery), (now) => now.status === 'held');
});

test('a hold committed by an API that died before starting its workflow: a retry with the same key gives it its workflow', async () => {
  const { serviceId } = await createBookable(stack, { hold_ttl_seconds: 600 });
  const key = 'api-died-after-commit';
  const body = { service_id: serviceId, start: futureSlot(6) };
  // What the API commits before it starts the workflow; the process is gone before the start.
  const orphan = await placeHold(stack.db, {
    bookingId: bookingIdFor(stack.organizationId, key), organizationId: stack.organizationId, serviceId, start: body.start,
    durationMinutes: null, resourceIds: null, customer: null, metadata: {},
  }, new Date());
  expect(orphan.outcome).toBe('held');
  expect(await workflowOfKey(key)).toBeNull();

  const retried = await reserve(stack, body, { 'Idempotency-Key': key });
  expect(retried.status).toBe(201);
  expect(retried.body.id).toBe(bookingIdFor(stack.organizationId, key));
  const state = await stack.temporal.workflow.getHandle(retried.body.workflow_id).query(bookingStateQuery);
  expect(state).toMatchObject({ status: 'held', booking: { id: retried.body.id } });
  const confirmed = await post(`/v1/bookings/${retried.body.id}/details`, { name: 'Ada Lovelace', email: 'ada@example.com' });
  expect(confirmed.body.status).toBe('confirmed');
});

test('Temporal unreachable after the hold committed: 503, the hold waits unacknowledged, the retry with the key gives it its workflow', async () => {
  const { serviceId } = await createBookable(stack, { hold_ttl_seconds: 600 });
  // The same app and database, with a Temporal that is down (nothing listens on its port).
  const deadTemporal = new Client({
    connection: await Connection.lazy({ address: `127.0.0.1:${await freePort()}`, connectTimeout: '1 second', interceptors: [] }),
  });
  const app = createApp({ db: stack.db, temporal: deadTemporal, taskQueue: stack.taskQueue, manageTokenSecret: stack.manageTokenSecret });
  const server = await new Promise<ReturnType<typeof app.listen>>((resolve) => {
    const listening = app.listen(0, '127.0.0.1', () => resolve(listening));
  });
  const key = 'temporal-was-down';
  const body = { service_id: serviceId, start: futureSlot(10) };
  try {
    const refused = await call(`http://127.0.0.1:${(server.address() as AddressInfo).port}`, 'POST', '/v1/bookings', {
      token: stack.apiKey, body, headers: { 'Idempotency-Key': key },
    });
    expect(refused.status).toBe(503);
    expect(refused.contentType).toContain('application/problem+json');
    expect(refused.body).toMatchObject({ code: 'unavailable', detail: expect.stringContaining('Idempotency-Key') });
  } finally {
    await new Promise((resolve) => server.close(resolve));
    await deadTemporal.connection.close();
  }
  expect(await workflowOfKey(key)).toBeNull();

  const retried = await reserve(stack, body, { 'Idempotency-Key': key });
  expect(retried.status).toBe(201);
  expect(retried.body.id).toBe(bookingIdFor(stack.organizationId, key));
  expect(await stack.temporal.workflow.getHandle(retried.body.workflow_id).query(bookingStateQuery)).toMatchObject({ status: 'held' });
});

test('holds committed by an API that died before their workflow started: the reconciler adopts the live one, expires the lapsed one', async () => {
  const { serviceId: lasting } = await createBookable(stack, { hold_ttl_seconds: 600 });
  const { serviceId: brief, resourceId: briefResource } = await createBookable(stack, { hold_ttl_seconds: 1 });
  // What the API commits before it starts the workflow; the process is gone before the start.
  const commitOnly = async (serviceId: string, slot: number) => {
    const bookingId = crypto.randomUUID();
    const outcome = await placeHold(stack.db, {
      bookingId, organizationId: stack.organizationId, serviceId, start: futureSlot(slot), durationMinutes: null,
      resourceIds: null, customer: null, metadata: {},
    }, new Date());
    expect(outcome.outcome).toBe('held');
    return bookingId;
  };
  const live = await commitOnly(lasting, 8);
  const lapsed = await commitOnly(brief, 8);
  const lapsesAt = Date.parse((await get(`/v1/bookings/${lapsed}`)).body.hold_expires_at);
  await waitFor(async () => Date.now(), (now) => now > lapsesAt);

  const report = await stack.temporal.workflow.execute(reconcileBookingsWorkflow, {
    workflowId: `reconcile-gap-${live}`, taskQueue: stack.taskQueue, args: [{ bookingIds: [live, lapsed], graceSeconds: 0 }],
  });
  expect(report.repaired.map(({ bookingId, action }) => ({ bookingId, action })).sort((a, b) => a.action.localeCompare(b.action)))
    .toEqual([{ bookingId: lapsed, action: 'expired' }, { bookingId: live, action: 'resumed' }]);
  const adopted = await stack.temporal.workflow.getHandle(bookingWorkflowId(live)).query(bookingStateQuery);
  expect(adopted).toMatchObject({ status: 'held', booking: { id: live } });
  expect((await get(`/v1/bookings/${lapsed}`)).body.status).toBe('expired');
  const taken = await stack.db.selectFrom('allocations').select('booking_id')
    .where('resource_id', '=', briefResource).where('released_at', 'is', null).execute();
  expect(taken).toEqual([]);
});

test('hold → details → confirm → completed: the reservation is answered without an Update, the history stays short', async () => {
  const resourceId = await createResource(stack);
  const serviceId = await createService(stack, {
    resource_ids: [resourceId], durations_minutes: [1], slot_step_minutes: 1, requires_approval: true, approval_ttl_seconds: 3600,
  });
  const start = DateTime.utc().plus({ seconds: 5 }).startOf('minute').plus({ minutes: 1 });
  const held = await reserve(stack, { service_id: serviceId, start: start.toISO() });
  expect(held.status).toBe(201);
  const handle = stack.temporal.workflow.getHandle(held.body.workflow_id);
  // A customer takes a moment to fill in the details: by then a worker has run the first task (details
  // sent sooner ride in that same task, which only shortens the history).
  await waitFor(() => handle.describe(), (workflow) => workflow.historyLength >= 5);
  expect((await post(`/v1/bookings/${held.body.id}/details`, { name: 'Ada Lovelace', email: 'ada@example.com' })).body.status)
    .toBe('pending_approval');
  expect((await post(`/v1/bookings/${held.body.id}/confirm`, { reason: 'see you' })).body.status).toBe('confirmed');
  await waitFor(async () => (await get(`/v1/bookings/${held.body.id}`)).body.status, (status) => status === 'completed', 150_000);

  const typeOf = (event: temporal.api.history.v1.IHistoryEvent) => temporal.api.enums.v1.EventType[event.eventType!];
  // The booking's life ends with its `completed` marker and search attributes; in the same task the
  // workflow starts the check-in window's timer and stays open for late check-ins,
  // which is counted apart: the window adds that timer, its firing, one task and the completion.
  // (The row says completed as soon as the completing task's activity committed; the history has
  // that task once the window's timer, the only one started after the end's fired, is in it.)
  const history = await waitFor(async () => (await handle.fetchHistory()).events!, (all) => {
    const types = all.map(typeOf);
    return types.includes('EVENT_TYPE_TIMER_FIRED')
      && types.lastIndexOf('EVENT_TYPE_TIMER_STARTED') > types.lastIndexOf('EVENT_TYPE_TIMER_FIRED');
  });
  const events = history.slice(0, history.map(typeOf).lastIndexOf('EVENT_TYPE_TIMER_STARTED'));
  const types = events.map(typeOf);
  // The API answered once Temporal accepted the start: the first workflow task adopts the placed
  // hold and starts its timer, with no Update, activity or upsert (those cost 2 events and a worker
  // round trip on the reservation's path, and a refusal never gets here).
  expect(types.slice(0, 5)).toEqual(['EVENT_TYPE_WORKFLOW_EXECUTION_STARTED', 'EVENT_TYPE_WORKFLOW_TASK_SCHEDULED',
    'EVENT_TYPE_WORKFLOW_TASK_STARTED', 'EVENT_TYPE_WORKFLOW_TASK_COMPLETED', 'EVENT_TYPE_TIMER_STARTED']);
  // The search attributes came with the start.
  const startAttributes = events[0].workflowExecutionStartedEventAttributes!.searchAttributes!.indexedFields!;
  expect(Object.keys(startAttributes).sort()).toEqual(['BookingStart', 'BookingStatus', 'ResourceIds', 'ServiceId']);
  console.log(`history of hold → details → confirm → completed: ${events.length} events\n  ${types.join('\n  ')}`);
  // The transitions' e-mails and webhooks are delivered by workflows their activities start, not
  // by children of this one (each child cost 3 events and woke the booking once more: 51 events).
  expect(types.filter((type) => type.includes('CHILD_WORKFLOW'))).toEqual([]);
  // What is left: 1 start + 3 workflow tasks per wake-up (start, 2 Updates, the end's timer),
  // the details' and the confirmation's Update accepted/completed, each transition's marker and search-attribute upsert, and a
  // timer per deadline (hold, approval, end), the first two cancelled by the Update that moves on,
  // and the check-in window's patch marker with the TemporalChangeVersion upsert the SDK adds to it.
  expect(types.slice(types.lastIndexOf('EVENT_TYPE_TIMER_FIRED'))).toEqual(['EVENT_TYPE_TIMER_FIRED', 'EVENT_TYPE_WORKFLOW_TASK_SCHEDULED',
    'EVENT_TYPE_WORKFLOW_TASK_STARTED', 'EVENT_TYPE_WORKFLOW_TASK_COMPLETED', 'EVENT_TYPE_MARKER_RECORDED',
    'EVENT_TYPE_UPSERT_WORKFLOW_SEARCH_ATTRIBUTES', 'EVENT_TYPE_MARKER_RECORDED', 'EVENT_TYPE_UPSERT_WORKFLOW_SEARCH_ATTRIBUTES']);
  expect(events.length).toBeLessThanOrEqual(31);
}, 200_000);
