import { WorkflowUpdateFailedError } from '@temporalio/client';
import { ApplicationFailure } from '@temporalio/common';
import { activityInfo } from '@temporalio/activity';
import { NativeConnection, Worker } from '@temporalio/worker';
import { randomBytes, randomUUID } from 'node:crypto';
import { DateTime } from 'luxon';
import { sql } from 'kysely';
import { createActivities } from '../../activities';
import type { OrphanSearch, OrphanSearchResult } from '../../activities/find-orphaned-bookings';
import { bookingDataConverter } from '../../personal-data/data-converter';
import { reconcilerScheduleId, ensureReconcilerSchedule } from '../../worker/schedules';
import { bookingStateQuery, bookingWorkflowId, cancelUpdate, checkInUpdate, confirmUpdate, rescheduleUpdate, submitDetailsUpdate } from '../../workflows/messages';
import { bookingWorkflow } from '../../workflows/booking';
import { reconcileBookingsWorkflow, type ReconcileReport } from '../../workflows/reconciler';
import { createBookable, createResource, createService, futureSlot, reserve } from '../stack/fixtures';
import { call, waitFor } from '../stack/http';
import { bookSeats, createSession, expectSeatsWithinCapacity } from '../stack/session-fixtures';
import { startTestStack, type TestStack } from '../stack/test-stack';

// What an operator can do to a booking in the Temporal UI (Request Cancellation, Terminate, Send an
// Update) done here through the same client calls the UI makes, and the reconciler that repairs.

let stack: TestStack;
beforeAll(async () => {
  stack = await startTestStack('operator');
});
afterAll(() => stack?.stop());

const post = (path: string, body: unknown = {}) => call(stack.baseUrl, 'POST', path, { token: stack.apiKey, body });
const get = (path: string) => call(stack.baseUrl, 'GET', path, { token: stack.apiKey });
const details = { name: 'Ada Lovelace', email: 'ada@example.com' };
const handleOf = (workflowId: string) => stack.temporal.workflow.getHandle(workflowId);

async function eventsOf(bookingId: string) {
  return (await get(`/v1/bookings/${bookingId}/events`)).body.data as Array<{ from: string | null; to: string; actor: string; reason: string | null }>;
}

async function historyHasNoFailedTask(workflowId: string) {
  const history = await handleOf(workflowId).fetchHistory();
  return !history.events!.some((event) => event.workflowTaskFailedEventAttributes);
}

function reconcileOnce(bookingIds?: string[], overdueSeconds?: number): Promise<ReconcileReport> {
  return stack.temporal.workflow.execute(reconcileBookingsWorkflow, {
    workflowId: `test-reconcile-${randomUUID()}`,
    taskQueue: stack.taskQueue,
    args: [{ graceSeconds: 0, ...(bookingIds && { bookingIds }), ...(overdueSeconds !== undefined && { overdueSeconds }) }],
  });
}

