import fs from 'node:fs';
import path from 'node:path';
import axe from 'axe-core';
import { DateTime } from 'luxon';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core';
import { createSmtpMailer } from '../../outbound/mailer';
import { ensureChromium } from '../stack/chromium';
import { call, waitFor } from '../stack/http';
import { readMail } from '../stack/mail-reader';
import { startSmtpInbox } from '../stack/smtp-inbox';
import { startTestStack, type TestStack } from '../stack/test-stack';

// A visitor in New York books a resource in Paris, on a phone-sized screen, with a real browser.
let stack: TestStack;
let inbox: Awaited<ReturnType<typeof startSmtpInbox>>;
let browser: Browser;
let visitor: BrowserContext;
const problems: string[] = [];

const PARIS_HOURS = Object.fromEntries(
  ['monday', 'tuesday', 'wednesday', 'thursday', 'friday', 'saturday', 'sunday'].map((day) => [day, [{ start: '09:00', end: '17:00' }]]),
);

beforeAll(async () => {
  const executablePath = ensureChromium();
  inbox = await startSmtpInbox();
  stack = await startTestStack('pages', { mailer: createSmtpMailer(inbox.url, 'Bookings <bookings@test.local>') });
  browser = await chromium.launch({ executablePath, args: ['--no-sandbox'] });
  visitor = await browser.newContext({ timezoneId: 'America/New_York', locale: 'en-US', viewport: { width: 390, height: 844 } });
});
afterAll(async () => {
  await browser?.close();
  await stack?.stop();
  await inbox?.stop();
});

const post = (route: string, body: unknown) => call(stack.baseUrl, 'POST', route, { token: stack.apiKey, body });
const get = (route: string) => call(stack.baseUrl, 'GET', route, { token: stack.apiKey });

async function openPage(): Promise<Page> {
  const page = await visitor.newPage();
  page.on('console', (message) => {
    // A refused form comes back with its 4xx status, which Chromium reports as a failed load; that is no script error.
    if (message.type() === 'error' && !/responded with a status of (400|409)/.test(message.text())) problems.push(`${page.url()}: ${message.text()}`);
  });
  page.on('pageerror', (error) => problems.push(`${page.url()}: ${error.message}`));
  return page;
}

/** axe-core in the page: no serious or critical violation. */
async function expectAccessible(page: Page): Promise<void> {
  await page.addScriptTag({ content: axe.source });
  const violations = await page.evaluate(async () => {
    const scope = globalThis as unknown as { axe: typeof axe; document: unknown };
    const result = await scope.axe.run(scope.document as never, { resultTypes: ['violations'] });
    return result.violations.filter((violation) => violation.impact === 'serious' || violation.impact === 'critical')
      .map((violation) => `${violation.id}: ${violation.nodes.map((node) => node.target.join(' ')).join(', ')}`);
  });
  expect(violations).toEqual([]);
}

/** Screenshots for the README, when asked for (SCREENSHOTS=1): the tests do not write into docs/ otherwise. */
async function screenshot(page: Page, name: string): Promise<void> {
  if (process.env.SCREENSHOTS !== '1') return;
  const docs = path.join(__dirname, '..', '..', 'docs');
  await page.screenshot({ path: path.join(docs, `${name}.png`), fullPage: true });
  await page.setViewportSize({ width: 1280, height: 900 });
  await page.screenshot({ path: path.join(docs, `${name}-desktop.png`), fullPage: true });
  await page.setViewportSize({ width: 390, height: 844 });
}

/** The next month's first day with slots, then its first slot: what the visitor clicks. */
async function chooseFirstSlot(page: Page): Promise<{ label: string }> {
  await page.getByRole('link', { name: /Next month/ }).click();
  await page.locator('.month a').first().click();
  await expectAccessible(page);
  await screenshot(page, 'booking-page');
  const slot = page.locator('#slots button').first();
  const label = (await slot.locator('[data-start]').textContent())!.trim();
  await slot.click();
  return { label };
}

function bookingIdOf(manageUrl: string): string {
  return /\/manage\/mt_([0-9a-f-]{36})\./.exec(manageUrl)![1];
}

