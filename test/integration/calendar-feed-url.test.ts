import ical, { type VEvent } from 'node-ical';
import { createBookable, futureSlot, reserve } from '../stack/fixtures';
import { call } from '../stack/http';
import { startTestStack, type TestStack } from '../stack/test-stack';

let stack: TestStack;
beforeAll(async () => {
  stack = await startTestStack('calendar_feed_url');
});
afterAll(() => stack?.stop());

/** As a calendar app subscribes: a plain GET of the URL, no Authorization header. */
async function subscribe(url: string) {
  const response = await fetch(url);
  return { status: response.status, contentType: response.headers.get('content-type'), text: await response.text() };
}

function eventsOf(text: string): VEvent[] {
  return Object.values(ical.sync.parseICS(text)).filter((component): component is VEvent => component?.type === 'VEVENT');
}

test('a resource\'s signed feed URL works without a header; a tampered or foreign token does not', async () => {
  const { resourceId, serviceId } = await createBookable(stack);
  const other = await createBookable(stack);
  const confirmed = await reserve(stack, { service_id: serviceId, start: futureSlot(2) });
  await call(stack.baseUrl, 'POST', `/v1/bookings/${confirmed.body.id}/details`, {
    token: stack.apiKey, body: { name: 'Ada', email: 'ada@example.com' },
  });

  const issued = await call(stack.baseUrl, 'GET', `/v1/resources/${resourceId}/calendar-url`, { token: stack.apiKey });
  expect(issued.status).toBe(200);
  const url = new URL(issued.body.url);
  expect(url.pathname).toBe(`/v1/resources/${resourceId}/calendar.ics`);
  expect(issued.body.webcal_url).toBe(issued.body.url.replace(/^http:/, 'webcal:'));
  // The same URL every time: it can be pasted once and kept.
  expect((await call(stack.baseUrl, 'GET', `/v1/resources/${resourceId}/calendar-url`, { token: stack.apiKey })).body.url).toBe(issued.body.url);

  const feed = await subscribe(issued.body.url);
  expect(feed.status).toBe(200);
  expect(feed.contentType).toMatch(/^text\/calendar/);
  expect(eventsOf(feed.text).map((event) => event.uid)).toEqual([confirmed.body.id]);

  const token = url.searchParams.get('token')!;
  const flipped = token.slice(0, -1) + (token.endsWith('A') ? 'B' : 'A');
  const refusals = [
    `${stack.baseUrl}/v1/resources/${resourceId}/calendar.ics?token=${flipped}`,
    `${stack.baseUrl}/v1/resources/${resourceId}/calendar.ics?token=`,
    // A valid token of one resource opens no other.
    `${stack.baseUrl}/v1/resources/${other.resourceId}/calendar.ics?token=${token}`,
  ];
  for (const refused of refusals) {
    const response = await subscribe(refused);
    expect(response.status).toBe(401);
    expect(response.contentType).toContain('application/problem+json');
    expect(JSON.parse(response.text)).toMatchObject({ status: 401, code: 'unauthorized', detail: expect.stringMatching(/calendar token/) });
  }
  // Without a token the feed still needs the API key.
  expect((await subscribe(`${stack.baseUrl}/v1/resources/${resourceId}/calendar.ics`)).status).toBe(401);
});

test('the feed URL is issued with the organization\'s key only, for its own resources', async () => {
  const { resourceId } = await createBookable(stack);
  const otherOrganization = await stack.newOrganization();
  const foreign = await call(stack.baseUrl, 'GET', `/v1/resources/${resourceId}/calendar-url`, { token: otherOrganization.apiKey });
  expect(foreign.status).toBe(404);
  expect(foreign.contentType).toContain('application/problem+json');
  const anonymous = await call(stack.baseUrl, 'GET', `/v1/resources/${resourceId}/calendar-url`);
  expect(anonymous.status).toBe(401);
});
