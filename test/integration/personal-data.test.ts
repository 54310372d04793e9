import { randomUUID } from 'node:crypto';
import { Client, Connection, WorkflowNotFoundError } from '@temporalio/client';
import { sql } from 'kysely';
import { createBookable, createResource, createService, futureSlot, reserve } from '../stack/fixtures';
import { ensureRetentionSchedule, retentionScheduleId } from '../../worker/schedules';
import { allText } from '../stack/all-text';
import { call, waitFor } from '../stack/http';
import { startTestStack, type TestStack } from '../stack/test-stack';
import { startWebhookReceiver } from '../stack/webhook-receiver';
import { bookingStateQuery } from '../../workflows/messages';

let stack: TestStack;
let receiver: Awaited<ReturnType<typeof startWebhookReceiver>>;
/** A client as anyone with access to Temporal has one: no codec, no keys. */
let bare: Client;
let bareConnection: Connection;
beforeAll(async () => {
  stack = await startTestStack('personal_data', { outbound: { allowedHosts: ['127.0.0.1'], allowHttp: true } });
  receiver = await startWebhookReceiver();
  bareConnection = await Connection.connect({ address: stack.temporalAddress });
  bare = new Client({ connection: bareConnection, namespace: 'default' });
});
afterAll(async () => {
  await receiver?.stop();
  await bareConnection?.close();
  await stack?.stop();
});

const post = (path: string, body: unknown = {}, token = stack.apiKey) => call(stack.baseUrl, 'POST', path, { token, body });
const get = (path: string) => call(stack.baseUrl, 'GET', path, { token: stack.apiKey });

async function historyText(client: Client, workflowId: string, runId?: string): Promise<string> {
  const history = await client.workflow.getHandle(workflowId, runId).fetchHistory();
  return allText(history).join('\n');
}

/** Every row of every table of the booking database, each column cast to text, where it mentions `needle`. */
async function rowsMentioning(needle: string): Promise<string[]> {
  const tables = await sql<{ table_name: string }>`
    SELECT table_name FROM information_schema.tables WHERE table_schema = 'public' AND table_type = 'BASE TABLE'`.execute(stack.db);
  const found: string[] = [];
  for (const { table_name: table } of tables.rows) {
    const rows = await sql<{ row: string }>`SELECT t::text AS row FROM ${sql.table(table)} t WHERE t::text ILIKE ${`%${needle}%`}`.execute(stack.db);
    found.push(...rows.rows.map((row) => `${table}: ${row.row}`));
  }
  return found;
}

const NAME = 'Ada Lovelace-Byron';
const EMAIL = 'ada.byron@analytical.example';

async function bookWithPersonalData(slot: number, serviceId: string) {
  const held = await reserve(stack, {
    service_id: serviceId, start: futureSlot(slot),
    customer: { name: NAME, email: EMAIL, phone: '+44 20 7946 0001' },
    extra_emails: ['lovelace@second.example'], external_id: 'crm-ada-1', label: `Lady ${NAME}`, display_label: `Meeting with ${NAME}`,
    callback_url: receiver.url('/callback'),
  }, { 'Idempotency-Key': `personal-${slot}-${Date.now()}` });
  expect(held.status).toBe(201);
  const details = await post(`/v1/bookings/${held.body.id}/details`, { name: NAME, email: EMAIL, notes: `${NAME} needs a ramp` });
  expect(details.status).toBe(200);
  return held.body as { id: string; workflow_id: string; manage_token: string };
}

