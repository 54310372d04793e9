import { randomUUID } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import express, { Router, type Request, type Response } from 'express';
import { IANAZone } from 'luxon';
import { bookingInvitation } from '../bookings/booking-invitation';
import { cancelBooking } from '../bookings/change';
import { submitBookingDetails } from '../bookings/details';
import { BookingRefusal, Conflict, IdempotencyKeyReused, InvalidInput, NotFound } from '../bookings/errors';
import type { ReservationInput, TimeChange } from '../bookings/hold-request';
import { reserveBooking } from '../bookings/reserve';
import { rescheduleBooking } from '../bookings/reschedule';
import type { BookingCommandDeps } from '../bookings/use-case-deps';
import type { CustomerDetails } from '../domain/booking-types';
import { issueManageToken, verifyManageToken } from '../outbound/manage-token';
import { findBookingById } from '../db/bookings';
import { findBookingResources, findBranding, findOrganizationPage, findPublicService } from '../db/customer-pages';
import type { Booking } from '../db/schema';
import { FREES_CAPACITY_STATUSES, isIn } from '../domain/booking-status';
import { findService } from '../db/services';
import { renderBookingPage, renderServicesPage, type PageContext } from './booking-page';
import { allowFraming, EMBED_SCRIPT } from './embed';
import { pageErrors, sendNotFoundPage } from './error-page';
import { PAGE_STYLE } from './layout';
import { renderManagePage } from './manage-page';
import { pageHeaders } from './page-headers';
import { fieldErrorWording, refusalWording } from './refusal-wording';
import { localeOf, translator } from './strings';
import { hour12Of, pageZone } from './time-format';

/** The request shapes the API validates, handed in by the app: a form is refused as an API call is. */
export interface PageRequestParsers {
  reservation(input: unknown): ReservationInput;
  details(input: unknown): CustomerDetails;
  reschedule(input: unknown): TimeChange;
}

export interface CustomerPagesDeps extends BookingCommandDeps {
  manageTokenSecret: string;
  /** The pages' base URL (PUBLIC_URL); default the request's own scheme and host. */
  publicUrl?: string;
  parse: PageRequestParsers;
}

/** The status a page shown again answers with, by what the refusal means; null: not the page's to show. */
function pageStatusOf(error: unknown): number | null {
  if (error instanceof InvalidInput) return 400;
  if (error instanceof NotFound) return 404;
  if (error instanceof Conflict) return 409;
  if (error instanceof IdempotencyKeyReused) return 422;
  return null;
}

const SCRIPT = fs.readFileSync(path.join(__dirname, 'assets', 'pages.js'), 'utf8');

/** A path segment that cannot be a slug names no page; it never reaches the database. */
function publishedService(db: CustomerPagesDeps['db'], slug: string) {
  return /^[a-z0-9-]{1,64}$/.test(slug) ? findPublicService(db, slug) : Promise.resolve(undefined);
}

function zoneOr(value: unknown, fallback: string): string {
  return typeof value === 'string' && IANAZone.isValidZone(value) ? pageZone(value) : fallback;
}

function field(value: unknown): string | undefined {
  return typeof value === 'string' ? value : undefined;
}

/**
 * The public booking page (/book/<slug>) and the customer's manage page (/manage/<token>):
 * server-rendered HTML with plain forms that work without JavaScript. They call the same domain
 * functions as the API (the hold is the same Update-with-Start, keyed by an Idempotency-Key).
 */
