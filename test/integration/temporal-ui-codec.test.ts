import http, { type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { chromium, type Browser, type Page } from 'playwright-core';
import { createApp } from '../../api/app';
import { ensureChromium } from '../stack/chromium';
import { createBookable, futureSlot } from '../stack/fixtures';
import { call } from '../stack/http';
import { startTestStack, type TestStack } from '../stack/test-stack';

/**
 * The Temporal UI that `npm start` serves (the test stack's dev server is started by the same
 * launcher), in Chromium, pointed at the API's codec: a booking's customer fields are readable
 * with the codec and sealed without it. The UI sends no API key, so, as docs/operations.md says,
 * a proxy in front of the codec adds it; the browser's CORS preflight goes through to the API.
 */
let stack: TestStack;
let browser: Browser;
const servers: Server[] = [];
let uiUrl: string;
let codecUrl: string;

function listen(server: Server): Promise<string> {
  servers.push(server);
  return new Promise((resolve) => server.listen(0, '127.0.0.1', () => resolve(`http://127.0.0.1:${(server.address() as AddressInfo).port}`)));
}

/** What went through the proxy: method and the API's status. */
const proxied: string[] = [];

/** The proxy an operator puts in front of the codec: it signs the UI's requests with the organization's key. */
function signingProxy(target: string, apiKey: string): Server {
  const upstream = new URL(target);
  return http.createServer((req, res) => {
    const forwarded = http.request({
      host: upstream.hostname, port: upstream.port, path: req.url, method: req.method,
      headers: { ...req.headers, host: upstream.host, ...(req.method !== 'OPTIONS' && { authorization: `Bearer ${apiKey}` }) },
    }, (answer) => {
      proxied.push(`${req.method} ${answer.statusCode}`);
      res.writeHead(answer.statusCode ?? 502, answer.headers);
      answer.pipe(res);
    });
    forwarded.on('error', () => res.writeHead(502).end());
    req.pipe(forwarded);
  });
}

beforeAll(async () => {
  const ui = process.env.TEST_TEMPORAL_UI;
  if (!ui) throw new Error('the test stack did not report its Temporal UI (TEST_TEMPORAL_UI)');
  uiUrl = ui;
  stack = await startTestStack('temporal_ui_codec');
  const app = createApp({
    db: stack.db, temporal: stack.temporal, taskQueue: stack.taskQueue, manageTokenSecret: stack.manageTokenSecret,
    codecCorsOrigins: [new URL(uiUrl).origin],
  });
  const api = await listen(http.createServer(app));
  codecUrl = `${await listen(signingProxy(api, stack.apiKey))}/codec`;
  browser = await chromium.launch({ executablePath: ensureChromium(), args: ['--no-sandbox'] });
}, 120_000);
afterAll(async () => {
  await browser?.close();
  for (const server of servers) await new Promise((resolve) => server.close(resolve));
  await stack?.stop();
});

async function bookingWithCustomer(): Promise<string> {
  const { serviceId } = await createBookable(stack);
  const held = await call(stack.baseUrl, 'POST', '/v1/bookings', {
    token: stack.apiKey,
    body: { service_id: serviceId, start: futureSlot(7), customer: { name: 'Ada Lovelace', email: 'ada.lovelace@example.com' } },
  });
  expect(held.status).toBe(201);
  return held.body.id as string;
}

/** The workflow's page in the UI, the codec endpoint set as the UI's Data Encoder setting stores it (or not at all). */
async function workflowPage(bookingId: string, codecEndpoint: string | null): Promise<{ page: Page; codecCalls: string[] }> {
  const context = await browser.newContext();
  if (codecEndpoint) {
    // What the Data Encoder dialog stores: the endpoint, used over the server's (unset) codec setting.
    await context.addInitScript([
      `window.localStorage.setItem('endpoint', ${JSON.stringify(JSON.stringify(codecEndpoint))});`,
      'window.localStorage.setItem(\'overrideRemoteCodecConfiguration\', \'true\');',
    ].join('\n'));
  }
  const page = await context.newPage();
  const codecCalls: string[] = [];
  page.on('response', (response) => {
    if (response.url().startsWith(codecUrl)) codecCalls.push(`${response.request().method()} ${response.status()}`);
  });
  await page.goto(`${uiUrl}/namespaces/default/workflows/booking-${bookingId}`);
  return { page, codecCalls };
}

test('with the codec the UI shows the customer\'s name and address; without it they are sealed', async () => {
  const bookingId = await bookingWithCustomer();

  const opened = await workflowPage(bookingId, codecUrl);
  await opened.page.getByText('ada.lovelace@example.com').first().waitFor({ timeout: 60_000 });
  expect(await opened.page.content()).toContain('Ada Lovelace');
  // The browser asked first (the preflight, which pages do not see) and the API answered it, then decoded.
  expect(proxied[0]).toBe('OPTIONS 204');
  expect(opened.codecCalls).toContain('POST 200');
  expect(opened.codecCalls.filter((call) => call !== 'POST 200')).toEqual([]);

  const sealed = await workflowPage(bookingId, null);
  // The same workflow's input, shown as stored: the readable part, its personal fields null.
  await sealed.page.getByText('"customer": null').first().waitFor({ timeout: 60_000 });
  const content = await sealed.page.content();
  expect(content).not.toContain('ada.lovelace@example.com');
  expect(content).not.toContain('Ada Lovelace');
  expect(sealed.codecCalls).toEqual([]);
}, 240_000);

test('a page of another origin than the UI\'s gets no CORS answer from the codec', async () => {
  const elsewhere = await listen(http.createServer((_req, res) => res.writeHead(200, { 'content-type': 'text/html' }).end('<p>elsewhere</p>')));
  const page = await browser.newPage();
  await page.goto(elsewhere);
  const outcome = await page.evaluate(async (url) => {
    try {
      const response = await fetch(`${url}/decode`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"payloads":[]}' });
      return `status ${response.status}`;
    } catch (error) {
      return `blocked: ${(error as Error).name}`;
    }
  }, codecUrl);
  expect(outcome).toBe('blocked: TypeError');
  const fromUi = await browser.newPage();
  await fromUi.goto(uiUrl);
  const allowed = await fromUi.evaluate(async (url) => {
    const response = await fetch(`${url}/decode`, { method: 'POST', headers: { 'content-type': 'application/json', 'x-namespace': 'default' }, body: '{"payloads":[]}' });
    return `status ${response.status} ${await response.text()}`;
  }, codecUrl);
  expect(allowed).toBe('status 200 {"payloads":[]}');
}, 120_000);