test('anonymize erases the customer everywhere: tables, outbox, deliveries, e-mails, Temporal; times and status stay', async () => {
  const created = await post('/v1/webhooks', { url: receiver.url('/hooks'), event_types: ['*'] });
  expect(created.status).toBe(201);
  const { serviceId } = await createBookable(stack);
  const ended = await bookWithPersonalData(2, serviceId);
  const cancelled = await post(`/v1/bookings/${ended.id}/cancel`, { reason: `${NAME} is travelling` });
  expect([cancelled.status, cancelled.body.status, cancelled.body.detail]).toEqual([200, 'cancelled', undefined]);
  // The reason typed with it is sealed like the customer fields: in the Update's argument and in
  // the transition's activity input alike.
  const endedHistory = await historyText(bare, ended.workflow_id);
  expect(endedHistory).not.toContain('is travelling');
  expect(endedHistory).not.toContain(NAME);
  const live = await bookWithPersonalData(4, serviceId);
  expect((await get(`/v1/bookings/${live.id}`)).body.status).toBe('confirmed');
  // Webhooks delivered (the delivery log has rows), the outbox and the notifications hold the customer.
  await waitFor(async () => (await stack.db.selectFrom('webhook_deliveries').select('id').execute()).length, (count) => count >= 4, 30_000);
  expect((await rowsMentioning(EMAIL)).length).toBeGreaterThan(0);

  // Before anything is erased, the histories hold the personal fields only sealed: read without the
  // codec, the name is nowhere, and the e-mail only in the CustomerEmail search attribute.
  const liveHistory = await historyText(bare, live.workflow_id);
  expect(liveHistory).not.toContain(NAME);
  expect(liveHistory).toContain('json/booking-sealed');
  expect(liveHistory.split(EMAIL).length - 1).toBeLessThanOrEqual(
    (await bare.workflow.getHandle(live.workflow_id).fetchHistory()).events!.filter((event) =>
      event.upsertWorkflowSearchAttributesEventAttributes || event.workflowExecutionStartedEventAttributes).length,
  );
  // Through the codec (the API's client) the workflow's own answers read in full.
  const state = await stack.temporal.workflow.getHandle(live.workflow_id).query(bookingStateQuery);
  expect(state.booking?.customerEmail).toBe(EMAIL);

  // A customer's manage token may not anonymize.
  const byCustomer = await post(`/v1/bookings/${live.id}/anonymize`, {}, live.manage_token);
  expect(byCustomer.status).toBe(403);
  expect(byCustomer.body).toMatchObject({ status: 403 });

  const before = (await get(`/v1/bookings/${live.id}`)).body;
  for (const booking of [ended, live]) {
    const anonymized = await post(`/v1/bookings/${booking.id}/anonymize`);
    expect(anonymized.status).toBe(200);
    expect(anonymized.body).toMatchObject({
      customer: { name: null, email: null, phone: null }, extra_emails: [], external_id: null, label: null, display_label: null, notes: null,
    });
    expect(anonymized.body.anonymized_at).not.toBeNull();
  }
  // Idempotent.
  const again = await post(`/v1/bookings/${live.id}/anonymize`);
  expect(again.status).toBe(200);
  // The running run dropped the address from its visibility record before it was terminated: a
  // search by the address finds none of the live booking's runs at once, before Temporal deletes them.
  const foundByAddress = async (workflowId?: string) => {
    const runs: string[] = [];
    const query = `CustomerEmail = '${EMAIL}'${workflowId ? ` AND WorkflowId = '${workflowId}'` : ''}`;
    for await (const execution of bare.workflow.list({ query })) runs.push(execution.runId);
    return runs;
  };
  expect(await waitFor(() => foundByAddress(live.workflow_id), (runs) => runs.length === 0, 5_000)).toEqual([]);

  // The booking keeps its times, status and counts.
  const after = (await get(`/v1/bookings/${live.id}`)).body;
  expect(after).toMatchObject({ status: 'confirmed', start: before.start, end: before.end, spaces: before.spaces, resource_ids: before.resource_ids });
  // Audited once (a repeat changes nothing), then the new run's adoption; no reason survives (free text).
  type Event = { to: string; from: string; actor: string; reason: string | null };
  const events: Event[] = await waitFor(async () => (await get(`/v1/bookings/${live.id}/events`)).body.data,
    (list: Event[]) => list.some((event) => event.actor === 'reconciler'), 30_000);
  const sameStatus = events.filter((event) => event.from === 'confirmed' && event.to === 'confirmed');
  expect(sameStatus).toMatchObject([{ actor: 'host', reason: null }, { actor: 'reconciler' }]);
  expect(events.filter((event) => event.reason?.includes(NAME))).toEqual([]);

  // The closed workflow's execution is deleted; the live one is carried on by a new run that knows nothing personal.
  // Temporal deletes a closed execution asynchronously, after its own pending tasks: wait for it.
  await waitFor(async () => bare.workflow.getHandle(ended.workflow_id).describe().then(() => 'exists', (error) =>
    (error instanceof WorkflowNotFoundError ? 'gone' : String(error))), (state) => state === 'gone', 150_000);
  // The closed run is found by the address no more once it is deleted.
  expect(await waitFor(() => foundByAddress(), (runs) => runs.length === 0, 30_000)).toEqual([]);
  const carried = await waitFor(() => bare.workflow.getHandle(live.workflow_id).describe(), (description) => description.status.name === 'RUNNING', 30_000);
  expect(carried.searchAttributes.CustomerEmail ?? []).toEqual([]);
  // Deleting an execution is done by Temporal shortly after it is asked: wait until no run of
  // the booking's workflow id that anyone can still read mentions the customer.
  const mentioning = async () => {
    const runs: string[] = [carried.runId];
    for await (const execution of bare.workflow.list({ query: `WorkflowId = '${live.workflow_id}'` })) runs.push(execution.runId);
    const found: string[] = [];
    for (const runId of new Set(runs)) {
      // A deleted run is not found (the SDK's error, or the service's NOT_FOUND for a history).
      const text = await historyText(bare, live.workflow_id, runId).catch((error) =>
        (error instanceof WorkflowNotFoundError || error?.code === 5 ? '' : Promise.reject(error)));
      if (text.includes(EMAIL) || text.includes(NAME)) found.push(runId);
    }
    return found;
  };
  // The same asynchronous deletion as above, for the live booking's earlier run: as long under load.
  expect(await waitFor(mentioning, (found) => found.length === 0, 150_000)).toEqual([]);
  // Webhooks announce it, without personal data.
  const announced = await waitFor(async () => receiver.verified(created.body.secret, '/hooks')
    .filter((event) => event.type === 'booking.anonymized'), (list) => list.length === 2, 30_000);
  expect(JSON.stringify(announced)).not.toContain(EMAIL);

  // Nothing in any table, the outbox (webhook_events), the delivery logs or the e-mails.
  await waitFor(() => rowsMentioning(EMAIL), (rows) => rows.length === 0, 10_000);
  expect(await rowsMentioning(NAME)).toEqual([]);
  expect(await rowsMentioning('lovelace@second.example')).toEqual([]);
  // The live booking still works: it can be cancelled through its new workflow.
  const cancel = await post(`/v1/bookings/${live.id}/cancel`, {});
  expect(cancel.status).toBe(200);
  expect(cancel.body.status).toBe('cancelled');
}, 360_000);

