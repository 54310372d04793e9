import { createHmac } from 'node:crypto';
import { createServer, type IncomingHttpHeaders, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { verifyWebhook } from '../../outbound/webhook-signature';
import type { BookingEventType } from '../../db/schema';
import { insertBookingEvent } from '../../db/webhooks';
import type { DeliveryPlan } from '../../domain/booking-types';
import { sendsOf } from '../stack/delivery-history';
import type { deliverBookingEvent, BookingEventDelivery } from '../../workflows/webhook-delivery';
import { createBookable, futureSlot, reserve } from '../stack/fixtures';
import { call, waitFor } from '../stack/http';
import { startTestStack, type TestStack } from '../stack/test-stack';

let stack: TestStack;
let bookingId: string;
let manageToken: string;
beforeAll(async () => {
  stack = await startTestStack('webhooks', { outbound: { allowedHosts: ['127.0.0.1'], allowHttp: true } });
  // Events reference a real booking; the workflow that made it plays no further part here.
  const { serviceId } = await createBookable(stack);
  const held = await reserve(stack, { service_id: serviceId, start: futureSlot(2) });
  if (held.status !== 201) throw new Error(`booking not held: ${JSON.stringify(held.body)}`);
  bookingId = held.body.id;
  manageToken = held.body.manage_token;
});
afterAll(() => stack?.stop());

const api = (method: string, path: string, body?: unknown, token = stack.apiKey, headers: Record<string, string> = {}) =>
  call(stack.baseUrl, method, path, { token, body, headers });

interface Receipt { headers: IncomingHttpHeaders; body: string }

/** A subscriber's endpoint on 127.0.0.1: records every request, answers as the test says. */
class Receiver {
  readonly receipts: Receipt[] = [];
  private server: Server | null = null;
  port = 0;

  constructor(private answer: (receipt: Receipt, res: ServerResponse, index: number) => void) {}

  get url() {
    return `http://127.0.0.1:${this.port}/hooks`;
  }

  async start(port = 0): Promise<this> {
    this.server = createServer((req: IncomingMessage, res: ServerResponse) => {
      const chunks: Buffer[] = [];
      req.on('data', (chunk: Buffer) => chunks.push(chunk));
      req.on('end', () => {
        const receipt = { headers: req.headers, body: Buffer.concat(chunks).toString('utf8') };
        this.receipts.push(receipt);
        this.answer(receipt, res, this.receipts.length);
      });
    });
    await new Promise<void>((resolve) => this.server!.listen(port, '127.0.0.1', resolve));
    this.port = (this.server.address() as AddressInfo).port;
    return this;
  }

  async stop(): Promise<void> {
    if (!this.server) return;
    const server = this.server;
    this.server = null;
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
  }

  /** What a receiver keeps after dropping repeats by webhook-id. */
  distinctEvents(): Receipt[] {
    const seen = new Map<string, Receipt>();
    for (const receipt of this.receipts) seen.set(String(receipt.headers['webhook-id']), receipt);
    return [...seen.values()];
  }
}

const answerWith = (status: number) => (_receipt: Receipt, res: ServerResponse) => {
  res.statusCode = status;
  res.end(status >= 400 ? `answer ${status}` : '');
};

async function subscribe(url: string, eventTypes: BookingEventType[]): Promise<{ id: string; secret: string }> {
  const created = await api('POST', '/v1/webhooks', { url, event_types: eventTypes });
  if (created.status !== 201) throw new Error(`webhook not created: ${JSON.stringify(created.body)}`);
  return created.body;
}

let eventCounter = 0;
async function recordEvent(type: BookingEventType, payload: Record<string, unknown> = { booking_id: 'x' }): Promise<string> {
  const id = `${bookingId}:test-${type}-${++eventCounter}`;
  await stack.db.transaction().execute((trx) => insertBookingEvent(trx, {
    id, organizationId: stack.organizationId, bookingId, type, payload, occurredAt: new Date('2026-12-01T09:00:00Z'),
  }));
  return id;
}

/**
 * A delivery without a plan, as started before plans existed (or for an event written before
 * them): it reads the event's subscriptions when it starts. With `plan`, as started today.
 */
function startDelivery(eventId: string, plan?: DeliveryPlan) {
  return stack.temporal.workflow.start<typeof deliverBookingEvent>('deliverBookingEvent', {
    taskQueue: stack.taskQueue,
    workflowId: `webhook-${eventId}`,
    args: [{ eventId, organizationId: stack.organizationId, retryInitialInterval: '100 ms', ...(plan && { plan }) }],
  });
}

async function deliveriesOf(subscriptionId: string) {
  const response = await api('GET', `/v1/webhooks/${subscriptionId}/deliveries?limit=200`);
  expect(response.status).toBe(200);
  return response.body.data as Array<{ event_id: string; attempt: number; status_code: number | null; delivered: boolean; error: string | null; duration_ms: number }>;
}

/** The receiver's side of the README: HMAC-SHA256 over "id.timestamp.body" with the base64-decoded secret. */
function receiverVerifies(secret: string, receipt: Receipt): boolean {
  const key = Buffer.from(secret.replace(/^whsec_/, ''), 'base64');
  const expected = createHmac('sha256', key)
    .update(`${receipt.headers['webhook-id']}.${receipt.headers['webhook-timestamp']}.${receipt.body}`)
    .digest('base64');
  return String(receipt.headers['webhook-signature']).split(' ').includes(`v1,${expected}`);
}

describe('delivery', () => {
  test('a receiver failing the first three attempts gets the event on the fourth, signed; the log shows four attempts', async () => {
    const receiver = await new Receiver((_receipt, res, index) => answerWith(index <= 3 ? 500 : 200)(_receipt, res)).start();
    const subscription = await subscribe(receiver.url, ['booking.confirmed']);
    const eventId = await recordEvent('booking.confirmed', { booking_id: bookingId, status: 'confirmed' });

    const result: BookingEventDelivery = await (await startDelivery(eventId)).result();
    expect(result.deliveries).toEqual([{ subscriptionId: subscription.id, outcome: 'delivered' }]);

    expect(receiver.receipts).toHaveLength(4);
    expect(new Set(receiver.receipts.map((receipt) => receipt.headers['webhook-id']))).toEqual(new Set([eventId]));
    const last = receiver.receipts[3];
    expect(last.headers['content-type']).toBe('application/json');
    expect(JSON.parse(last.body)).toEqual({
      id: eventId, type: 'booking.confirmed', timestamp: '2026-12-01T09:00:00.000Z',
      data: { booking_id: bookingId, status: 'confirmed' },
    });
    expect(Math.abs(Number(last.headers['webhook-timestamp']) - Date.now() / 1000)).toBeLessThan(60);
    expect(receiverVerifies(subscription.secret, last)).toBe(true);
    expect(verifyWebhook(subscription.secret, last.headers as never, last.body)).toBe(true);
    // A changed body or another secret does not verify.
    expect(verifyWebhook(subscription.secret, last.headers as never, last.body.replace('confirmed', 'cancelled'))).toBe(false);
    expect(receiverVerifies('whsec_' + Buffer.alloc(32, 7).toString('base64'), last)).toBe(false);

    const log = await deliveriesOf(subscription.id);
    expect(log.map((row) => [row.attempt, row.status_code, row.delivered])).toEqual([
      [4, 200, true], [3, 500, false], [2, 500, false], [1, 500, false],
    ]);
    expect(log[1].error).toBe('receiver answered 500: answer 500');
    expect(log.every((row) => row.event_id === eventId && row.duration_ms >= 0)).toBe(true);

    await receiver.stop();
    await api('DELETE', `/v1/webhooks/${subscription.id}`);
  });

  test('a receiver that is down for a while gets every event once it is back; repeats carry the same id', async () => {
    // Down: nothing listens on the subscribed port.
    const probe = await new Receiver(answerWith(200)).start();
    const port = probe.port;
    await probe.stop();
    const accepted = new Set<string>();
    // Back up, but the first request of each event "crashes" after the receiver stored it: the
    // sender sees no answer and sends again, which the receiver drops by webhook-id.
    const receiver = new Receiver((receipt, res) => {
      const id = String(receipt.headers['webhook-id']);
      if (!accepted.has(id)) {
        accepted.add(id);
        res.socket?.destroy();
        return;
      }
      answerWith(200)(receipt, res);
    });
    receiver.port = port;
    const subscription = await subscribe(receiver.url, ['booking.cancelled']);

    const eventIds: string[] = [];
    for (let index = 0; index < 5; index++) eventIds.push(await recordEvent('booking.cancelled', { index }));
    const handles = await Promise.all(eventIds.map((eventId) => startDelivery(eventId)));

    // Every event has failed at least twice against the closed port before the receiver returns.
    await waitFor(() => deliveriesOf(subscription.id), (log) => eventIds.every(
      (eventId) => log.filter((row) => row.event_id === eventId && row.status_code === null).length >= 2,
    ));
    await receiver.start(port);

    const results = await Promise.all(handles.map((handle) => handle.result()));
    for (const result of results) expect(result.deliveries).toEqual([{ subscriptionId: subscription.id, outcome: 'delivered' }]);

    expect(receiver.distinctEvents().map((receipt) => receipt.headers['webhook-id']).sort()).toEqual([...eventIds].sort());
    expect(receiver.receipts.length).toBeGreaterThan(eventIds.length);
    expect(receiver.receipts.every((receipt) => receiverVerifies(subscription.secret, receipt))).toBe(true);
    expect(receiver.distinctEvents().map((receipt) => JSON.parse(receipt.body).data.index).sort()).toEqual([0, 1, 2, 3, 4]);

    const log = await deliveriesOf(subscription.id);
    for (const eventId of eventIds) {
      const attempts = log.filter((row) => row.event_id === eventId).sort((a, b) => a.attempt - b.attempt);
      expect(attempts.map((row) => row.attempt)).toEqual(attempts.map((_row, index) => index + 1));
      expect(attempts.filter((row) => row.delivered)).toHaveLength(1);
      expect(attempts.at(-1)).toMatchObject({ delivered: true, status_code: 200 });
      expect(attempts[0].error).toMatch(/ECONNREFUSED/);
    }

    await receiver.stop();
    await api('DELETE', `/v1/webhooks/${subscription.id}`);
  });

  test('410 Gone disables the subscription: no more deliveries until it is enabled again', async () => {
    const receiver = await new Receiver(answerWith(410)).start();
    const subscription = await subscribe(receiver.url, ['booking.expired']);
    const first = await (await startDelivery(await recordEvent('booking.expired'))).result();
    expect(first.deliveries).toEqual([{ subscriptionId: subscription.id, outcome: 'disabled' }]);

    const read = await api('GET', `/v1/webhooks/${subscription.id}`);
    expect(read.body).toMatchObject({ enabled: false, disabled_reason: expect.stringContaining('410') });
    expect(await deliveriesOf(subscription.id)).toMatchObject([{ attempt: 1, status_code: 410, delivered: false }]);

    const second = await (await startDelivery(await recordEvent('booking.expired'))).result();
    expect(second.deliveries).toEqual([]);
    expect(receiver.receipts).toHaveLength(1);

    const enabled = await api('PATCH', `/v1/webhooks/${subscription.id}`, { enabled: true });
    expect(enabled.body).toMatchObject({ enabled: true, disabled_reason: null });

    await receiver.stop();
    await api('DELETE', `/v1/webhooks/${subscription.id}`);
  });

  test('a 4xx other than 408/429 stops after one attempt; 429 is tried again', async () => {
    const refusing = await new Receiver(answerWith(400)).start();
    const refused = await subscribe(refusing.url, ['booking.declined']);
    const busy = await new Receiver((receipt, res, index) => answerWith(index === 1 ? 429 : 200)(receipt, res)).start();
    const throttled = await subscribe(busy.url, ['booking.declined']);

    const result = await (await startDelivery(await recordEvent('booking.declined'))).result();
    expect(result.deliveries).toEqual(expect.arrayContaining([
      { subscriptionId: refused.id, outcome: 'failed', error: 'receiver answered 400: answer 400' },
      { subscriptionId: throttled.id, outcome: 'delivered' },
    ]));
    expect(refusing.receipts).toHaveLength(1);
    expect(await deliveriesOf(refused.id)).toMatchObject([{ attempt: 1, status_code: 400, delivered: false }]);
    expect((await deliveriesOf(throttled.id)).map((row) => row.status_code)).toEqual([200, 429]);
    expect((await api('GET', `/v1/webhooks/${refused.id}`)).body.enabled).toBe(true);

    await refusing.stop();
    await busy.stop();
    await api('DELETE', `/v1/webhooks/${refused.id}`);
    await api('DELETE', `/v1/webhooks/${throttled.id}`);
  });

  test('subscriptions get only the event types they asked for; "*" gets all', async () => {
    const receiver = await new Receiver(answerWith(204)).start();
    const everything = await subscribe(receiver.url, ['*' as BookingEventType]);
    const other = await subscribe(receiver.url, ['booking.promoted']);
    const result = await (await startDelivery(await recordEvent('booking.checked_in'))).result();
    expect(result.deliveries).toEqual([{ subscriptionId: everything.id, outcome: 'delivered' }]);
    expect(await deliveriesOf(other.id)).toEqual([]);
    await receiver.stop();
    await api('DELETE', `/v1/webhooks/${everything.id}`);
    await api('DELETE', `/v1/webhooks/${other.id}`);
  });

  test('a planned delivery posts to the targets its plan names and sends nothing else; a subscription added after the event gets nothing', async () => {
    const receiver = await new Receiver(answerWith(204)).start();
    const planned = await subscribe(receiver.url, ['booking.checked_in']);
    const eventId = await recordEvent('booking.checked_in');
    const later = await subscribe(receiver.url, ['booking.checked_in']);
    const handle = await startDelivery(eventId, { mails: false, calendars: false, targets: [planned.id] });
    expect((await handle.result()).deliveries).toEqual([{ subscriptionId: planned.id, outcome: 'delivered' }]);
    expect(await deliveriesOf(later.id)).toEqual([]);
    // no patch markers either: a planned input is a history of its own kind
    expect(await sendsOf(handle)).toEqual(['deliverWebhook (first attempt)']);
    await receiver.stop();
    await api('DELETE', `/v1/webhooks/${planned.id}`);
    await api('DELETE', `/v1/webhooks/${later.id}`);
  });

  test('a planned delivery whose first attempt fails retries as an activity, numbering the attempts on; a refusal is not retried', async () => {
    const receiver = await new Receiver((receipt, res, index) => answerWith(index <= 2 ? 503 : 204)(receipt, res)).start();
    const retried = await subscribe(receiver.url, ['booking.checked_in']);
    const refusing = await new Receiver(answerWith(400)).start();
    const refused = await subscribe(refusing.url, ['booking.checked_in']);
    const handle = await startDelivery(await recordEvent('booking.checked_in'), { mails: false, calendars: false, targets: [retried.id, refused.id] });
    const result = await handle.result();
    expect(result.deliveries).toEqual([
      { subscriptionId: retried.id, outcome: 'delivered' },
      { subscriptionId: refused.id, outcome: 'failed', error: expect.stringMatching(/answered 400/) },
    ]);
    expect((await deliveriesOf(retried.id)).map((row) => [row.attempt, row.delivered]).sort()).toEqual([[1, false], [2, false], [3, true]]);
    expect((await deliveriesOf(refused.id)).map((row) => row.attempt)).toEqual([1]);
    expect(await sendsOf(handle)).toEqual(['deliverWebhook (first attempt)', 'deliverWebhook (first attempt)', 'deliverWebhook']);
    await receiver.stop();
    await refusing.stop();
    await api('DELETE', `/v1/webhooks/${retried.id}`);
    await api('DELETE', `/v1/webhooks/${refused.id}`);
  });

  test('the same event written twice is one event', async () => {
    const id = `${bookingId}:twice`;
    for (let time = 0; time < 2; time++) {
      await stack.db.transaction().execute((trx) => insertBookingEvent(trx, {
        id, organizationId: stack.organizationId, bookingId, type: 'booking.held', payload: { time }, occurredAt: new Date(),
      }));
    }
    const rows = await stack.db.selectFrom('webhook_events').selectAll().where('id', '=', id).execute();
    expect(rows).toHaveLength(1);
    expect(rows[0].payload).toEqual({ time: 0 });
  });
});

describe('subscriptions API', () => {
  const countSubscriptions = async () => Number((await stack.db.selectFrom('webhook_subscriptions')
    .select((eb) => eb.fn.countAll<string>().as('count')).executeTakeFirstOrThrow()).count);

  test('create returns the generated secret once; read, list, change and delete', async () => {
    const created = await api('POST', '/v1/webhooks', { url: 'https://example.com/hooks', event_types: ['booking.held', 'booking.confirmed'] });
    expect(created.status).toBe(201);
    expect(created.body).toMatchObject({
      url: 'https://example.com/hooks', event_types: ['booking.held', 'booking.confirmed'], enabled: true, disabled_reason: null,
    });
    expect(created.body.secret).toMatch(/^whsec_[A-Za-z0-9+/]{43}=$/);

    const read = await api('GET', `/v1/webhooks/${created.body.id}`);
    expect(read.status).toBe(200);
    expect(read.body).not.toHaveProperty('secret');
    expect(read.body).toEqual(Object.fromEntries(Object.entries(created.body).filter(([key]) => key !== 'secret')));

    const changed = await api('PATCH', `/v1/webhooks/${created.body.id}`, { url: 'http://example.org/new', event_types: ['*'], enabled: false });
    expect(changed.status).toBe(200);
    expect(changed.body).toMatchObject({ url: 'http://example.org/new', event_types: ['*'], enabled: false, disabled_reason: null });

    const second = await api('POST', '/v1/webhooks', { url: 'https://example.com/2', event_types: ['booking.held'] });
    const firstPage = await api('GET', '/v1/webhooks?limit=1');
    expect(firstPage.body.data).toHaveLength(1);
    expect(firstPage.body.next_cursor).toEqual(expect.any(String));
    const secondPage = await api('GET', `/v1/webhooks?limit=1&cursor=${firstPage.body.next_cursor}`);
    expect(secondPage.body.data[0].id).not.toBe(firstPage.body.data[0].id);

    for (const id of [created.body.id, second.body.id]) {
      const deleted = await api('DELETE', `/v1/webhooks/${id}`);
      expect(deleted.status).toBe(204);
      expect((await api('GET', `/v1/webhooks/${id}`)).status).toBe(404);
    }
    expect((await api('DELETE', `/v1/webhooks/${created.body.id}`)).status).toBe(404);
  });

  test('a given secret is kept; the same Idempotency-Key creates once', async () => {
    const secret = 'whsec_' + Buffer.alloc(32, 1).toString('base64');
    const body = { url: 'https://example.com/idem', event_types: ['booking.waitlisted'], secret };
    const headers = { 'Idempotency-Key': 'webhook-idem-1' };
    const first = await api('POST', '/v1/webhooks', body, stack.apiKey, headers);
    const again = await api('POST', '/v1/webhooks', body, stack.apiKey, headers);
    expect(first.status).toBe(201);
    expect(again.body).toEqual(first.body);
    expect(first.body.secret).toBe(secret);
    await api('DELETE', `/v1/webhooks/${first.body.id}`);
  });

  test.each([
    [{ url: 'ftp://example.com/x', event_types: ['booking.held'] }, 'url', /http or https/],
    [{ url: 'not a url', event_types: ['booking.held'] }, 'url', /http or https/],
    [{ url: 'https://example.com', event_types: ['booking.exploded'] }, 'event_types.0', /booking\.held/],
    [{ url: 'https://example.com', event_types: [] }, 'event_types', /at least one/],
    [{ url: 'https://example.com', event_types: ['booking.held', 'booking.held'] }, 'event_types', /repeat/],
    [{ url: 'https://example.com', event_types: ['booking.held'], secret: 'hunter2' }, 'secret', /whsec_/],
    [{ url: 'https://example.com', event_types: ['booking.held'], secret: 'whsec_c2hvcnQ=' }, 'secret', /24 to 64 bytes/],
    // An unknown field is named by its own path.
    [{ url: 'https://example.com', event_types: ['booking.held'], enabled: false }, 'enabled', /not a field/],
  ])('bad input %j is refused naming %s and writes nothing', async (body, path, message) => {
    const before = await countSubscriptions();
    const response = await api('POST', '/v1/webhooks', body);
    expect(response.status).toBe(400);
    expect(response.contentType).toContain('application/problem+json');
    expect(response.body.errors).toEqual(expect.arrayContaining([{ path, message: expect.stringMatching(message) }]));
    expect(await countSubscriptions()).toBe(before);
  });

  test('a bad change is refused and changes nothing', async () => {
    const created = await api('POST', '/v1/webhooks', { url: 'https://example.com/keep', event_types: ['booking.held'] });
    const refused = await api('PATCH', `/v1/webhooks/${created.body.id}`, { url: 'mailto:x@example.com', event_types: ['nope'] });
    expect(refused.status).toBe(400);
    expect(refused.body.errors.map((error: { path: string }) => error.path).sort()).toEqual(['event_types.0', 'url']);
    expect((await api('GET', `/v1/webhooks/${created.body.id}`)).body).toMatchObject({ url: 'https://example.com/keep', event_types: ['booking.held'] });
    await api('DELETE', `/v1/webhooks/${created.body.id}`);
  });

  test('another organization sees none of it (404), and a manage token is not enough (403)', async () => {
    const created = await api('POST', '/v1/webhooks', { url: 'https://example.com/mine', event_types: ['booking.held'] });
    const other = await stack.newOrganization();
    for (const [method, path, body] of [
      ['GET', `/v1/webhooks/${created.body.id}`, undefined],
      ['PATCH', `/v1/webhooks/${created.body.id}`, { enabled: false }],
      ['DELETE', `/v1/webhooks/${created.body.id}`, undefined],
      ['GET', `/v1/webhooks/${created.body.id}/deliveries`, undefined],
      ['GET', '/v1/webhooks/not-a-uuid', undefined],
    ] as const) {
      const response = await api(method, path, body, other.apiKey);
      expect(response.status).toBe(404);
      expect(response.body).toMatchObject({ status: 404, code: 'not_found' });
    }
    expect((await api('GET', '/v1/webhooks', undefined, other.apiKey)).body.data).toEqual([]);
    expect((await api('GET', `/v1/webhooks/${created.body.id}`)).body.enabled).toBe(true);

    const customer = await api('GET', '/v1/webhooks', undefined, manageToken);
    expect(customer.status).toBe(403);
    expect(customer.body).toMatchObject({ code: 'forbidden' });
    await api('DELETE', `/v1/webhooks/${created.body.id}`);
  });
});