test('a visitor in New York books a Paris slot, fills the booking fields, and manages it from the e-mail', async () => {
  const resource = await post('/v1/resources', {
    name: 'Dr Lee', timezone: 'Europe/Paris', weekly_schedule: PARIS_HOURS, email: 'lee@clinic.test',
  });
  const branded = await call(stack.baseUrl, 'PATCH', '/v1/organization', { token: stack.apiKey, body: { name: 'Clinique Lumière' } });
  expect(branded.body).toEqual({ id: stack.organizationId, name: 'Clinique Lumière', logo_url: null, retention_days: null, slug: null, embed_origins: [] });
  const service = await post('/v1/services', {
    name: 'Consultation', durations_minutes: [30], resource_ids: [resource.body.id], public: true, slug: 'consultation',
    description: 'A first conversation.', location: '12 rue de la Paix, Paris', primary_color: '#0b5394', secondary_color: '#eef4fb',
    booking_fields: [
      { name: 'topic', label: 'Topic', type: 'select', required: true, options: ['Back pain', 'Check-up'] },
      { name: 'first_visit', label: 'First visit', type: 'checkbox', default: true },
    ],
  });
  expect(service.status).toBe(201);

  const page = await openPage();
  await page.goto(`${stack.baseUrl}/book/consultation`);
  // The script saw the browser's zone and asked for the page in it.
  await page.waitForURL(/tz=America%2FNew_York/);
  expect(await page.locator('#tz').inputValue()).toBe('America/New_York');
  await expect(page.getByRole('heading', { level: 1 }).textContent()).resolves.toContain('Consultation');
  await expect(page.locator('header .org').textContent()).resolves.toBe('Clinique Lumière');
  await expectAccessible(page);

  const { label } = await chooseFirstSlot(page);
  await page.waitForURL(/\/manage\/mt_/);
  const bookingId = bookingIdOf(page.url());
  const held = await get(`/v1/bookings/${bookingId}?timezone=America/New_York`);
  expect(held.body.status).toBe('held');
  // The time the visitor clicked is the time stored, read in their zone (en-US: a 12-hour clock).
  expect(DateTime.fromISO(held.body.start, { setZone: true }).toFormat('h:mm a')).toBe(label);
  expect(held.body.customer.timezone).toBe('America/New_York');
  expect(await page.locator('[data-expires-at]').textContent()).toMatch(/^\d+:\d{2}$/);
  await expectAccessible(page);
  // Without the script the deadline is a clock time in a named zone, not a duration.
  const holdUntil = DateTime.fromISO(held.body.hold_expires_at, { zone: 'America/New_York' });
  const noScript = await (await fetch(page.url())).text();
  expect(noScript).toContain('We hold this time for you until');
  expect(noScript).toContain('(America/New_York)');
  expect(noScript).toContain(`until ${holdUntil.toFormat('h:mm a')} (America/New_York)`);

  // A required booking field left empty: refused, the field named, nothing changed.
  await page.getByLabel('Your name').fill('Ada Lovelace');
  await page.getByLabel('E-mail').fill('ada@example.com');
  await page.getByRole('button', { name: 'Confirm booking' }).click();
  await expect(page.locator('.error-summary').textContent()).resolves.toContain('Topic: is required');
  expect(await page.locator('#field-topic').getAttribute('aria-invalid')).toBe('true');
  expect((await get(`/v1/bookings/${bookingId}`)).body.status).toBe('held');

  await page.getByLabel('Topic').selectOption('Back pain');
  await page.getByRole('button', { name: 'Confirm booking' }).click();
  await expect(page.getByRole('heading', { level: 1 }).textContent()).resolves.toBe('Your booking is confirmed');
  // The confirmation repeats the answers, and offers the calendars people use.
  await expect(page.locator('[data-answers]').textContent()).resolves.toMatch(/Topic\s*Back pain\s*First visit\s*Yes/);
  expect(await page.getByRole('link', { name: 'Add to Google Calendar' }).getAttribute('href')).toMatch(/^https:\/\/calendar\.google\.com\/calendar\/render\?action=TEMPLATE&text=Consultation&dates=\d{8}T\d{6}Z%2F\d{8}T\d{6}Z/);
  expect(await page.getByRole('link', { name: 'Add to Outlook' }).getAttribute('href')).toMatch(/^https:\/\/outlook\.live\.com\/calendar\/0\/deeplink\/compose\?/);
  const confirmed = await get(`/v1/bookings/${bookingId}`);
  expect(confirmed.body).toMatchObject({ status: 'confirmed', booking_fields: { topic: 'Back pain', first_visit: true } });
  const icsHref = await page.getByRole('link', { name: /Add to calendar/ }).getAttribute('href');
  const ics = await page.request.get(new URL(icsHref!, page.url()).toString());
  expect(await ics.text()).toMatch(/SUMMARY:Consultation/);
  await expectAccessible(page);
  await screenshot(page, 'manage-page');

  // The confirmation e-mail carries the manage link; the visitor follows it.
  const [mail] = await waitFor(async () => Promise.all(inbox.mails.filter((received) => received.to.includes('ada@example.com')).map(readMail)),
    (mails) => mails.some((read) => read.parsed.subject?.startsWith('Booking confirmed: Consultation, ')));
  const link = /(http:\/\/\S+\/manage\/\S+)/.exec(mail.parsed.text!)![1];
  const managed = await openPage();
  await managed.goto(link);
  await managed.getByRole('link', { name: 'Reschedule' }).click();
  await managed.waitForURL(/reschedule=1/);
  await managed.locator('.month a').nth(1).click();
  const newLabel = (await managed.locator('#slots button [data-start]').first().textContent())!.trim();
  await managed.locator('#slots button').first().click();
  // A second step: nothing moves until the visitor confirms.
  await expect(managed.getByRole('heading', { name: 'Move your booking?' }).isVisible()).resolves.toBe(true);
  expect((await get(`/v1/bookings/${bookingId}`)).body.start).toBe(confirmed.body.start);
  await expectAccessible(managed);
  await screenshot(managed, 'manage-page-move');
  await managed.getByRole('button', { name: 'Yes, move my booking' }).click();
  await managed.waitForURL((url) => !url.search.includes('reschedule'));
  const moved = await get(`/v1/bookings/${bookingId}?timezone=America/New_York`);
  expect(moved.body.start).not.toBe(held.body.start);
  expect(DateTime.fromISO(moved.body.start, { setZone: true }).toFormat('h:mm a')).toBe(newLabel);
  await expect(managed.locator('[data-notice]').textContent()).resolves.toMatch(/^Your booking moved from .+ to .+\(America\/New_York\)\.$/);

  await managed.getByRole('link', { name: 'Cancel booking' }).click();
  await expect(managed.getByRole('heading', { name: 'Cancel this booking?' }).isVisible()).resolves.toBe(true);
  expect((await get(`/v1/bookings/${bookingId}`)).body.status).toBe('confirmed');
  await expectAccessible(managed);
  await managed.getByLabel('Reason (optional)').fill('I am travelling');
  await managed.getByRole('button', { name: 'Yes, cancel the booking' }).click();
  await expect(managed.getByRole('heading', { level: 1 }).textContent()).resolves.toBe('This booking is cancelled');
  // A cancelled booking offers nothing to add or to change.
  expect(await managed.getByRole('link', { name: /Add to|Reschedule|Cancel booking/ }).count()).toBe(0);
  expect(await managed.locator('main').textContent()).not.toContain('reschedule or cancel');
  const events = await get(`/v1/bookings/${bookingId}/events`);
  expect(events.body.data.at(-1)).toMatchObject({ to: 'cancelled', actor: 'customer', reason: 'I am travelling' });
  expect(problems).toEqual([]);
}, 120_000);