test('the codec endpoint opens a history payload with the organization\'s key, and not without it or after anonymizing', async () => {
  const { serviceId } = await createBookable(stack);
  const booking = await bookWithPersonalData(8, serviceId);
  const history = await bare.workflow.getHandle(booking.workflow_id).fetchHistory();
  const sealed = history.events!.flatMap((event) => allPayloads(event)).filter((payload) =>
    Buffer.from(payload.metadata?.encoding ?? []).toString() === 'json/booking-sealed');
  expect(sealed.length).toBeGreaterThan(0);
  const wire = {
    payloads: sealed.map((payload) => ({
      metadata: Object.fromEntries(Object.entries(payload.metadata ?? {}).map(([key, value]) => [key, Buffer.from(value as Uint8Array).toString('base64')])),
      data: Buffer.from(payload.data ?? []).toString('base64'),
    })),
  };
  const readable = (answer: { body: { payloads: Array<{ data: string }> } }) =>
    answer.body.payloads.map((payload) => Buffer.from(payload.data, 'base64').toString()).join('\n');

  const decoded = await post('/codec/decode', wire);
  expect(decoded.status).toBe(200);
  expect(readable(decoded)).toContain(EMAIL);
  expect(Buffer.from(decoded.body.payloads[0].metadata.encoding, 'base64').toString()).toBe('json/plain');

  const anonymous = await call(stack.baseUrl, 'POST', '/codec/decode', { body: wire });
  expect(anonymous.status).toBe(401);
  const other = await stack.newOrganization();
  const foreign = await post('/codec/decode', wire, other.apiKey);
  expect(foreign.status).toBe(200);
  expect(readable(foreign)).not.toContain(EMAIL);

  expect((await post(`/v1/bookings/${booking.id}/anonymize`)).status).toBe(200);
  const erased = await post('/codec/decode', wire);
  expect(erased.status).toBe(200);
  expect(readable(erased)).not.toContain(EMAIL);
  expect(readable(erased)).not.toContain(NAME);
}, 120_000);