export function customerPagesRouter(deps: CustomerPagesDeps): Router {
  const router = Router();
  router.use(['/book', '/manage'], pageHeaders);
  const form = express.urlencoded({ extended: false, limit: '50kb' });
  const publicUrlOf = (req: Request) => deps.publicUrl ?? `${req.protocol}://${req.get('host')}`;

  function context(req: Request): PageContext {
    const locale = localeOf(req);
    const asked = { ...req.query, ...(typeof req.body === 'object' && req.body) } as Record<string, unknown>;
    return {
      db: deps.db, locale, t: translator(locale), now: new Date(),
      hour12: hour12Of(asked, req.get('accept-language'), locale), embed: asked.embed === '1',
    };
  }

  function notFound(req: Request, res: Response): void {
    allowFraming(res);
    sendNotFoundPage(req, res);
  }

  router.get('/assets/pages.js', (_req, res) => {
    res.type('application/javascript').set('cache-control', 'public, max-age=300').send(SCRIPT);
  });
  router.get('/assets/embed.js', (_req, res) => {
    res.type('application/javascript').set('cache-control', 'public, max-age=300').send(EMBED_SCRIPT);
  });
  router.get('/assets/pages.css', (_req, res) => {
    res.type('text/css').set('cache-control', 'public, max-age=300').send(PAGE_STYLE);
  });

  // ---- the booking page ----

  async function bookingPage(req: Request, res: Response, slug: string, status = 200, errors: { path: string; message: string }[] = []) {
    const service = await publishedService(deps.db, slug);
    if (!service) return organizationPage(req, res, slug);
    const [branding, resources] = await Promise.all([
      findBranding(deps.db, service.organization_id), findBookingResources(deps.db, service.organization_id, service.resource_ids),
    ]);
    const zone = zoneOr(req.query.tz ?? req.body?.tz, resources[0]?.timezone ?? 'UTC');
    const query = { ...req.query, ...(req.body?.start && { date: String(req.body.start).slice(0, 10) }) };
    allowFraming(res, branding.embedOrigins);
    res.status(status).type('html').send(await renderBookingPage(context(req), {
      service, branding, zone, query, idempotencyKey: randomUUID(), errors,
    }));
  }

  /** No service at this slug: an organization's page listing its public services, if one has it. */
  async function organizationPage(req: Request, res: Response, slug: string) {
    const found = /^[a-z0-9-]{1,64}$/.test(slug) ? await findOrganizationPage(deps.db, slug) : undefined;
    if (!found) return notFound(req, res);
    allowFraming(res, found.branding.embedOrigins);
    res.type('html').send(renderServicesPage(context(req), found));
  }

  router.get('/book/:slug', (req, res) => bookingPage(req, res, req.params.slug));

  /** A refusal (time taken, input) shows the page again with the reason; anything else is a 5xx. */
  async function reserveFromPage(req: Request<{ slug: string }>, res: Response, body: Record<string, unknown>, key: string) {
    const service = await publishedService(deps.db, req.params.slug);
    if (!service) return notFound(req, res);
    const zone = zoneOr(req.body.tz, 'UTC');
    const t = translator(localeOf(req));
    let booking: Booking;
    try {
      const reservation = deps.parse.reservation({
        ...body, ...(!body.session_id && { service_id: service.id }), customer: { ...(body.customer as object), timezone: zone },
      });
      booking = await reserveBooking(deps, service.organization_id, { ...reservation, locale: localeOf(req), metadata: { source: 'booking-page' } }, key);
    } catch (error) {
      const status = pageStatusOf(error);
      if (status === null || !(error instanceof BookingRefusal)) throw error;
      const locale = localeOf(req);
      const errors = status === 409
        ? [{ path: 'start', message: refusalWording(t, locale, error.extra.code, error.message, 'slot_taken') }]
        : fieldErrorWording(t, locale, error.extra.errors?.length ? error.extra.errors : [{ path: 'start', message: error.message }]);
      return bookingPage(req, res, req.params.slug, status, errors);
    }
    const token = issueManageToken(deps.manageTokenSecret, booking.id);
    res.redirect(303, `/manage/${token}?${new URLSearchParams({ tz: zone, lang: localeOf(req), ...pageChoices(req) })}`);
  }

  router.post('/book/:slug/hold', form, (req, res) => {
    const start = field(req.body.start);
    // One key per page view and time: a double click is one hold, another time is another.
    return reserveFromPage(req, res, { start }, `page:${field(req.body.key) ?? randomUUID()}:${start}`)
      .then(() => undefined);
  });

  router.post('/book/:slug/session', form, (req, res) => reserveFromPage(req, res, {
    session_id: field(req.body.session_id), spaces: Number(req.body.spaces ?? 1),
    customer: { name: field(req.body.name), email: field(req.body.email) },
  }, `page:${field(req.body.key) ?? randomUUID()}:${field(req.body.spaces)}`));

  // ---- the manage page ----

  async function bookingOfToken(token: string) {
    const bookingId = verifyManageToken(deps.manageTokenSecret, token);
    const booking = bookingId ? await findBookingById(deps.db, bookingId) : undefined;
    if (!booking) return null;
    const service = await findService(deps.db, booking.organization_id, booking.service_id);
    return service ? { booking, service } : null;
  }

  async function managePage(
    req: Request<{ token: string }>, res: Response, status = 200,
    extra: { errors?: { path: string; message: string }[]; values?: Record<string, string | boolean | undefined> } = {},
  ) {
    const found = await bookingOfToken(req.params.token);
    if (!found) return notFound(req, res);
    const { booking, service } = found;
    const [branding, hosts] = await Promise.all([
      findBranding(deps.db, booking.organization_id), findBookingResources(deps.db, booking.organization_id, booking.resource_ids),
    ]);
    const zone = zoneOr(req.query.tz ?? req.body?.tz, booking.customer_timezone ?? booking.timezone);
    const ctx = context(req);
    allowFraming(res, branding.embedOrigins);
    res.status(status).type('html').send(await renderManagePage(ctx, {
      booking, service, branding, hosts, token: req.params.token, zone, publicUrl: publicUrlOf(req),
      query: { ...req.query, ...(status !== 200 && req.body?.start && { reschedule: '1', date: String(req.body.start).slice(0, 10) }), ...(status !== 200 && { confirm: undefined }) },
      values: extra.values, errors: extra.errors,
    }));
  }

  router.get('/manage/:token', (req, res) => managePage(req, res));

  router.get('/manage/:token/booking.ics', async (req, res) => {
    const found = await bookingOfToken(req.params.token);
    if (!found) return notFound(req, res);
    const { booking, service } = found;
    const branding = await findBranding(deps.db, booking.organization_id);
    const ics = bookingInvitation({
      booking, service, organizerName: branding.name, zone: booking.customer_timezone ?? booking.timezone,
      method: isIn(FREES_CAPACITY_STATUSES, booking.status) ? 'CANCEL' : 'REQUEST',
      manageUrl: `${publicUrlOf(req)}/manage/${req.params.token}`, now: new Date(),
    });
    res.type('text/calendar; charset=utf-8').set('content-disposition', 'attachment; filename="booking.ics"').send(ics);
  });

  /** Runs a change; a refusal shows the page again (its fields named), anything else is a 5xx. */
  async function act(
    req: Request<{ token: string }>, res: Response, change: (booking: Booking) => Promise<unknown>,
    values?: Record<string, string | boolean | undefined>,
  ) {
    const found = await bookingOfToken(req.params.token);
    if (!found) return notFound(req, res);
    const movedFrom = found.booking.start_at.getTime();
    let changed: unknown;
    try {
      changed = await change(found.booking);
    } catch (error) {
      const status = pageStatusOf(error);
      if (status === null || !(error instanceof BookingRefusal)) throw error;
      const locale = localeOf(req);
      const t = translator(locale);
      const errors = error.extra.errors
        ? fieldErrorWording(t, locale, error.extra.errors)
        : [{ path: 'body', message: refusalWording(t, locale, error.extra.code, error.message, status === 409 ? 'slot_taken' : 'refused_change') }];
      return managePage(req, res, status, { errors, values });
    }
    // A move says on the next page what moved, from the start it had.
    const moved = req.path.endsWith('/reschedule') && (changed as Booking | undefined)?.start_at?.getTime?.() !== movedFrom;
    res.redirect(303, `/manage/${req.params.token}?${new URLSearchParams({
      tz: zoneOr(req.body.tz, found.booking.timezone), lang: localeOf(req), ...pageChoices(req), ...(moved && { moved_from: String(movedFrom) }),
    })}`);
  }

  router.post('/manage/:token/details', form, async (req, res) => {
    const found = await bookingOfToken(req.params.token);
    if (!found) return notFound(req, res);
    const answers: Record<string, string | boolean> = {};
    for (const definition of found.service.booking_fields) {
      const value = req.body[`field_${definition.name}`];
      if (definition.type === 'checkbox') answers[definition.name] = value === 'true';
      else if (typeof value === 'string') answers[definition.name] = value;
    }
    const values: Record<string, string | boolean | undefined> = {
      name: field(req.body.name), email: field(req.body.email), phone: field(req.body.phone),
      ...Object.fromEntries(Object.entries(answers).map(([name, value]) => [`booking_fields.${name}`, value])),
    };
    return act(req, res, (booking) => {
      const details = deps.parse.details({
        name: field(req.body.name) ?? '', email: field(req.body.email) ?? '', phone: field(req.body.phone) || null,
        timezone: zoneOr(req.body.tz, booking.customer_timezone ?? booking.timezone), booking_fields: answers,
      });
      return submitBookingDetails(deps, booking.organization_id, booking.id, details);
    }, values);
  });

  router.post('/manage/:token/cancel', form, (req, res) => act(req, res, (booking) => cancelBooking(
    deps, booking.organization_id, booking.id, { actor: 'customer', reason: field(req.body.reason)?.trim() || null },
  )));

  router.post('/manage/:token/reschedule', form, (req, res) => act(req, res, (booking) => rescheduleBooking(
    deps, booking.organization_id, booking.id, 'customer', deps.parse.reschedule({ start: field(req.body.start) }),
  )));

  // Any other address under the pages, and any failure of theirs, answers as a page.
  router.use(['/book', '/manage'], (req, res) => notFound(req, res));
  router.use(pageErrors);

  return router;
}

/** The visitor's clock and embedding carried from a form to the page it leads to. */
function pageChoices(req: Request): Record<string, string> {
  const body = (req.body ?? {}) as Record<string, unknown>;
  return {
    ...((body.clock === '12' || body.clock === '24') && { clock: body.clock }),
    ...(body.embed === '1' && { embed: '1' }),
  };
}