describe('Request Cancellation in Temporal cancels the booking', () => {
  test.each([
    ['held', false, false],
    ['pending_approval', true, true],
    ['confirmed', false, true],
  ])('from %s: row cancelled by the operator, capacity free, workflow closed as cancelled', async (status, approval, withDetails) => {
    const { serviceId } = await createBookable(stack, { requires_approval: approval });
    const start = futureSlot(2);
    const held = await reserve(stack, { service_id: serviceId, start });
    if (withDetails) await post(`/v1/bookings/${held.body.id}/details`, details);
    expect((await get(`/v1/bookings/${held.body.id}`)).body.status).toBe(status);

    // The UI's button and the CLI send this request; a reason, where one is given, reaches the audit log.
    const reason = status === 'confirmed' ? 'customer called to cancel' : undefined;
    await stack.temporal.workflowService.requestCancelWorkflowExecution({
      namespace: 'default', workflowExecution: { workflowId: held.body.workflow_id }, identity: 'ops@example.com', reason,
    });
    await waitFor(async () => (await handleOf(held.body.workflow_id).describe()).status.name, (name) => name !== 'RUNNING');

    expect((await handleOf(held.body.workflow_id).describe()).status.name).toBe('CANCELLED');
    expect((await get(`/v1/bookings/${held.body.id}`)).body.status).toBe('cancelled');
    const cancellation = (await eventsOf(held.body.id)).at(-1)!;
    expect(cancellation).toMatchObject({ from: status, to: 'cancelled', actor: 'operator' });
    expect(cancellation.reason).toBe(reason
      ? `${reason} (cancellation requested in Temporal by ops@example.com)` : 'cancellation requested in Temporal by ops@example.com');
    expect((await reserve(stack, { service_id: serviceId, start })).status).toBe(201);
    // The API then answers with the booking's status, never a 500.
    const again = await post(`/v1/bookings/${held.body.id}/cancel`);
    expect(again.status).toBe(409);
    expect(again.body).toMatchObject({ code: 'invalid_transition', current_status: 'cancelled' });
  });

  test('a seated session booking: its seat goes to the waiting list; a waiting one leaves the queue', async () => {
    const resourceId = await createResource(stack);
    const serviceId = await createService(stack, { resource_ids: [resourceId], promotion: 'offer' });
    const session = await createSession(stack, { service_id: serviceId, capacity: 1, waitlist_size: 5 });
    const seated = (await bookSeats(stack, session.id)).body;
    const waiting = (await bookSeats(stack, session.id)).body;
    const last = (await bookSeats(stack, session.id)).body;
    expect([seated.status, waiting.status, last.status]).toEqual(['held', 'waitlisted', 'waitlisted']);

    await handleOf(last.workflow_id).cancel();
    await waitFor(async () => (await get(`/v1/bookings/${last.id}`)).body.status, (value) => value === 'cancelled');

    await handleOf(seated.workflow_id).cancel();
    await waitFor(async () => (await get(`/v1/bookings/${waiting.id}`)).body.status, (value) => value === 'held');
    await waitFor(() => handleOf(waiting.workflow_id).query(bookingStateQuery), (state) => state.status === 'held');
    expect((await get(`/v1/bookings/${seated.id}`)).body.status).toBe('cancelled');
    await expectSeatsWithinCapacity(stack, session.id);
  });
});

describe('Updates and signals with a malformed payload', () => {
  test('are refused by the validator naming the field, and never fail a workflow task', async () => {
    const { serviceId } = await createBookable(stack, { requires_approval: true });
    const held = await reserve(stack, { service_id: serviceId, start: futureSlot(10) });
    const handle = handleOf(held.body.workflow_id);

    const refusal = async (send: () => Promise<unknown>) => {
      const error = await send().then(() => null, (caught: unknown) => caught);
      expect(error).toBeInstanceOf(WorkflowUpdateFailedError);
      const cause = (error as WorkflowUpdateFailedError).cause;
      expect(cause).toBeInstanceOf(ApplicationFailure);
      return (cause as ApplicationFailure).message;
    };
    // The UI's default: no payload at all.
    expect(await refusal(() => handle.executeUpdate(submitDetailsUpdate as never))).toMatch(/name: .*; email: /);
    expect(await refusal(() => handle.executeUpdate(submitDetailsUpdate, { args: [{ name: 'Ada', email: 42 } as never] }))).toMatch(/^email: /);
    expect(await refusal(() => handle.executeUpdate(cancelUpdate as never))).toMatch(/^actor: /);
    expect(await refusal(() => handle.executeUpdate(cancelUpdate, { args: [{ actor: 'ops', reason: 7 } as never] }))).toMatch(/^reason: /);
    expect(await refusal(() => handle.executeUpdate(rescheduleUpdate, { args: [{ actor: 'ops', start: 'tomorrow' } as never] })))
      .toMatch(/start: .*durationMinutes: .*resourceIds: /);
    expect(await refusal(() => handle.executeUpdate(checkInUpdate as never))).toMatch(/actor: .*present: /);

    await post(`/v1/bookings/${held.body.id}/details`, details);
    expect(await refusal(() => handle.executeUpdate(confirmUpdate as never))).toMatch(/^actor: /);
    expect(await refusal(() => handle.executeUpdate(confirmUpdate, { args: [{ actor: ['host'] } as never] }))).toMatch(/^actor: /);
    await handle.signal('promoted', 'not a booking');
    await handle.signal('sessionCancelled', { reason: 5 });

    // The booking is untouched and still answers its API.
    expect((await handle.query(bookingStateQuery)).status).toBe('pending_approval');
    expect((await post(`/v1/bookings/${held.body.id}/confirm`)).body.status).toBe('confirmed');
    expect(await historyHasNoFailedTask(held.body.workflow_id)).toBe(true);
  });
});