test('bad input to anonymize and to the codec is a 400 naming the field, and erases or seals nothing', async () => {
  const { serviceId } = await createBookable(stack);
  const booking = await bookWithPersonalData(14, serviceId);
  const badZone = await post(`/v1/bookings/${booking.id}/anonymize?timezone=Mars/Base`);
  expect([badZone.status, badZone.body.errors?.[0]?.path]).toEqual([400, 'timezone']);
  expect((await get(`/v1/bookings/${booking.id}`)).body.customer.email).toBe(EMAIL);

  const payloadWith = (metadata: Record<string, string>) => ({
    payloads: [{
      metadata: Object.fromEntries(Object.entries(metadata).map(([key, value]) => [key, Buffer.from(value).toString('base64')])),
      data: Buffer.from('{}').toString('base64'),
    }],
  });
  const notAnId = await post('/codec/decode', payloadWith({
    encoding: 'json/booking-sealed', 'booking-sealed': JSON.stringify({ ['-'.repeat(36)]: 'AAAA' }),
  }));
  expect([notAnId.status, notAnId.body.errors?.[0]?.path]).toEqual([400, 'payloads.0.metadata.booking-sealed']);
  // Personal fields set apart for sealing come from the workers only: from outside, they would make a key for any id.
  const stranger = randomUUID();
  const toSeal = await post('/codec/encode', payloadWith({
    encoding: 'json/booking-personal', 'booking-personal': JSON.stringify({ [stranger]: [[['name'], NAME]] }),
  }));
  expect([toSeal.status, toSeal.body.errors?.[0]?.path]).toEqual([400, 'payloads.0.metadata.encoding']);
  expect(await stack.db.selectFrom('booking_personal_keys').select('booking_id').where('booking_id', '=', stranger).execute()).toEqual([]);
});

/** The payloads of a history event, wherever they sit in it. */
function allPayloads(value: unknown, out: Array<{ metadata?: Record<string, Uint8Array> | null; data?: Uint8Array | null }> = []) {
  if (!value || typeof value !== 'object' || value instanceof Uint8Array) return out;
  const record = value as Record<string, unknown>;
  if (record.metadata && typeof record.metadata === 'object' && 'data' in record) out.push(record as never);
  for (const item of Object.values(record)) allPayloads(item, out);
  return out;
}

test('the retention Schedule anonymizes an organization\'s bookings ended longer ago than its retention_days, and leaves recent ones', async () => {
  const { apiKey } = await stack.newOrganization();
  const setting = await call(stack.baseUrl, 'PATCH', '/v1/organization', { token: apiKey, body: { retention_days: 2 } });
  expect(setting.status).toBe(200);
  expect(setting.body.retention_days).toBe(2);
  const refused = await call(stack.baseUrl, 'PATCH', '/v1/organization', { token: apiKey, body: { retention_days: 0 } });
  expect(refused.status).toBe(400);
  expect(refused.body.errors[0].path).toBe('retention_days');

  const resourceId = await createResource(stack, {}, apiKey);
  const serviceId = await createService(stack, { resource_ids: [resourceId] }, apiKey);
  const book = async (slot: number) => {
    const held = await call(stack.baseUrl, 'POST', '/v1/bookings', {
      token: apiKey, body: { service_id: serviceId, start: futureSlot(slot), customer: { name: NAME, email: EMAIL } },
    });
    expect(held.status).toBe(201);
    expect((await call(stack.baseUrl, 'POST', `/v1/bookings/${held.body.id}/cancel`, { token: apiKey, body: {} })).body.status).toBe('cancelled');
    return held.body.id as string;
  };
  const old = await book(10);
  const recent = await book(12);
  // As if it had taken place and ended three days ago.
  await sql`UPDATE bookings SET start_at = now() - interval '3 days', end_at = now() - interval '3 days' + interval '30 minutes',
    updated_at = now() - interval '3 days' WHERE id = ${old}`.execute(stack.db);

  await ensureRetentionSchedule(stack.temporal, stack.taskQueue, 3600);
  const schedule = stack.temporal.schedule.getHandle(retentionScheduleId(stack.taskQueue));
  try {
    await schedule.trigger();
    const anonymized = await waitFor(async () => (await call(stack.baseUrl, 'GET', `/v1/bookings/${old}`, { token: apiKey })).body,
      (booking) => booking.anonymized_at !== null, 60_000);
    expect(anonymized).toMatchObject({ status: 'cancelled', customer: { name: null, email: null } });
    const kept = (await call(stack.baseUrl, 'GET', `/v1/bookings/${recent}`, { token: apiKey })).body;
    expect(kept).toMatchObject({ anonymized_at: null, customer: { name: NAME, email: EMAIL } });
    const events = (await call(stack.baseUrl, 'GET', `/v1/bookings/${old}/events`, { token: apiKey })).body.data;
    expect(events.at(-1)).toMatchObject({ actor: 'retention', from: 'cancelled', to: 'cancelled' });
  } finally {
    await schedule.delete();
  }
}, 120_000);