test('a full session: the visitor joins its waiting list and sees the position', async () => {
  const resource = await post('/v1/resources', { name: 'Studio', timezone: 'Europe/Paris', weekly_schedule: PARIS_HOURS });
  const service = await post('/v1/services', {
    name: 'Yoga', durations_minutes: [60], resource_ids: [resource.body.id], public: true, slug: 'yoga',
  });
  const session = await post('/v1/sessions', {
    service_id: service.body.id, start: DateTime.utc().plus({ days: 5 }).startOf('hour').toISO(), duration_minutes: 60,
    timezone: 'Europe/Paris', capacity: 1, waitlist_size: 5,
  });
  expect(session.status).toBe(201);
  const sessionId = session.body.id;
  expect((await post('/v1/bookings', { session_id: sessionId, customer: { name: 'First', email: 'first@example.com' } })).status).toBe(201);

  const page = await openPage();
  await page.goto(`${stack.baseUrl}/book/yoga`);
  await page.waitForURL(/tz=America%2FNew_York/);
  await expect(page.locator('.sessions li').first().textContent()).resolves.toContain('Full: join the waiting list');
  await expectAccessible(page);
  await page.getByLabel('Your name').fill('Grace Hopper');
  await page.getByLabel('E-mail').fill('grace@example.com');
  await page.getByRole('button', { name: 'Join the waiting list' }).click();
  await page.waitForURL(/\/manage\/mt_/);
  expect(await page.locator('[data-waitlist-position]').getAttribute('data-waitlist-position')).toBe('1');
  await expect(page.getByRole('heading', { level: 1 }).textContent()).resolves.toBe('You are on the waiting list');
  expect((await get(`/v1/bookings/${bookingIdOf(page.url())}`)).body).toMatchObject({ status: 'waitlisted', waitlist_position: 1 });
  await expectAccessible(page);
  expect(problems).toEqual([]);
}, 60_000);