describe('what an operator reads', () => {
  test('static fields say only what cannot change; the time, names and customer state are current details that follow the booking', async () => {
    const resourceId = await createResource(stack, { name: 'Dr Lee', timezone: 'Europe/Paris' });
    const serviceId = await createService(stack, { name: 'Consultation', resource_ids: [resourceId] });
    const start = futureSlot(20);
    const held = await reserve(stack, { service_id: serviceId, start });
    const handle = handleOf(held.body.workflow_id);
    const description = await handle.describe();
    expect(await description.staticSummary()).toBe(`Consultation · booking ${held.body.id}`);
    const staticDetails = await description.staticDetails();
    expect(staticDetails).toContain(`/v1/bookings/${held.body.id}`);
    expect(staticDetails).toContain(`\`${serviceId}\``);
    // Nothing that a reschedule, a new resource or the customer's details could make stale.
    expect(staticDetails).not.toContain('Dr Lee');
    expect(staticDetails).not.toMatch(/Customer|Starts|\d{2}:\d{2}/);

    const currentDetails = async () => (await handle.query('__temporal_workflow_metadata') as { currentDetails?: string }).currentDetails ?? '';
    const local = (iso: string) => DateTime.fromISO(iso, { zone: 'Europe/Paris' }).toFormat('ccc d LLL yyyy HH:mm');
    const held1 = await waitFor(currentDetails, (text) => text.includes('**Status:** held'));
    expect(held1).toContain(`**Time:** ${local(start)}–`);
    expect(held1).toContain('(Europe/Paris)');
    expect(held1).toContain('**With:** Dr Lee');
    expect(held1).not.toContain(resourceId);
    expect(held1).toContain('**Customer:** details not submitted yet');
    expect(held1).toContain('hold expires');
    expect(held1).not.toMatch(/\d{4}-\d{2}-\d{2}T/);

    expect((await post(`/v1/bookings/${held.body.id}/details`, details)).body.status).toBe('confirmed');
    const confirmed = await waitFor(currentDetails, (text) => text.includes('**Status:** confirmed'));
    expect(confirmed).toContain('**Customer:** details submitted');
    expect(confirmed).not.toContain(details.email);

    const later = DateTime.fromISO(start).plus({ hours: 2 }).toISO()!;
    expect((await post(`/v1/bookings/${held.body.id}/reschedule`, { start: later })).status).toBe(200);
    const moved = await waitFor(currentDetails, (text) => text.includes(`**Time:** ${local(later)}–`));
    expect(moved).toContain('**With:** Dr Lee');
    expect(moved).toContain('**Customer:** details submitted');
    expect(await (await handle.describe()).staticSummary()).toBe(`Consultation · booking ${held.body.id}`);
  });
});

