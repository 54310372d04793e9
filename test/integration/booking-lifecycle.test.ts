import { Worker } from '@temporalio/worker';
import { bookingStateQuery } from '../../workflows/messages';
import { countRows, createBookable, futureSlot, reserve } from '../stack/fixtures';
import { call, waitFor } from '../stack/http';
import { startTestStack, type TestStack } from '../stack/test-stack';
import { bookingDataConverter } from '../../personal-data/data-converter';

let stack: TestStack;
beforeAll(async () => {
  stack = await startTestStack('lifecycle');
});
afterAll(() => stack?.stop());

const post = (path: string, body: unknown = {}, token = stack.apiKey) => call(stack.baseUrl, 'POST', path, { token, body });
const get = (path: string, token = stack.apiKey) => call(stack.baseUrl, 'GET', path, { token });
const details = { name: 'Ada Lovelace', email: 'ada@example.com', phone: '+44 20 0000 0000' };

async function activeAllocations(bookingId: string) {
  return stack.db.selectFrom('allocations').selectAll()
    .where('booking_id', '=', bookingId).where('released_at', 'is', null).execute();
}

async function statusOf(bookingId: string) {
  return (await get(`/v1/bookings/${bookingId}`)).body.status;
}

describe('a service without approval', () => {
  let serviceId: string;
  beforeAll(async () => {
    ({ serviceId } = await createBookable(stack));
  });

  test('reserve → held with expires_at; details → confirmed; every step audited and searchable', async () => {
    const start = futureSlot(2);
    const held = await reserve(stack, { service_id: serviceId, start, metadata: { source: 'test' } });
    expect(held.status).toBe(201);
    expect(held.body).toMatchObject({ status: 'held', start: start.replace('.000Z', '+00:00'), metadata: { source: 'test' } });
    expect(Date.parse(held.body.hold_expires_at) - Date.now()).toBeGreaterThan(500_000);
    expect(held.body.manage_token).toMatch(/^mt_/);
    expect(await activeAllocations(held.body.id)).toHaveLength(1);

    const confirmed = await post(`/v1/bookings/${held.body.id}/details`, details);
    expect(confirmed.status).toBe(200);
    expect(confirmed.body).toMatchObject({ status: 'confirmed', customer: { name: details.name, email: details.email } });

    const events = await get(`/v1/bookings/${held.body.id}/events`);
    expect(events.body.data.map((event: { from: string | null; to: string }) => [event.from, event.to]))
      .toEqual([[null, 'held'], ['held', 'confirmed']]);

    const handle = stack.temporal.workflow.getHandle(held.body.workflow_id);
    expect(await handle.query(bookingStateQuery)).toMatchObject({ status: 'confirmed' });
    const description = await handle.describe();
    expect(description.searchAttributes).toMatchObject({
      BookingStatus: ['confirmed'], ServiceId: [serviceId], CustomerEmail: [details.email],
    });

    // The recorded history replays against the current workflow code: a non-deterministic change fails here.
    await Worker.runReplayHistory({ workflowsPath: require.resolve('../../workflows'), dataConverter: bookingDataConverter(stack.db) }, await handle.fetchHistory());
  });

  test('the same time cannot be held twice, and is free again once cancelled', async () => {
    const start = futureSlot(4);
    const first = await reserve(stack, { service_id: serviceId, start });
    expect(first.status).toBe(201);
    const second = await reserve(stack, { service_id: serviceId, start });
    expect(second.status).toBe(409);
    expect(second.contentType).toContain('application/problem+json');
    expect(second.body).toMatchObject({ status: 409, code: 'no_resource_free' });

    const cancelled = await post(`/v1/bookings/${first.body.id}/cancel`, { reason: 'changed my mind' });
    expect(cancelled.body).toMatchObject({ status: 'cancelled' });
    expect(await activeAllocations(first.body.id)).toHaveLength(0);
    expect((await reserve(stack, { service_id: serviceId, start })).status).toBe(201);
  });

  test('cancel from held and from confirmed; a second cancel is 409 with the current status', async () => {
    const fromHeld = await reserve(stack, { service_id: serviceId, start: futureSlot(6) });
    expect((await post(`/v1/bookings/${fromHeld.body.id}/cancel`)).body.status).toBe('cancelled');

    const fromConfirmed = await reserve(stack, { service_id: serviceId, start: futureSlot(7) });
    await post(`/v1/bookings/${fromConfirmed.body.id}/details`, details);
    const cancelled = await post(`/v1/bookings/${fromConfirmed.body.id}/cancel`, { reason: 'ill' });
    expect(cancelled.body.status).toBe('cancelled');
    const again = await post(`/v1/bookings/${fromConfirmed.body.id}/cancel`);
    expect(again.status).toBe(409);
    expect(again.body).toMatchObject({ code: 'invalid_transition', current_status: 'cancelled' });
    const events = await get(`/v1/bookings/${fromConfirmed.body.id}/events`);
    expect(events.body.data.at(-1)).toMatchObject({ from: 'confirmed', to: 'cancelled', actor: 'organization', reason: 'ill' });
  });

  test('confirm and decline are the host\'s answer to a booking awaiting approval only', async () => {
    const held = await reserve(stack, { service_id: serviceId, start: futureSlot(8) });
    const confirm = await post(`/v1/bookings/${held.body.id}/confirm`);
    expect(confirm.status).toBe(409);
    expect(confirm.body).toMatchObject({ current_status: 'held', detail: 'cannot confirm a booking that is held' });
    expect(await statusOf(held.body.id)).toBe('held');
  });

  test('the same Idempotency-Key returns the same booking and token, and books once', async () => {
    const body = { service_id: serviceId, start: futureSlot(9) };
    const headers = { 'Idempotency-Key': 'retry-me-1' };
    const before = await countRows(stack, 'bookings');
    const [first, second] = await Promise.all([reserve(stack, body, headers), reserve(stack, body, headers)]);
    const third = await reserve(stack, body, headers);
    for (const response of [first, second, third]) expect(response.status).toBe(201);
    expect(new Set([first.body.id, second.body.id, third.body.id]).size).toBe(1);
    expect(third.body.manage_token).toBe(first.body.manage_token);
    expect(await countRows(stack, 'bookings')).toBe(before + 1);

    const reused = await reserve(stack, { service_id: serviceId, start: futureSlot(10) }, headers);
    expect(reused.status).toBe(422);
    expect(reused.body.errors[0].path).toBe('header.Idempotency-Key');
  });
});