test('unpublished pages are 404; French by Accept-Language or ?lang=; the script stays small', async () => {
  const resource = await post('/v1/resources', { name: 'Room', timezone: 'Europe/Paris', weekly_schedule: PARIS_HOURS });
  await post('/v1/services', { name: 'Hidden', durations_minutes: [30], resource_ids: [resource.body.id], slug: 'hidden' });
  expect((await fetch(`${stack.baseUrl}/book/hidden`)).status).toBe(404);
  expect((await fetch(`${stack.baseUrl}/book/no-such-page`)).status).toBe(404);
  expect((await fetch(`${stack.baseUrl}/book/nul%00byte`)).status).toBe(404);
  expect((await fetch(`${stack.baseUrl}/manage/mt_00000000-0000-4000-8000-000000000000.forged`)).status).toBe(404);

  const french = await (await fetch(`${stack.baseUrl}/book/consultation`, { headers: { 'accept-language': 'fr-FR,fr;q=0.9' } })).text();
  expect(french).toContain('<html lang="fr"');
  expect(french).toContain('Réserver : Consultation');
  const asked = await (await fetch(`${stack.baseUrl}/book/consultation?lang=fr`)).text();
  expect(asked).toContain('Choisissez un jour');
  const script = await (await fetch(`${stack.baseUrl}/assets/pages.js`)).text();
  expect(script.length).toBeGreaterThan(0);
  expect(Buffer.byteLength(script)).toBeLessThan(100 * 1024);
  expect(fs.existsSync(path.join(__dirname, '..', '..', 'web', 'assets', 'pages.js'))).toBe(true);
});

const dailyHours = (start: string, end: string) => Object.fromEntries(
  ['monday', 'tuesday', 'wednesday', 'thursday', 'friday', 'saturday', 'sunday'].map((day) => [day, [{ start, end }]]),
);

