import { randomBytes, randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { operations } from '../../api/operations';
import { countRows, createBookable, createResource, createService, futureSlot, reserve } from '../stack/fixtures';
import { call, type ApiResponse } from '../stack/http';
import { startTestStack, type TestStack } from '../stack/test-stack';

/**
 * Every row of docs/limits.md's table of what a customer's manage token may do, tried with a real
 * token against the real app: the answer's status is the one the row states, and the refusals
 * change nothing.
 */

const TABLE = (() => {
  const doc = readFileSync(path.join(__dirname, '../../docs/limits.md'), 'utf8');
  const section = /<!-- manage-token-capabilities:begin -->([\s\S]*?)<!-- manage-token-capabilities:end -->/.exec(doc)![1];
  return section.split('\n').filter((line) => /^\| `/.test(line)).map((line) => {
    const [, name, answer] = /^\| `([^`]+)` \| `(\d{3})`/.exec(line)!;
    return { name, status: Number(answer) };
  });
})();

let stack: TestStack;
let publicService: string;
let privateService: string;
let publicSession: string;
let privateSession: string;
let foreignService: string;
let slot = 0;

beforeAll(async () => {
  stack = await startTestStack('manage_token_capabilities');
  publicService = (await createBookable(stack, { public: true, slug: `rebook-${randomBytes(4).toString('hex')}` })).serviceId;
  privateService = (await createBookable(stack)).serviceId;
  const session = async (serviceId: string) => {
    const created = await call(stack.baseUrl, 'POST', '/v1/sessions', {
      token: stack.apiKey, body: { service_id: serviceId, capacity: 5, start: futureSlot(40, 4) },
    });
    expect(created.status).toBe(201);
    return created.body.id as string;
  };
  publicSession = await session(publicService);
  privateSession = await session(privateService);
  const other = await stack.newOrganization();
  foreignService = await createService(stack, { resource_ids: [await createResource(stack, {}, other.apiKey)], public: true, slug: `foreign-${randomBytes(4).toString('hex')}` }, other.apiKey);
});
afterAll(() => stack?.stop());

interface Own { id: string; token: string }

/** A booking the organization made (held, on the public service); its customer holds the token. */
async function own(body: Record<string, unknown> = {}): Promise<Own> {
  slot += 2;
  const held = await reserve(stack, { service_id: publicService, start: futureSlot(slot), ...body });
  expect(held.status).toBe(201);
  return { id: held.body.id, token: held.body.manage_token };
}

const as = (token: string, method: string, route: string, body?: unknown, headers?: Record<string, string>) =>
  call(stack.baseUrl, method, route, { token, body, headers });
const statusOf = async (id: string) => (await as(stack.apiKey, 'GET', `/v1/bookings/${id}`)).body.status as string;
const rebook = (booking: Own, body: Record<string, unknown>, key?: string) => as(booking.token, 'POST', '/v1/bookings', {
  cancel_booking_id: booking.id, ...body,
}, key ? { 'idempotency-key': key } : undefined);
const nextStart = () => futureSlot((slot += 2));

function forbidden(response: ApiResponse, field?: string) {
  expect(response.contentType).toContain('application/problem+json');
  expect(response.body).toMatchObject({ status: 403, code: 'forbidden' });
  if (field) expect(response.body.errors).toEqual([expect.objectContaining({ path: field })]);
}

/** Each row's trial: the answers it got, all of which must carry the row's status. */
const trials: Record<string, () => Promise<ApiResponse[]>> = {
  'read own': async () => {
    const mine = await own();
    const ics = await fetch(`${stack.baseUrl}/v1/bookings/${mine.id}/ics`, { headers: { authorization: `Bearer ${mine.token}` } });
    expect(await ics.text()).toContain('BEGIN:VCALENDAR');
    const answers = await Promise.all(['', '/events', '/notifications'].map((tail) => as(mine.token, 'GET', `/v1/bookings/${mine.id}${tail}`)));
    expect(answers[0].body.id).toBe(mine.id);
    return [...answers, { status: ics.status, contentType: ics.headers.get('content-type'), body: null }];
  },
  'details own': async () => {
    const mine = await own();
    const answer = await as(mine.token, 'POST', `/v1/bookings/${mine.id}/details`, { name: 'Ada', email: 'ada@example.com' });
    expect(answer.body.status).toBe('confirmed');
    return [answer];
  },
  'reschedule own': async () => {
    const mine = await own();
    const start = nextStart();
    const answer = await as(mine.token, 'POST', `/v1/bookings/${mine.id}/reschedule`, { start });
    expect(new Date(answer.body.start).toISOString()).toBe(new Date(start).toISOString());
    return [answer];
  },
  'give seats back': async () => {
    const held = await reserve(stack, { session_id: publicSession, spaces: 2 });
    expect(held.status).toBe(201);
    const answer = await as(held.body.manage_token, 'POST', `/v1/bookings/${held.body.id}/spaces`, { spaces: 1 });
    expect(answer.body.spaces).toBe(1);
    return [answer];
  },
  'cancel own': async () => {
    const mine = await own();
    const answer = await as(mine.token, 'POST', `/v1/bookings/${mine.id}/cancel`, { reason: 'plans changed' });
    expect(answer.body.status).toBe('cancelled');
    return [answer];
  },
  'another booking': async () => {
    const mine = await own();
    const theirs = await own();
    const answers = [
      ...await Promise.all(['', '/events', '/notifications', '/ics'].map((tail) => fetch(`${stack.baseUrl}/v1/bookings/${theirs.id}${tail}`, {
        headers: { authorization: `Bearer ${mine.token}` },
      }).then(async (response) => ({ status: response.status, contentType: response.headers.get('content-type'), body: await response.json() })))),
      await as(mine.token, 'POST', `/v1/bookings/${theirs.id}/details`, { name: 'Eve', email: 'eve@example.com' }),
      await as(mine.token, 'POST', `/v1/bookings/${theirs.id}/reschedule`, { start: nextStart() }),
      await as(mine.token, 'POST', `/v1/bookings/${theirs.id}/spaces`, { spaces: 1 }),
      await as(mine.token, 'POST', `/v1/bookings/${theirs.id}/cancel`, {}),
    ];
    expect(await statusOf(theirs.id)).toBe('held');
    return answers;
  },
  'rebook onto a public service': async () => {
    const mine = await own();
    const answer = await rebook(mine, { service_id: publicService, start: nextStart(), customer: { name: 'Ada', email: 'ada@example.com' } });
    expect(answer.body).toMatchObject({ status: 'held', rebooked_from: mine.id, manage_token: expect.stringMatching(/^mt_/) });
    expect(await statusOf(mine.id)).toBe('cancelled');
    const events = (await as(stack.apiKey, 'GET', `/v1/bookings/${mine.id}/events`)).body.data;
    expect(events.at(-1)).toMatchObject({ to: 'cancelled', actor: 'customer' });
    return [answer];
  },
  'rebook into a public session': async () => {
    const mine = await own();
    const answer = await rebook(mine, { session_id: publicSession, spaces: 1 });
    expect(answer.body).toMatchObject({ status: 'held', session_id: publicSession, rebooked_from: mine.id });
    expect(await statusOf(mine.id)).toBe('cancelled');
    return [answer];
  },
  'rebook sent again': async () => {
    const mine = await own();
    const key = randomUUID();
    const body = { service_id: publicService, start: nextStart() };
    const first = await rebook(mine, body, key);
    const bookings = await countRows(stack, 'bookings');
    const again = await rebook(mine, body, key);
    expect(again.body).toMatchObject({ id: first.body.id, manage_token: first.body.manage_token });
    expect(await countRows(stack, 'bookings')).toBe(bookings);
    return [first, again];
  },
  'rebook once': async () => {
    const mine = await own();
    const first = await rebook(mine, { service_id: publicService, start: nextStart() }, randomUUID());
    expect(first.status).toBe(201);
    const cancelled = await own();
    await as(cancelled.token, 'POST', `/v1/bookings/${cancelled.id}/cancel`, {});
    const bookings = await countRows(stack, 'bookings');
    const answers: ApiResponse[] = [];
    // Five new keys, and none: a booking that is no longer live mints nothing.
    for (const key of [randomUUID(), randomUUID(), randomUUID(), randomUUID(), randomUUID(), undefined]) {
      answers.push(await rebook(mine, { service_id: publicService, start: nextStart() }, key));
      answers.push(await rebook(cancelled, { service_id: publicService, start: nextStart() }, key));
    }
    answers.forEach((answer) => forbidden(answer, 'cancel_booking_id'));
    expect(await countRows(stack, 'bookings')).toBe(bookings);
    return answers;
  },
  'rebook onto a service that is not public': async () => {
    const mine = await own();
    const bookings = await countRows(stack, 'bookings');
    const answer = await rebook(mine, { service_id: privateService, start: nextStart() });
    forbidden(answer, 'service_id');
    expect(await statusOf(mine.id)).toBe('held');
    expect(await countRows(stack, 'bookings')).toBe(bookings);
    return [answer];
  },
  'rebook into a session that is not public': async () => {
    const mine = await own();
    const bookings = await countRows(stack, 'bookings');
    const answer = await rebook(mine, { session_id: privateSession, spaces: 1 });
    forbidden(answer, 'session_id');
    expect(await statusOf(mine.id)).toBe('held');
    expect(await countRows(stack, 'bookings')).toBe(bookings);
    return [answer];
  },
  "rebook onto another organization's service": async () => {
    const mine = await own();
    const answer = await rebook(mine, { service_id: foreignService, start: nextStart() });
    expect(answer.body.errors).toEqual([expect.objectContaining({ path: 'service_id' })]);
    expect(await statusOf(mine.id)).toBe('held');
    return [answer];
  },
  'rebook another booking': async () => {
    const mine = await own();
    const theirs = await own();
    const answer = await as(mine.token, 'POST', '/v1/bookings', { cancel_booking_id: theirs.id, service_id: publicService, start: nextStart() });
    expect(await statusOf(theirs.id)).toBe('held');
    return [answer];
  },
  'rebook with fields of the organization': async () => {
    const mine = await own();
    const bookings = await countRows(stack, 'bookings');
    const appointment = { service_id: publicService, start: nextStart() };
    const fields: Array<[string, Record<string, unknown>]> = [
      ['metadata', { ...appointment, metadata: { vip: true } }],
      ['external_id', { ...appointment, external_id: 'crm-1' }],
      ['label', { ...appointment, label: 'mine' }],
      ['display_label', { ...appointment, display_label: 'mine' }],
      ['callback_url', { ...appointment, callback_url: 'https://example.com/hook' }],
      ['extra_emails', { ...appointment, extra_emails: ['eve@example.com'] }],
      ['extra_phone_numbers', { ...appointment, extra_phone_numbers: ['+33 1 23 45 67 89'] }],
      ['exclusive_customer', { ...appointment, exclusive_customer: false }],
      ['bypass_delays', { ...appointment, bypass_delays: true }],
      ['resource_ids', { ...appointment, resource_ids: [randomUUID()] }],
      ['resource_group', { ...appointment, resource_group: 'front' }],
      ['duration_minutes', { ...appointment, duration_minutes: 30 }],
      ['end', { ...appointment, end: new Date(Date.parse(appointment.start) + 30 * 60_000).toISOString() }],
      ['waitlist', { session_id: publicSession, waitlist: true }],
    ];
    const answers: ApiResponse[] = [];
    for (const [field, body] of fields) {
      const answer = await rebook(mine, body);
      forbidden(answer, field);
      answers.push(answer);
    }
    expect(await statusOf(mine.id)).toBe('held');
    expect(await countRows(stack, 'bookings')).toBe(bookings);
    return answers;
  },
  'reserve without rebooking': async () => {
    const mine = await own();
    const bookings = await countRows(stack, 'bookings');
    const answers = [
      await as(mine.token, 'POST', '/v1/bookings', { service_id: publicService, start: nextStart() }),
      await as(mine.token, 'POST', '/v1/bookings', { session_id: publicSession }, { 'idempotency-key': randomUUID() }),
    ];
    answers.forEach((answer) => forbidden(answer));
    expect(await countRows(stack, 'bookings')).toBe(bookings);
    return answers;
  },
  'every API-key route': async () => {
    const mine = await own();
    const apiKeyRoutes = operations.filter((operation) => operation.access === 'api_key' && operation.operationId !== 'createBooking');
    expect(apiKeyRoutes.length).toBeGreaterThan(30);
    const answers: ApiResponse[] = [];
    for (const operation of apiKeyRoutes) {
      const route = operation.path.replace('{id}', operation.path.startsWith('/v1/bookings/') ? mine.id : randomUUID());
      const answer = await fetch(`${stack.baseUrl}${route}`, {
        method: operation.method.toUpperCase(),
        headers: { authorization: `Bearer ${mine.token}`, 'content-type': 'application/json' },
        ...(operation.method !== 'get' && { body: '{}' }),
      });
      const text = await answer.text();
      answers.push({ status: answer.status, contentType: answer.headers.get('content-type'), body: text && JSON.parse(text) });
      expect({ route: `${operation.method} ${route}`, status: answer.status }).toEqual({ route: `${operation.method} ${route}`, status: 403 });
    }
    expect(await statusOf(mine.id)).toBe('held');
    return answers;
  },
};

test('the table and the trials name the same rows', () => {
  expect(TABLE.map((row) => row.name).sort()).toEqual(Object.keys(trials).sort());
});

test.each(TABLE)('$name: $status', async ({ name, status }) => {
  const answers = await trials[name]();
  expect(answers.length).toBeGreaterThan(0);
  for (const answer of answers) {
    expect(answer.status).toBe(status);
    if (status >= 400) expect(answer.contentType).toContain('application/problem+json');
  }
});