describe('a service that needs the host\'s approval', () => {
  let serviceId: string;
  beforeAll(async () => {
    ({ serviceId } = await createBookable(stack, { requires_approval: true, approval_ttl_seconds: 3600 }));
  });

  test('details → pending_approval with a deadline; confirm → confirmed', async () => {
    const held = await reserve(stack, { service_id: serviceId, start: futureSlot(2) });
    const pending = await post(`/v1/bookings/${held.body.id}/details`, details);
    expect(pending.body.status).toBe('pending_approval');
    expect(Date.parse(pending.body.approval_expires_at) - Date.now()).toBeGreaterThan(3_000_000);
    const confirmed = await post(`/v1/bookings/${held.body.id}/confirm`, { reason: 'see you' });
    expect(confirmed.body.status).toBe('confirmed');
    const events = await get(`/v1/bookings/${held.body.id}/events`);
    expect(events.body.data.map((event: { to: string }) => event.to)).toEqual(['held', 'pending_approval', 'confirmed']);
    expect(events.body.data[2]).toMatchObject({ actor: 'host', reason: 'see you' });
  });

  test('decline → declined and the time is free again', async () => {
    const start = futureSlot(3);
    const held = await reserve(stack, { service_id: serviceId, start });
    await post(`/v1/bookings/${held.body.id}/details`, details);
    const declined = await post(`/v1/bookings/${held.body.id}/decline`, { reason: 'on leave' });
    expect(declined.body.status).toBe('declined');
    expect(await activeAllocations(held.body.id)).toHaveLength(0);
    expect((await reserve(stack, { service_id: serviceId, start })).status).toBe(201);
  });

  test('cancel while pending approval', async () => {
    const held = await reserve(stack, { service_id: serviceId, start: futureSlot(5) });
    await post(`/v1/bookings/${held.body.id}/details`, details);
    expect((await post(`/v1/bookings/${held.body.id}/cancel`)).body.status).toBe('cancelled');
    expect((await post(`/v1/bookings/${held.body.id}/confirm`)).body.current_status).toBe('cancelled');
  });
});