test('a dense schedule: a month of 5-minute starts renders as a page, a day lists its times hour by hour', async () => {
  const open = await post('/v1/resources', { name: 'Court', timezone: 'Europe/Paris', weekly_schedule: dailyHours('07:00', '22:00') });
  expect((await post('/v1/services', {
    name: 'Squash', durations_minutes: [15], slot_step_minutes: 5, resource_ids: [open.body.id], public: true, slug: 'squash',
  })).status).toBe(201);
  const allDay = await post('/v1/resources', { name: 'Kiosk', timezone: 'UTC', weekly_schedule: dailyHours('00:00', '24:00') });
  expect((await post('/v1/services', {
    name: 'Kiosk', durations_minutes: [15], slot_step_minutes: 1, resource_ids: [allDay.body.id], public: true, slug: 'kiosk',
  })).status).toBe(201);
  const month = DateTime.now().setZone('Europe/Paris').plus({ months: 1 }).toFormat('yyyy-MM');
  // The range the API caps (more than 5000 slots) is no business of the page: every day is a link.
  for (const slug of ['squash', 'kiosk']) {
    const answer = await fetch(`${stack.baseUrl}/book/${slug}?month=${month}&tz=Europe/Paris`);
    expect(answer.status).toBe(200);
    expect(answer.headers.get('content-type')).toMatch(/^text\/html/);
    const body = await answer.text();
    expect(body).not.toContain('5000');
    expect(body.match(/times available/g)?.length).toBe(DateTime.fromISO(`${month}-01`).daysInMonth);
  }

  const page = await openPage();
  await page.goto(`${stack.baseUrl}/book/squash?month=${month}&tz=Europe/Paris&clock=24`);
  await page.locator('.month a').nth(2).click();
  // 178 starts (07:00 to 21:45 every 5 minutes): one hour at a time, the other hours as links.
  const hours = page.getByRole('navigation', { name: 'Hours with times' }).getByRole('link');
  expect(await hours.count()).toBe(15);
  expect(await page.locator('#slots button').count()).toBe(12);
  await expect(page.locator('#slots button').first().textContent()).resolves.toBe('07:00 – 07:15');
  await hours.nth(14).click();
  expect(await page.locator('#slots button').count()).toBe(10);
  await expect(page.locator('#slots button').last().textContent()).resolves.toBe('21:45 – 22:00');
  await expectAccessible(page);
  await screenshot(page, 'booking-page-dense');

  // Whatever a page meets is a page in the visitor's language, never the API's JSON.
  const tooLarge = await fetch(`${stack.baseUrl}/book/squash/hold`, {
    method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded', 'accept-language': 'fr' }, body: `start=${'x'.repeat(60_000)}`,
  });
  expect(tooLarge.status).toBe(413);
  expect(tooLarge.headers.get('content-type')).toMatch(/^text\/html/);
  expect(await tooLarge.text()).toContain('Le formulaire est trop long');
  const refused = await fetch(`${stack.baseUrl}/book/squash/hold?lang=en`, {
    method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: 'start=not-a-time&tz=Europe/Paris',
  });
  expect(refused.status).toBe(400);
  expect(refused.headers.get('content-type')).toMatch(/^text\/html/);
  const englishReason = (await refused.text()).match(/<li>(?:<a[^>]*>)?([^<]+)</)?.[1];
  expect(englishReason).toBeTruthy();
  // In French the page says it in French, never the API's English sentence.
  const refusedInFrench = await fetch(`${stack.baseUrl}/book/squash/hold?lang=fr`, {
    method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: 'start=not-a-time&tz=Europe/Paris',
  });
  expect(refusedInFrench.status).toBe(400);
  const frenchPage = await refusedInFrench.text();
  expect(frenchPage).toContain('Vérifiez ce champ');
  expect(frenchPage).not.toContain(englishReason!);
  const unknown = await fetch(`${stack.baseUrl}/book/squash/nothing-here`, { headers: { 'accept-language': 'fr' } });
  expect(unknown.status).toBe(404);
  expect(await unknown.text()).toContain('Page introuvable');
  expect(problems).toEqual([]);
}, 120_000);

test('the picker: a UTC browser gets UTC, zones are searchable with offsets, 12/24-hour clock, today marked', async () => {
  const utcVisitor = await browser.newContext({ timezoneId: 'UTC', locale: 'en-GB', viewport: { width: 1280, height: 900 } });
  const page = await utcVisitor.newPage();
  page.on('pageerror', (error) => problems.push(`${page.url()}: ${error.message}`));
  await page.goto(`${stack.baseUrl}/book/consultation`);
  await page.waitForURL(/tz=UTC/);
  expect(await page.locator('#tz').inputValue()).toBe('UTC');
  const options = page.locator('#tz-list option');
  expect(await options.first().getAttribute('value')).toBe('UTC');
  const tokyo = page.locator('#tz-list option[value="Asia/Tokyo"]');
  await expect(tokyo.textContent()).resolves.toBe('(UTC+09:00) Asia/Tokyo');
  // Choosing a zone is a plain GET form: typed, then sent.
  await page.locator('#tz').fill('Asia/Tokyo');
  await page.getByRole('button', { name: 'Show times in this zone' }).click();
  await page.waitForURL(/tz=Asia%2FTokyo/);
  await expect(page.locator('#tz-hint').textContent()).resolves.toContain('UTC+09:00');
  const today = DateTime.now().setZone('Asia/Tokyo');
  await expect(page.locator('.month .today').textContent()).resolves.toContain(String(today.day));
  await page.getByRole('link', { name: /Next month/ }).click();
  await page.locator('.month a').first().click();
  // en-GB reads a 24-hour clock; the toggle switches, and each time shows its end.
  await expect(page.locator('#slots button').first().textContent()).resolves.toMatch(/^\d{2}:\d{2} – \d{2}:\d{2}$/);
  await page.getByRole('link', { name: '12-hour clock' }).click();
  await expect(page.locator('#slots button').first().textContent()).resolves.toMatch(/^\d{1,2}:\d{2} [AP]M – \d{1,2}:\d{2} [AP]M$/);
  await expectAccessible(page);
  await utcVisitor.close();
  expect(problems).toEqual([]);
}, 60_000);

