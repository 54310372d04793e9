import { DateTime } from 'luxon';
import { createResource, createService, reserve } from '../stack/fixtures';
import { call, waitFor } from '../stack/http';
import { startTestStack, type TestStack } from '../stack/test-stack';

let stack: TestStack;
beforeAll(async () => {
  stack = await startTestStack('check-in-window');
});
afterAll(() => stack?.stop());

const post = (path: string, body: unknown = {}) => call(stack.baseUrl, 'POST', path, { token: stack.apiKey, body });
const get = (path: string) => call(stack.baseUrl, 'GET', path, { token: stack.apiKey });

/** The summaries of the timers a workflow started, read from its history. */
async function timerSummaries(workflowId: string): Promise<string[]> {
  const history = await stack.temporal.workflow.getHandle(workflowId).fetchHistory();
  return (history.events ?? [])
    .filter((event) => event.timerStartedEventAttributes && event.userMetadata?.summary?.data)
    .map((event) => JSON.parse(Buffer.from(event.userMetadata!.summary!.data!).toString()) as string);
}

test('an absence recorded after the end turns completed into no_show within the window; after it, 409', async () => {
  const resourceId = await createResource(stack);
  // 18 seconds of window after one-minute bookings: the same code as 48 hours.
  const serviceId = await createService(stack, {
    resource_ids: [resourceId], durations_minutes: [1], slot_step_minutes: 1, check_in_window_hours: 0.005,
  });
  expect((await get(`/v1/services/${serviceId}`)).body.check_in_window_hours).toBe(0.005);
  const start = DateTime.utc().plus({ seconds: 5 }).startOf('minute').plus({ minutes: 1 });
  const held = await reserve(stack, { service_id: serviceId, start: start.toISO() });
  expect(held.status).toBe(201);
  const id = held.body.id;
  await post(`/v1/bookings/${id}/details`, { name: 'Ada', email: 'ada@example.com' });

  await waitFor(async () => (await get(`/v1/bookings/${id}`)).body.status, (status) => status === 'completed', 150_000);
  const handle = stack.temporal.workflow.getHandle(held.body.workflow_id);
  expect((await handle.describe()).status.name).toBe('RUNNING');
  expect(await timerSummaries(held.body.workflow_id)).toContain('check-in window closes');

  const absent = await post(`/v1/bookings/${id}/check-in`, { present: false, reason: 'never came' });
  expect(absent.status).toBe(200);
  expect(absent.body).toMatchObject({ status: 'no_show', checked_in: false });
  const events = (await get(`/v1/bookings/${id}/events`)).body.data;
  expect(events.at(-1)).toMatchObject({ from: 'completed', to: 'no_show', actor: 'host', reason: 'absent: never came' });
  // The absence is announced (webhooks and the booking's callback carry it) like one before the end.
  const outbox = await stack.db.selectFrom('webhook_events').select(['type', 'payload'])
    .where('booking_id', '=', id).where('type', '=', 'booking.checked_in').execute();
  expect(outbox).toHaveLength(1);
  expect(outbox[0].payload).toMatchObject({ status: 'no_show', checked_in: false });

  await waitFor(async () => (await handle.describe()).status.name, (status) => status === 'COMPLETED', 60_000);
  const late = await post(`/v1/bookings/${id}/check-in`, { present: true });
  expect(late.status).toBe(409);
  expect(late.body).toMatchObject({ code: 'invalid_transition', current_status: 'no_show' });
}, 240_000);