describe('deadlines are durable timers', () => {
  test('a hold whose TTL passes expires, frees its time, and can no longer be completed', async () => {
    const { serviceId } = await createBookable(stack, { hold_ttl_seconds: 2 });
    const start = futureSlot(2);
    const held = await reserve(stack, { service_id: serviceId, start });
    expect(held.body.status).toBe('held');
    await waitFor(() => statusOf(held.body.id), (status) => status === 'expired');
    expect(await activeAllocations(held.body.id)).toHaveLength(0);

    const late = await post(`/v1/bookings/${held.body.id}/details`, details);
    expect(late.status).toBe(409);
    expect(late.body).toMatchObject({ code: 'invalid_transition', current_status: 'expired' });
    const confirm = await post(`/v1/bookings/${held.body.id}/confirm`);
    expect(confirm.body.current_status).toBe('expired');
    expect((await reserve(stack, { service_id: serviceId, start })).status).toBe(201);
  });

  test('a booking the host does not answer before the approval deadline expires', async () => {
    const { serviceId } = await createBookable(stack, { requires_approval: true, approval_ttl_seconds: 2 });
    const held = await reserve(stack, { service_id: serviceId, start: futureSlot(2) });
    expect((await post(`/v1/bookings/${held.body.id}/details`, details)).body.status).toBe('pending_approval');
    await waitFor(() => statusOf(held.body.id), (status) => status === 'expired');
    const events = await get(`/v1/bookings/${held.body.id}/events`);
    expect(events.body.data.at(-1)).toMatchObject({ from: 'pending_approval', to: 'expired', actor: 'system' });
    expect((await post(`/v1/bookings/${held.body.id}/confirm`)).body.current_status).toBe('expired');
  });
});

describe('customer self-service with the manage token', () => {
  test('the token reads, completes and cancels its own booking, and nothing else', async () => {
    const { serviceId } = await createBookable(stack);
    const mine = await reserve(stack, { service_id: serviceId, start: futureSlot(2) });
    const other = await reserve(stack, { service_id: serviceId, start: futureSlot(3) });
    const token = mine.body.manage_token;

    expect((await get(`/v1/bookings/${mine.body.id}`, token)).body.id).toBe(mine.body.id);
    expect((await get(`/v1/bookings/${other.body.id}`, token)).status).toBe(404);
    expect((await get('/v1/bookings', token)).status).toBe(403);
    expect((await post(`/v1/bookings/${mine.body.id}/details`, details, token)).body.status).toBe('confirmed');
    expect((await post(`/v1/bookings/${mine.body.id}/confirm`, {}, token)).status).toBe(403);
    const cancelled = await post(`/v1/bookings/${mine.body.id}/cancel`, { reason: 'cannot come' }, token);
    expect(cancelled.body.status).toBe('cancelled');
    const events = await get(`/v1/bookings/${mine.body.id}/events`);
    expect(events.body.data.at(-1)).toMatchObject({ actor: 'customer', reason: 'cannot come' });

    const forged = `${token.slice(0, -4)}AAAA`;
    expect((await get(`/v1/bookings/${mine.body.id}`, forged)).status).toBe(401);
  });
});