test('the organization page lists its services, and the embed sizes itself on listed origins only', async () => {
  const host = http.createServer();
  await new Promise<void>((resolve) => host.listen(0, '127.0.0.1', resolve));
  const hostOrigin = `http://127.0.0.1:${(host.address() as AddressInfo).port}`;
  try {
    const settings = await call(stack.baseUrl, 'PATCH', '/v1/organization', { token: stack.apiKey, body: { slug: 'clinique', embed_origins: [hostOrigin] } });
    expect(settings.body).toMatchObject({ slug: 'clinique', embed_origins: [hostOrigin] });
    const clash = await call(stack.baseUrl, 'PATCH', '/v1/organization', { token: stack.apiKey, body: { slug: 'consultation' } });
    expect(clash.status).toBe(409);
    const room = await post('/v1/resources', { name: 'Spare room', timezone: 'Europe/Paris', weekly_schedule: PARIS_HOURS });
    const taken = await post('/v1/services', { name: 'Clash', durations_minutes: [30], resource_ids: [room.body.id], slug: 'clinique' });
    expect(taken.status).toBe(409);
    expect(taken.body.errors[0].path).toBe('slug');
    const bad = await call(stack.baseUrl, 'PATCH', '/v1/organization', { token: stack.apiKey, body: { embed_origins: ['https://shop.example/path'] } });
    expect(bad.status).toBe(400);
    expect(bad.body.errors[0].path).toBe('embed_origins.0');

    const listing = await fetch(`${stack.baseUrl}/book/clinique?lang=en`);
    expect(listing.status).toBe(200);
    const listed = await listing.text();
    expect(listed).toContain('Book with Clinique Lumière');
    expect(listed).toContain('href="/book/consultation?lang=en"');
    expect(listed).not.toContain('/book/hidden');
    expect(listing.headers.get('content-security-policy')).toBe(`frame-ancestors 'self' ${hostOrigin}`);
    const service = await fetch(`${stack.baseUrl}/book/consultation`);
    expect(service.headers.get('content-security-policy')).toBe(`frame-ancestors 'self' ${hostOrigin}`);

    host.on('request', (_req, res) => {
      res.setHeader('content-type', 'text/html');
      res.end(`<!doctype html><html lang="en"><head><title>Shop</title></head><body><h1>Our shop</h1>
<script src="${stack.baseUrl}/assets/embed.js" data-booking-page="/book/consultation" data-lang="en" data-title="Book a consultation"></script></body></html>`);
    });
    const page = await openPage();
    await page.goto(hostOrigin);
    const frame = page.locator('iframe[title="Book a consultation"]');
    await frame.waitFor();
    // The page inside reports its height; the frame takes it (more than the 480 px it starts with).
    await page.waitForFunction(() => {
      const scope = globalThis as unknown as { document: { querySelector(selector: string): { style: { height: string } } | null } };
      const element = scope.document.querySelector('iframe');
      return element !== null && parseInt(element.style.height, 10) > 600;
    });
    const inner = page.frameLocator('iframe');
    await expect(inner.getByRole('heading', { level: 1 }).textContent()).resolves.toContain('Consultation');
    await screenshot(page, 'booking-page-embed');
    expect(problems).toEqual([]);
  } finally {
    await new Promise((resolve) => host.close(resolve));
  }
}, 60_000);
