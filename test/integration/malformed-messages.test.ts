import { Client, Connection, WorkflowUpdateFailedError } from '@temporalio/client';
import { RawValue, type Payload } from '@temporalio/common';
import { temporal as proto } from '@temporalio/proto';
import { createBookable, futureSlot, reserve } from '../stack/fixtures';
import { call, waitFor } from '../stack/http';
import { startTestStack, type TestStack } from '../stack/test-stack';

// Messages as anyone with access to Temporal can send them (`temporal workflow signal
// --input-meta encoding=…`): raw payloads of encodings the booking's converter and codec do not
// expect. Each must be refused (Updates) or dropped (signals) without a failed workflow task.

let stack: TestStack;
/** A client without the project's converter or codec: its raw payloads reach the worker as sent. */
let bare: Client;
let bareConnection: Connection;
beforeAll(async () => {
  stack = await startTestStack('malformed_messages');
  bareConnection = await Connection.connect({ address: stack.temporalAddress });
  bare = new Client({ connection: bareConnection, namespace: 'default' });
});
afterAll(async () => {
  await bareConnection?.close();
  await stack?.stop();
});

const post = (path: string, body: unknown = {}) => call(stack.baseUrl, 'POST', path, { token: stack.apiKey, body });
const statusOf = async (id: string) => (await call(stack.baseUrl, 'GET', `/v1/bookings/${id}`, { token: stack.apiKey })).body.status;

function raw(encoding: string, data: string, metadata: Record<string, string> = {}): RawValue {
  const payload: Payload = {
    metadata: Object.fromEntries([['encoding', encoding], ...Object.entries(metadata)].map(([key, value]) => [key, Buffer.from(value)])),
    data: Buffer.from(data),
  };
  return RawValue.fromPayload(payload);
}

const EventType = proto.api.enums.v1.EventType;

async function eventTypes(workflowId: string): Promise<string[]> {
  const history = await bare.workflow.getHandle(workflowId).fetchHistory();
  return (history.events ?? []).map((event) => EventType[event.eventType ?? 0]);
}

/** Every signal's workflow task has completed: no task is pending after the last of them. */
async function signalsHandled(workflowId: string, count: number): Promise<string[]> {
  return waitFor(() => eventTypes(workflowId), (types) => {
    const signalled = types.filter((type) => type === 'EVENT_TYPE_WORKFLOW_EXECUTION_SIGNALED').length;
    const lastSignal = types.lastIndexOf('EVENT_TYPE_WORKFLOW_EXECUTION_SIGNALED');
    return signalled === count && types.slice(lastSignal).includes('EVENT_TYPE_WORKFLOW_TASK_COMPLETED');
  });
}

const UNREADABLE_SIGNALS: Array<[string, RawValue]> = [
  ['promoted', raw('json/booking-sealed', '{"id":"x"}')],
  ['promoted', raw('json/booking-sealed', '{"id":"x"}', { 'booking-sealed': '{"not-a-booking":"AAAA","00000000-0000-4000-8000-000000000000":"AAAA"}' })],
  ['promoted', raw('json/booking-sealed', '{"id":"x"}', { 'booking-sealed': 'not json' })],
  ['sessionCancelled', raw('json/protobuf', '{"actor":"x"}', { messageType: 'temporal.api.common.v1.Payload' })],
  ['sessionCancelled', raw('json/plain', '{not json')],
  ['sessionCancelled', raw('json/booking-personal', '{"actor":{}}', { 'booking-personal': '{"b":[[["__proto__","polluted"],1]]}' })],
  // takes no arguments: whatever one carries is ignored
  ['calendarConflict', raw('json/plain', '{not json')],
  ['calendarConflict', raw('json/booking-sealed', '{"id":"x"}', { 'booking-sealed': 'not json' })],
];

test('signals whose payloads cannot be read are dropped: no failed workflow task, and the hold still expires on time', async () => {
  const { serviceId } = await createBookable(stack, { hold_ttl_seconds: 6 });
  const held = await reserve(stack, { service_id: serviceId, start: futureSlot(2) });
  expect(held.status).toBe(201);
  const handle = bare.workflow.getHandle(held.body.workflow_id);
  for (const [name, payload] of UNREADABLE_SIGNALS) await handle.signal(name, payload);

  const types = await signalsHandled(held.body.workflow_id, UNREADABLE_SIGNALS.length);
  expect(types).not.toContain('EVENT_TYPE_WORKFLOW_TASK_FAILED');
  expect(await statusOf(held.body.id)).toBe('held');

  await waitFor(() => statusOf(held.body.id), (status) => status === 'expired');
  await waitFor(() => handle.describe(), (description) => description.status.name === 'COMPLETED');
  expect(await eventTypes(held.body.workflow_id)).not.toContain('EVENT_TYPE_WORKFLOW_TASK_FAILED');
  // The time is free again.
  expect((await reserve(stack, { service_id: serviceId, start: futureSlot(2) })).status).toBe(201);
});

test('Updates whose payloads cannot be read, or with arguments they do not take, are refused by their validators; the booking carries on', async () => {
  const { serviceId } = await createBookable(stack);
  const held = await reserve(stack, { service_id: serviceId, start: futureSlot(3) });
  expect(held.status).toBe(201);
  const handle = bare.workflow.getHandle(held.body.workflow_id);

  const refusals: Array<[string, [RawValue, ...RawValue[]], RegExp]> = [
    ['cancel', [raw('json/booking-sealed', '{"id":"x"}')], /actor/],
    ['cancel', [raw('json/protobuf', '{"actor":"x"}', { messageType: 'x' })], /could not be read/],
    ['submitDetails', [raw('json/booking-sealed', 'null', { 'booking-sealed': '[]' })], /name/],
    ['confirm', [raw('json/plain', '{not json')], /could not be read/],
    ['cancel', [raw('json/plain', '{"actor":"host"}'), raw('json/plain', '"extra"')], /takes one argument; 1 more were sent/],
    ['reserve', [raw('json/plain', '{"anything":1}')], /takes no arguments; 1 more were sent/],
  ];
  for (const [name, args, message] of refusals) {
    const refused = await handle.executeUpdate(name, { args }).then(() => null, (error: unknown) => error);
    expect(refused).toBeInstanceOf(WorkflowUpdateFailedError);
    expect(((refused as WorkflowUpdateFailedError).cause as Error).message).toMatch(message);
  }
  const types = await eventTypes(held.body.workflow_id);
  expect(types).not.toContain('EVENT_TYPE_WORKFLOW_TASK_FAILED');
  // Refused before acceptance: nothing of them is in the history.
  expect(types).not.toContain('EVENT_TYPE_WORKFLOW_EXECUTION_UPDATE_ACCEPTED');

  // The booking answers at once as if nothing had been sent.
  const cancelled = await post(`/v1/bookings/${held.body.id}/cancel`, { reason: 'changed plans' });
  expect(cancelled.status).toBe(200);
  expect(cancelled.body.status).toBe('cancelled');
  expect(await eventTypes(held.body.workflow_id)).not.toContain('EVENT_TYPE_WORKFLOW_TASK_FAILED');
});
