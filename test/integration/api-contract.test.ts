import createClient from 'openapi-fetch';
import type { paths } from '../contract/booking-api';
import { assertMatchesContract } from '../stack/contract';
import { ALWAYS_OPEN, createBookable, futureSlot, reserve } from '../stack/fixtures';
import { call } from '../stack/http';
import { startTestStack, type TestStack } from '../stack/test-stack';

let stack: TestStack;
beforeAll(async () => {
  stack = await startTestStack('api_contract');
});
afterAll(() => stack?.stop());

/** fetch, with every answer held to the OpenAPI document like the other tests' calls. */
const checkedFetch: typeof fetch = async (input, init) => {
  const request = new Request(input, init);
  const response = await fetch(request);
  const text = await response.clone().text();
  assertMatchesContract(request.method, request.url, response.status, response.headers.get('content-type'), text ? JSON.parse(text) : null);
  return response;
};

test('a client generated from /openapi.json books a slot, typed end to end', async () => {
  const api = createClient<paths>({ baseUrl: stack.baseUrl, headers: { authorization: `Bearer ${stack.apiKey}` }, fetch: checkedFetch });
  const resource = await api.POST('/v1/resources', { body: { name: 'Room', timezone: 'Europe/Paris', weekly_schedule: ALWAYS_OPEN } });
  expect(resource.response.status).toBe(201);
  const service = await api.POST('/v1/services', { body: { name: 'Visit', durations_minutes: [30], resource_ids: [resource.data!.id] } });
  expect(service.response.status).toBe(201);
  const day = futureSlot(0, 4).slice(0, 10);
  const slots = await api.GET('/v1/availability', { params: { query: { service: service.data!.id, from: day, to: day, timezone: 'UTC' } } });
  expect(slots.data!.data.length).toBeGreaterThan(0);
  const held = await api.POST('/v1/bookings', {
    params: { header: { 'Idempotency-Key': `typed-${Date.now()}` } },
    body: { service_id: service.data!.id, start: slots.data!.data[0].start, customer: { email: 'typed@example.com' } },
  });
  expect(held.response.status).toBe(201);
  expect(held.data!.status).toBe('held');
  const confirmed = await api.POST('/v1/bookings/{id}/details', {
    params: { path: { id: held.data!.id } }, body: { name: 'Typed Client', email: 'typed@example.com' },
  });
  expect(confirmed.data!.status).toBe('confirmed');
  const refused = await api.POST('/v1/bookings', { body: { service_id: service.data!.id, start: slots.data!.data[0].start } });
  expect(refused.response.status).toBe(409);
  expect(refused.error!.code).toBe('no_resource_free');
});

describe('strict input', () => {
  it('a method a known path does not serve is 405 with Allow, not 404', async () => {
    const response = await fetch(`${stack.baseUrl}/v1/resources`, { method: 'DELETE', headers: { authorization: `Bearer ${stack.apiKey}` } });
    expect(response.status).toBe(405);
    expect(response.headers.get('allow')).toBe('POST, GET');
    expect(await response.json()).toMatchObject({ code: 'method_not_allowed' });
  });

  it('an unknown query parameter is a 400 naming it, on lists and on single resources', async () => {
    const list = await call(stack.baseUrl, 'GET', '/v1/bookings?email=ada@example.com', { token: stack.apiKey });
    expect(list.status).toBe(400);
    expect(list.body.errors).toEqual([{ path: 'query.email', message: expect.stringContaining('customer_email') }]);
    const { resourceId } = await createBookable(stack);
    const single = await call(stack.baseUrl, 'GET', `/v1/resources/${resourceId}?expand=all`, { token: stack.apiKey });
    expect(single.status).toBe(400);
    expect(single.body.errors).toEqual([{ path: 'query.expand', message: 'this route takes no query parameters' }]);
    const health = await call(stack.baseUrl, 'GET', '/healthz?verbose=1');
    expect(health.body.errors[0].path).toBe('query.verbose');
  });

  it('an unknown body field is a 400 naming it and books nothing', async () => {
    const { serviceId } = await createBookable(stack);
    const response = await reserve(stack, { service_id: serviceId, start: futureSlot(2), colour: 'blue' });
    expect(response.status).toBe(400);
    expect(response.body.errors).toEqual([{ path: 'colour', message: 'is not a field of this request' }]);
    const listed = await call(stack.baseUrl, 'GET', `/v1/bookings?service_id=${serviceId}`, { token: stack.apiKey });
    expect(listed.body.data).toEqual([]);
  });
});

test('bookings filter by service, customer e-mail, several statuses and creation time', async () => {
  const first = await createBookable(stack);
  const second = await createBookable(stack);
  const ada = (await reserve(stack, { service_id: first.serviceId, start: futureSlot(1), customer: { email: 'Ada@Example.com' } })).body;
  const before = new Date().toISOString();
  const grace = (await reserve(stack, { service_id: first.serviceId, start: futureSlot(2), customer: { email: 'grace@example.com' } })).body;
  const other = (await reserve(stack, { service_id: second.serviceId, start: futureSlot(1), customer: { email: 'ada@example.com' } })).body;
  await call(stack.baseUrl, 'POST', `/v1/bookings/${grace.id}/cancel`, { token: stack.apiKey, body: {} });

  const ids = async (query: string) => {
    const response = await call(stack.baseUrl, 'GET', `/v1/bookings?${query}`, { token: stack.apiKey });
    expect(response.status).toBe(200);
    return response.body.data.map((booking: { id: string }) => booking.id).sort();
  };
  expect(await ids(`service_id=${first.serviceId}`)).toEqual([ada.id, grace.id].sort());
  expect(await ids(`service_id=${first.serviceId}&customer_email=ADA@example.com`)).toEqual([ada.id]);
  expect(await ids(`customer_email=ada@example.com&status=held,cancelled`)).toEqual([ada.id, other.id].sort());
  expect(await ids(`service_id=${first.serviceId}&status=cancelled,expired`)).toEqual([grace.id]);
  expect(await ids(`service_id=${first.serviceId}&created_after=${encodeURIComponent(before)}`)).toEqual([grace.id]);
  expect(await ids(`resource_id=${second.resourceId}`)).toEqual([other.id]);

  const wrong = await call(stack.baseUrl, 'GET', '/v1/bookings?status=held,lost&created_after=yesterday', { token: stack.apiKey });
  expect(wrong.status).toBe(400);
  expect(wrong.body.errors.map((error: { path: string }) => error.path).sort()).toEqual(['created_after', 'status']);
});

test('/docs renders the document with Redoc served by the app itself, nothing from a CDN', async () => {
  const page = await fetch(`${stack.baseUrl}/docs`);
  expect(page.headers.get('content-type')).toContain('text/html');
  const html = await page.text();
  expect(html).toContain('spec-url="/openapi.json"');
  expect(html).not.toMatch(/src="https?:/);
  const script = await fetch(`${stack.baseUrl}/docs/redoc.standalone.js`);
  expect(script.status).toBe(200);
  expect((await script.text()).length).toBeGreaterThan(100_000);
});