describe('the reconciler', () => {
  test('a terminated held booking past its hold expires; a terminated confirmed one gets a workflow whose timers fire', async () => {
    const resourceId = await createResource(stack);
    const serviceId = await createService(stack, {
      resource_ids: [resourceId], durations_minutes: [1], slot_step_minutes: 1, hold_ttl_seconds: 2, reminder_offsets_seconds: [],
    });
    const heldStart = DateTime.utc().plus({ days: 2 }).startOf('minute').toISO()!;
    const held = (await reserve(stack, { service_id: serviceId, start: heldStart })).body;

    // A confirmed booking whose reminder and end come within seconds.
    const start = DateTime.utc().plus({ seconds: 15 }).startOf('minute').plus({ minutes: 1 });
    const remindingService = await createService(stack, {
      resource_ids: [await createResource(stack)], durations_minutes: [1], slot_step_minutes: 1,
      reminder_offsets_seconds: [Math.floor((start.toMillis() - Date.now()) / 1000) - 8],
    });
    const confirmed = (await reserve(stack, { service_id: remindingService, start: start.toISO() })).body;
    const detailsGiven = await post(`/v1/bookings/${confirmed.id}/details`, details);
    expect([detailsGiven.status, detailsGiven.body.status]).toEqual([200, 'confirmed']);

    await handleOf(held.workflow_id).terminate('operator pressed Terminate');
    await handleOf(confirmed.workflow_id).terminate('operator pressed Terminate');
    await waitFor(async () => Date.now(), (now) => now > Date.parse(held.hold_expires_at));

    const report = await reconcileOnce([held.id, confirmed.id]);
    expect(report.repaired.map(({ bookingId, action, workflow }) => [bookingId, action, workflow]).sort())
      .toEqual([[held.id, 'expired', 'closed'], [confirmed.id, 'resumed', 'closed']].sort());
    expect((await get(`/v1/bookings/${held.id}`)).body.status).toBe('expired');
    expect((await eventsOf(held.id)).at(-1)).toMatchObject({ from: 'held', to: 'expired', actor: 'reconciler' });
    expect((await reserve(stack, { service_id: serviceId, start: heldStart })).status).toBe(201);
    // Each repair is counted for Prometheus (the worker runs in this process, so the API's /metrics shows it).
    const metrics = await fetch(`${stack.baseUrl}/metrics`).then((response) => response.text());
    expect(metrics).toMatch(/booking_reconciler_repairs_total\{action="expired"\} [1-9]/);
    expect(metrics).toMatch(/booking_reconciler_repairs_total\{action="resumed"\} [1-9]/);

    const resumed = handleOf(confirmed.workflow_id);
    expect((await resumed.describe()).status.name).toBe('RUNNING');
    expect((await eventsOf(confirmed.id)).at(-1)).toMatchObject({ from: 'confirmed', to: 'confirmed', actor: 'reconciler' });
    // The resumed workflow sends the reminder still ahead and completes the booking at its end.
    await waitFor(async () => (await get(`/v1/bookings/${confirmed.id}/notifications`)).body.data.length, (count) => count === 1);
    await waitFor(async () => (await get(`/v1/bookings/${confirmed.id}`)).body.status, (value) => value === 'completed', 150_000);
    expect(await historyHasNoFailedTask(confirmed.workflow_id)).toBe(true);
    // Nothing is left to repair, and a second run changes nothing.
    expect((await reconcileOnce([held.id, confirmed.id])).repaired).toEqual([]);
  }, 200_000);

  test('the API repairs a booking whose workflow is gone instead of answering 500', async () => {
    const { serviceId } = await createBookable(stack);
    const held = (await reserve(stack, { service_id: serviceId, start: futureSlot(30) })).body;
    await handleOf(held.workflow_id).terminate('lost');

    const confirmed = await post(`/v1/bookings/${held.id}/details`, details);
    expect(confirmed.status).toBe(200);
    expect(confirmed.body.status).toBe('confirmed');
    expect((await handleOf(held.workflow_id).describe()).status.name).toBe('RUNNING');
    expect((await handleOf(held.workflow_id).query(bookingStateQuery)).status).toBe('confirmed');
  });

  test('a booking row whose workflow never started is adopted once it is older than the grace period', async () => {
    const { serviceId } = await createBookable(stack);
    // The hold committed, then its caller died before any workflow was started.
    const bookingId = randomUUID();
    const hold = await createActivities({ db: stack.db }).placeHold({
      bookingId, organizationId: stack.organizationId, serviceId, start: futureSlot(32),
      durationMinutes: null, resourceIds: null, customer: null, metadata: {},
    });
    expect(hold.outcome).toBe('held');

    const young = await stack.temporal.workflow.execute(reconcileBookingsWorkflow, {
      workflowId: `test-reconcile-grace-${bookingId}`, taskQueue: stack.taskQueue, args: [{ bookingIds: [bookingId], graceSeconds: 3600 }],
    });
    expect(young.repaired).toEqual([]);
    const report = await reconcileOnce([bookingId]);
    expect(report.repaired).toEqual([{ bookingId, workflow: 'missing', status: 'held', action: 'resumed' }]);
    const adopted = handleOf(bookingWorkflowId(bookingId));
    expect((await adopted.query(bookingStateQuery)).status).toBe('held');
    expect(await (await adopted.describe()).staticSummary()).toContain('resumed by the reconciler');
    expect((await post(`/v1/bookings/${bookingId}/details`, details)).body.status).toBe('confirmed');
  });

  test('a booking whose workflow is stalled past its deadline gets its ending in the database', async () => {
    const { serviceId } = await createBookable(stack, { hold_ttl_seconds: 2 });
    const start = futureSlot(34);
    const bookingId = randomUUID();
    const hold = await createActivities({ db: stack.db }).placeHold({
      bookingId, organizationId: stack.organizationId, serviceId, start, durationMinutes: null, resourceIds: null, customer: null, metadata: {},
    });
    expect(hold.outcome).toBe('held');
    // Its workflow runs but never makes progress: no worker polls its task queue.
    const stalled = await stack.temporal.workflow.start(bookingWorkflow, {
      workflowId: bookingWorkflowId(bookingId), taskQueue: `${stack.taskQueue}-without-worker`,
      args: [{ adopt: { bookingId, organizationId: stack.organizationId, actor: 'test', reason: 'stalled' } }],
    });
    await waitFor(async () => Date.now(), (now) => hold.outcome === 'held' && now > Date.parse(hold.booking.holdExpiresAt!));

    expect((await reconcileOnce([bookingId])).repaired).toEqual([]);
    const report = await reconcileOnce([bookingId], 0);
    expect(report.repaired).toEqual([{ bookingId, workflow: 'stalled', status: 'held', action: 'expired' }]);
    expect((await get(`/v1/bookings/${bookingId}`)).body.status).toBe('expired');
    expect((await reserve(stack, { service_id: serviceId, start })).status).toBe(201);
    await stalled.terminate('test done');
  });

  // The passes below name no booking: they find what changed since the last pass, as the Schedule's do.
  const startRecorded = async (bookingId: string) => (await stack.db.selectFrom('bookings').select('workflow_started_at')
    .where('id', '=', bookingId).executeTakeFirstOrThrow()).workflow_started_at;
  const repairsOf = (report: ReconcileReport, bookingId: string) => report.repaired.filter((entry) => entry.bookingId === bookingId);

  test('a pass records running workflows once, then finds a terminated one by its close, once', async () => {
    const { serviceId } = await createBookable(stack);
    const booking = (await reserve(stack, { service_id: serviceId, start: futureSlot(36) })).body;
    expect((await post(`/v1/bookings/${booking.id}/details`, details)).body.status).toBe('confirmed');
    expect(repairsOf(await reconcileOnce(), booking.id)).toEqual([]);
    expect(await startRecorded(booking.id)).not.toBeNull();

    await handleOf(booking.workflow_id).terminate('operator pressed Terminate');
    expect(repairsOf(await reconcileOnce(), booking.id)).toEqual([{ bookingId: booking.id, workflow: 'closed', status: 'confirmed', action: 'resumed' }]);
    expect((await handleOf(booking.workflow_id).describe()).status.name).toBe('RUNNING');
    expect(await startRecorded(booking.id)).not.toBeNull();
    expect(repairsOf(await reconcileOnce(), booking.id)).toEqual([]);
  });

  test('a pass adopts a row whose workflow never started, and ends a recorded one stalled past its deadline', async () => {
    const { serviceId } = await createBookable(stack, { hold_ttl_seconds: 20 });
    const placed = async (start: string) => {
      const bookingId = randomUUID();
      const hold = await createActivities({ db: stack.db }).placeHold({
        bookingId, organizationId: stack.organizationId, serviceId, start, durationMinutes: null, resourceIds: null, customer: null, metadata: {},
      });
      if (hold.outcome !== 'held') throw new Error(`no hold: ${hold.outcome}`);
      return { bookingId, holdExpiresAt: hold.booking.holdExpiresAt! };
    };
    const neverStarted = await placed(futureSlot(38));
    const stalled = await placed(futureSlot(40));
    const run = await stack.temporal.workflow.start(bookingWorkflow, {
      workflowId: bookingWorkflowId(stalled.bookingId), taskQueue: `${stack.taskQueue}-without-worker`,
      args: [{ adopt: { bookingId: stalled.bookingId, organizationId: stack.organizationId, actor: 'test', reason: 'stalled' } }],
    });

    const first = await reconcileOnce(undefined, 1);
    expect(repairsOf(first, neverStarted.bookingId)).toEqual([{ bookingId: neverStarted.bookingId, workflow: 'missing', status: 'held', action: 'resumed' }]);
    expect(await startRecorded(neverStarted.bookingId)).not.toBeNull();
    // Running and within its hold: recorded, so only its deadline can bring it back.
    expect(repairsOf(first, stalled.bookingId)).toEqual([]);
    expect(await startRecorded(stalled.bookingId)).not.toBeNull();

    await waitFor(async () => Date.now(), (now) => now > Date.parse(stalled.holdExpiresAt) + 1500, 60_000);
    expect(repairsOf(await reconcileOnce(undefined, 1), stalled.bookingId))
      .toEqual([{ bookingId: stalled.bookingId, workflow: 'stalled', status: 'held', action: 'expired' }]);
    expect((await get(`/v1/bookings/${stalled.bookingId}`)).body.status).toBe('expired');
    await run.terminate('test done');
  }, 90_000);

  test('a running workflow deleted outright, which no pass reads, is found by the full sweep', async () => {
    const { serviceId } = await createBookable(stack);
    const booking = (await reserve(stack, { service_id: serviceId, start: futureSlot(42) })).body;
    expect((await post(`/v1/bookings/${booking.id}/details`, details)).body.status).toBe('confirmed');
    await reconcileOnce();
    expect(await startRecorded(booking.id)).not.toBeNull();

    await stack.temporal.workflowService.deleteWorkflowExecution({
      namespace: stack.temporal.options.namespace, workflowExecution: { workflowId: booking.workflow_id },
    });
    await waitFor(async () => handleOf(booking.workflow_id).describe().then(() => 'present', () => 'gone'), (state) => state === 'gone');
    // Gone from visibility too (its deletion reaches it a moment later), as if it had never been.
    await waitFor(async () => (await stack.temporal.workflow.count(`WorkflowId = '${booking.workflow_id}'`)).count, (count) => count === 0);
    // No close for a pass to read: the row stays as recorded, and only the sweep asks about it.
    expect(repairsOf(await reconcileOnce(), booking.id)).toEqual([]);
    expect(await startRecorded(booking.id)).not.toBeNull();

    // A budget of nothing makes every step one page: the sweep goes on from each step's cursor.
    const swept = await stack.temporal.workflow.execute(reconcileBookingsWorkflow, {
      workflowId: `test-sweep-${randomUUID()}`, taskQueue: stack.taskQueue, args: [{ graceSeconds: 0, sweep: { after: null, budgetSeconds: 0 } }],
    });
    expect(repairsOf(swept, booking.id)).toEqual([{ bookingId: booking.id, workflow: 'missing', status: 'confirmed', action: 'resumed' }]);
    const live = await stack.db.selectFrom('bookings').select((eb) => eb.fn.countAll<string>().as('n'))
      .where('status', 'in', ['waitlisted', 'held', 'pending_approval', 'confirmed']).executeTakeFirstOrThrow();
    expect(swept.checked).toBe(Number(live.n));
    expect((await handleOf(booking.workflow_id).query(bookingStateQuery)).status).toBe('confirmed');
  });

  test('a recorded booking whose workflow was deleted is ended by a pass once its deadline is long past, without a sweep', async () => {
    const { serviceId } = await createBookable(stack);
    const start = futureSlot(44);
    const booking = (await reserve(stack, { service_id: serviceId, start })).body;
    await reconcileOnce();
    expect(await startRecorded(booking.id)).not.toBeNull();
    await stack.temporal.workflowService.deleteWorkflowExecution({
      namespace: stack.temporal.options.namespace, workflowExecution: { workflowId: booking.workflow_id },
    });
    await waitFor(async () => (await stack.temporal.workflow.count(`WorkflowId = '${booking.workflow_id}'`)).count, (count) => count === 0);
    expect(repairsOf(await reconcileOnce(), booking.id)).toEqual([]);

    // Its hold ran out an hour ago while no workflow was left to notice: the deadline's index finds it.
    await stack.db.updateTable('bookings').set({ hold_expires_at: sql<Date>`now() - interval '1 hour'` }).where('id', '=', booking.id).execute();
    expect(repairsOf(await reconcileOnce(), booking.id)).toEqual([{ bookingId: booking.id, workflow: 'missing', status: 'held', action: 'expired' }]);
    expect((await get(`/v1/bookings/${booking.id}`)).body.status).toBe('expired');
    expect((await reserve(stack, { service_id: serviceId, start })).status).toBe(201);
  });

  test('a sweep whose activity dies after a page resumes from its heartbeat\'s cursor, and never past an orphan it had not returned', async () => {
    const { serviceId } = await createBookable(stack);
    // Six live rows after a cursor no random id reaches, in this order; the third and the sixth have no workflow.
    const suffix = () => `${randomBytes(2).toString('hex')}-4${randomBytes(2).toString('hex').slice(1)}-8${randomBytes(2).toString('hex').slice(1)}-${randomBytes(6).toString('hex')}`;
    const ids = [1, 2, 3, 4, 5, 6].map((rank) => `fffffff${rank}-${suffix()}`);
    const orphans = [ids[2], ids[5]];
    const activities = createActivities({ db: stack.db, temporal: stack.temporal });
    for (const [index, bookingId] of ids.entries()) {
      const hold = await activities.placeHold({
        bookingId, organizationId: stack.organizationId, serviceId, start: futureSlot(46 + index), durationMinutes: null, resourceIds: null, customer: null, metadata: {},
      });
      expect(hold.outcome).toBe('held');
      if (orphans.includes(bookingId)) continue;
      await stack.temporal.workflow.start(bookingWorkflow, {
        workflowId: bookingWorkflowId(bookingId), taskQueue: `${stack.taskQueue}-without-worker`,
        args: [{ adopt: { bookingId, organizationId: stack.organizationId, actor: 'test', reason: 'a running workflow' } }],
      });
    }

    // A worker whose first attempt of each sweep step dies once the step is done, before it can answer.
    const attempts: Array<{ attempt: number; checked: number; next: string | null | undefined; orphans: string[] }> = [];
    const taskQueue = `${stack.taskQueue}-sweep-crash`;
    const connection = await NativeConnection.connect({ address: stack.temporalAddress });
    const worker = await Worker.create({
      connection, namespace: 'default', taskQueue, dataConverter: bookingDataConverter(stack.db),
      workflowBundle: { codePath: process.env.TEST_WORKFLOW_BUNDLE! },
      activities: {
        ...activities,
        findOrphanedBookings: async (search: OrphanSearch): Promise<OrphanSearchResult> => {
          const result = await activities.findOrphanedBookings(search);
          const { attempt } = activityInfo();
          attempts.push({ attempt, checked: result.checked, next: result.next, orphans: result.orphans.map((orphan) => orphan.booking.id) });
          if (attempt === 1) throw new Error('the worker died before the step could answer');
          return result;
        },
      },
    });
    const swept = await worker.runUntil(stack.temporal.workflow.execute(reconcileBookingsWorkflow, {
      workflowId: `test-sweep-crash-${randomUUID()}`, taskQueue,
      args: [{ graceSeconds: 0, sweep: { after: 'fffffff0-0000-0000-0000-000000000000', budgetSeconds: 0, pageSize: 2 } }],
    }));
    await connection.close();

    expect(attempts).toEqual([
      // Its first page held no orphan: the retry goes on after it, not from the first page.
      { attempt: 1, checked: 2, next: ids[1], orphans: [] },
      { attempt: 2, checked: 2, next: ids[3], orphans: [ids[2]] },
      // This page's orphan was never returned: the retry reads the page again.
      { attempt: 1, checked: 2, next: ids[5], orphans: [ids[5]] },
      { attempt: 2, checked: 2, next: ids[5], orphans: [ids[5]] },
      { attempt: 1, checked: 0, next: null, orphans: [] },
      { attempt: 2, checked: 0, next: null, orphans: [] },
    ]);
    expect(swept.repaired.map(({ bookingId, workflow, action }) => [bookingId, workflow, action]))
      .toEqual(orphans.map((bookingId) => [bookingId, 'missing', 'resumed']));
    // Their workflows are left running (on queues no worker polls from now on): terminated, they would be orphans again.
  });

  test('a pass hands back at most its limit of orphans; the next pass takes the rest', async () => {
    const { serviceId } = await createBookable(stack);
    const activities = createActivities({ db: stack.db });
    const ids: string[] = [];
    for (const slot of [60, 61, 62]) {
      const bookingId = randomUUID();
      const hold = await activities.placeHold({
        bookingId, organizationId: stack.organizationId, serviceId, start: futureSlot(slot), durationMinutes: null, resourceIds: null, customer: null, metadata: {},
      });
      expect(hold.outcome).toBe('held');
      ids.push(bookingId);
    }
    const pass = () => stack.temporal.workflow.execute(reconcileBookingsWorkflow, {
      workflowId: `test-reconcile-${randomUUID()}`, taskQueue: stack.taskQueue, args: [{ graceSeconds: 0, limit: 2 }],
    });
    const first = await pass();
    expect(first.repaired).toHaveLength(2);
    const second = await pass();
    expect([...first.repaired, ...second.repaired].map((entry) => entry.bookingId).sort()).toEqual([...ids].sort());
    expect((await pass()).repaired).toEqual([]);
  });

  test('runs from a Schedule visible to operators', async () => {
    await ensureReconcilerSchedule(stack.temporal, stack.taskQueue, 3600);
    await ensureReconcilerSchedule(stack.temporal, stack.taskQueue, 120);
    const schedule = stack.temporal.schedule.getHandle(reconcilerScheduleId(stack.taskQueue));
    const described = await schedule.describe();
    expect(described.spec.intervals).toMatchObject([{ every: 120_000 }]);
    expect(described.action).toMatchObject({ type: 'startWorkflow', workflowType: 'reconcileBookingsWorkflow', taskQueue: stack.taskQueue });
    await schedule.trigger();
    await waitFor(async () => (await schedule.describe()).info.recentActions.length, (count) => count >= 1);
    const [action] = (await schedule.describe()).info.recentActions;
    const run = stack.temporal.workflow.getHandle(action.action.workflow.workflowId, action.action.workflow.firstExecutionRunId);
    expect((await run.result()).checked).toBeGreaterThan(0);
    await schedule.delete();
  });
});
