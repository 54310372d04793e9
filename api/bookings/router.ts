import { Router, type Request, type Response } from 'express';
import { findBooking, findRebooking, listBookingEvents, listBookings } from '../../db/bookings';
import {
  acceptUpdate, cancelUpdate, checkInUpdate, confirmUpdate, declineUpdate, reduceSpacesUpdate, submitDetailsUpdate, suspendUpdate,
} from '../../workflows/messages';
import { listNotifications, type StoredNotification } from '../../db/notifications';
import { waitlistPosition } from '../../db/sessions';
import { listCallbackDeliveries } from '../../db/booking-callbacks';
import type { Booking } from '../../db/schema';
import { isoInZone } from '../../scheduling';
import { bookingAccess, organizationOf } from '../auth';
import { decodeCursor, nextCursor } from '../cursor';
import { InvalidInput, NotFound } from '../errors';
import { idempotencyKeyOf, replayable } from '../idempotency';
import { requireOutboundUrl } from '../outbound-url';
import { STRICT_POLICY, type OutboundPolicy } from '../../outbound/address-policy';
import { issueManageToken } from '../../outbound/manage-token';
import { parseInput, pathId } from '../validation';
import { anonymizeBooking } from '../../bookings/anonymize';
import { changeBooking } from '../../bookings/change';
import { checkReservationAnswers, submitBookingDetails } from '../../bookings/details';
import { rebookBooking } from '../../bookings/rebook';
import { reserveBooking } from '../../bookings/reserve';
import { resendNotification } from '../../bookings/mail-outbox';
import { LOCALES } from '../../domain/locales';
import type { Mailer } from '../../outbound/mailer';
import { reserveSessionBookings } from '../../bookings/reserve-sessions';
import { rescheduleBooking } from '../../bookings/reschedule';
import type { BookingCommandDeps } from '../../bookings/use-case-deps';
import {
  cancelBody, checkInBody, createBookingBody, createSessionBookingsBody, customerDetails, hostAnswerBody, listBookingsQuery,
  rescheduleBookingBody, spacesBody, timezoneQuery, toBookingResponse, toCallbackDeliveryResponse,
} from './schemas';

function toNotificationResponse(notification: StoredNotification, zone: string) {
  return {
    id: notification.id, kind: notification.kind, channel: notification.channel, recipient: notification.recipient,
    subject: notification.subject, status: notification.status, error: notification.error,
    message_id: notification.message_id,
    created_at: isoInZone(notification.created_at.getTime(), zone),
    sent_at: notification.sent_at && isoInZone(notification.sent_at.getTime(), zone),
  };
}

export function bookingsRouter(deps: BookingCommandDeps & {
  manageTokenSecret: string; outbound?: OutboundPolicy;
  /** Sends an operator's resend; without it (no SMTP_URL) a resend is refused. */
  mailer?: Mailer | null;
}): Router {
  const router = Router();
  const zoneOf = (query: unknown) => parseInput(timezoneQuery, query).timezone;

  /** The booking named in the path, if the caller may see it (its organization or its customer). */
  async function readableBooking(req: Request<{ id: string }>) {
    const bookingId = pathId(req.params.id, 'booking');
    const { organizationId } = bookingAccess(req, bookingId);
    const booking = await findBooking(deps.db, organizationId, bookingId);
    if (!booking) throw new NotFound(`booking ${bookingId} not found`);
    return booking;
  }

  /** A booking read alone: with its place in the queue while it waits. */
  async function withQueuePlace(booking: Booking, zone: string | undefined) {
    return { ...toBookingResponse(booking, zone), waitlist_position: await waitlistPosition(deps.db, booking) };
  }

  /** The keys a booking's creator gets in the 201 (and a replay of it) only; GET never shows them. */
  function creatorKeys(booking: Booking) {
    return {
      manage_token: issueManageToken(deps.manageTokenSecret, booking.id),
      ...(booking.callback_secret && { callback_secret: booking.callback_secret }),
    };
  }

  /** The booking's language: the body's `locale`, else one the request's Accept-Language names. */
  function withLocale<T extends { locale?: string }>(req: Request, body: T): T {
    if (body.locale || !req.get('accept-language')) return body;
    const accepted = req.acceptsLanguages(...LOCALES);
    return accepted ? { ...body, locale: accepted } : body;
  }

  /**
   * A change of one booking: with an Idempotency-Key, a request sent again (its answer was lost)
   * gets the first answer, and the Update named by the key is made once; the same key with another
   * body is refused (422). The answers are kept per booking and action.
   */
  async function answerChange(
    req: Request<{ id: string }>, res: Response, organizationId: string, bookingId: string, action: string,
    change: (idempotencyKey: string | null) => Promise<Booking>,
  ) {
    const zone = zoneOf(req.query);
    const key = idempotencyKeyOf(req);
    const answer = await replayable(deps.db, req, organizationId, `POST /v1/bookings/${bookingId}/${action}`, async () => (
      { status: 200, body: toBookingResponse(await change(key), zone) }
    ));
    res.status(answer.status).json(answer.body);
  }

  router.post('/', async (req, res) => {
    // A customer's manage token may only rebook its own booking; everything else needs the API key.
    if (req.principal?.kind !== 'organization' && !req.body?.cancel_booking_id) organizationOf(req);
    const body = withLocale(req, parseInput(createBookingBody, req.body));
    const rebooker = body.cancel_booking_id ? bookingAccess(req, body.cancel_booking_id) : null;
    // A customer may not set a callback at all (the rebook refuses it), so its address is not looked up.
    if (rebooker?.actor !== 'customer') await requireOutboundUrl(deps.outbound ?? STRICT_POLICY, body.callback_url, 'callback_url');
    const zone = zoneOf(req.query);
    if (!rebooker) await checkReservationAnswers(deps.db, organizationOf(req), body);
    const booking = rebooker
      ? await rebookBooking(deps, rebooker.organizationId, rebooker.actor, { ...body, cancel_booking_id: body.cancel_booking_id! }, idempotencyKeyOf(req))
      : await reserveBooking(deps, organizationOf(req), body, idempotencyKeyOf(req));
    res.status(booking.status === 'waitlisted' ? 202 : 201).json({ ...await withQueuePlace(booking, zone), ...creatorKeys(booking) });
  });

  router.post('/batch', async (req, res) => {
    const organizationId = organizationOf(req);
    const body = parseInput(createSessionBookingsBody, req.body);
    await requireOutboundUrl(deps.outbound ?? STRICT_POLICY, body.callback_url, 'callback_url');
    const zone = zoneOf(req.query);
    const bookings = await reserveSessionBookings(deps, organizationId, body, idempotencyKeyOf(req));
    res.status(201).json({
      data: bookings.map((booking) => ({ ...toBookingResponse(booking, zone), ...creatorKeys(booking) })),
    });
  });

  router.get('/', async (req, res) => {
    const query = parseInput(listBookingsQuery, req.query);
    const after = decodeCursor(query.cursor);
    const rows = await listBookings(deps.db, {
      organizationId: organizationOf(req), statuses: query.status, serviceId: query.service_id, resourceId: query.resource_id,
      sessionId: query.session_id, customerEmail: query.customer_email, externalId: query.external_id, from: query.from, to: query.to, createdAfter: query.created_after,
      limit: query.limit, after: after && { startAt: after.at, id: after.id },
    });
    res.json({
      data: rows.map((row) => toBookingResponse(row, query.timezone)),
      next_cursor: nextCursor(rows, query.limit, (row) => row.start_at),
    });
  });

  router.get('/:id', async (req, res) => {
    const booking = await readableBooking(req);
    const replacement = await findRebooking(deps.db, booking.organization_id, booking.id);
    res.json({ ...await withQueuePlace(booking, zoneOf(req.query)), rebooked_to: replacement?.id ?? null });
  });

  router.get('/:id/events', async (req, res) => {
    const booking = await readableBooking(req);
    const events = await listBookingEvents(deps.db, booking.organization_id, booking.id);
    const zone = zoneOf(req.query) ?? booking.timezone;
    res.json({
      data: events.map((event) => ({
        from: event.from_status, to: event.to_status, actor: event.actor, reason: event.reason,
        at: isoInZone(event.created_at.getTime(), zone),
      })),
    });
  });

  router.post('/:id/details', async (req, res) => {
    const bookingId = pathId(req.params.id, 'booking');
    const { organizationId } = bookingAccess(req, bookingId);
    const details = parseInput(customerDetails, req.body);
    await answerChange(req, res, organizationId, bookingId, 'details', (key) => submitBookingDetails(deps, organizationId, bookingId, details, key));
  });

  // The host's answers; suspend and accept move a session booking between its seats and the waiting list.
  for (const [action, update] of [['confirm', confirmUpdate], ['decline', declineUpdate], ['suspend', suspendUpdate], ['accept', acceptUpdate]] as const) {
    router.post(`/:id/${action}`, async (req, res) => {
      const bookingId = pathId(req.params.id, 'booking');
      const organizationId = organizationOf(req);
      const { reason } = parseInput(hostAnswerBody, req.body);
      await answerChange(req, res, organizationId, bookingId, action, (key) => changeBooking(
        deps, organizationId, bookingId, update, { actor: 'host', reason: reason ?? null }, key,
      ));
    });
  }

  router.post('/:id/check-in', async (req, res) => {
    const bookingId = pathId(req.params.id, 'booking');
    const organizationId = organizationOf(req);
    const { present, reason } = parseInput(checkInBody, req.body);
    await answerChange(req, res, organizationId, bookingId, 'check-in', (key) => changeBooking(
      deps, organizationId, bookingId, checkInUpdate, { actor: 'host', present, reason: reason ?? null }, key,
    ));
  });

  router.get('/:id/notifications', async (req, res) => {
    const booking = await readableBooking(req);
    const notifications = await listNotifications(deps.db, booking.organization_id, booking.id);
    const zone = zoneOf(req.query) ?? booking.timezone;
    res.json({ data: notifications.map((notification) => toNotificationResponse(notification, zone)) });
  });

  router.post('/:id/notifications/:nid/resend', async (req, res) => {
    const booking = await readableBooking(req);
    organizationOf(req);
    const notificationId = pathId(req.params.nid, 'notification');
    const resent = await resendNotification(deps.db, deps.mailer ?? null, booking.organization_id, booking.id, notificationId);
    res.json(toNotificationResponse(resent, zoneOf(req.query) ?? booking.timezone));
  });

  router.post('/:id/spaces', async (req, res) => {
    const booking = await readableBooking(req);
    const { actor } = bookingAccess(req, booking.id);
    const { spaces } = parseInput(spacesBody, req.body);
    if (!booking.session_id) throw new InvalidInput([{ path: 'spaces', message: 'only a session booking can give seats back' }]);
    const tooMany = spaces >= booking.spaces
      && new InvalidInput([{ path: 'spaces', message: `must be fewer than the ${booking.spaces} the booking holds; book again for more` }]);
    await answerChange(req, res, booking.organization_id, booking.id, 'spaces', async (key) => {
      // Sent again after a lost answer, the booking already holds what was asked: its key's Update says whether that was this request.
      if (tooMany && !key) throw tooMany;
      return changeBooking(deps, booking.organization_id, booking.id, reduceSpacesUpdate, { actor, spaces }, key)
        .catch((error: unknown) => { throw tooMany || error; });
    });
  });

  router.post('/:id/reschedule', async (req, res) => {
    const bookingId = pathId(req.params.id, 'booking');
    const { organizationId, actor } = bookingAccess(req, bookingId);
    const body = parseInput(rescheduleBookingBody, req.body);
    await answerChange(req, res, organizationId, bookingId, 'reschedule', (key) => rescheduleBooking(deps, organizationId, bookingId, actor, body, key));
  });

  router.get('/:id/callbacks', async (req, res) => {
    organizationOf(req); // the delivery log is the organization's, not the customer's
    const booking = await readableBooking(req);
    const deliveries = await listCallbackDeliveries(deps.db, booking.organization_id, booking.id);
    res.json({ callback_url: booking.callback_url, data: deliveries.map(toCallbackDeliveryResponse) });
  });

  // Erasing personal data is the organization's decision (a customer asks it to); a manage token gets 403.
  router.post('/:id/anonymize', async (req, res) => {
    const bookingId = pathId(req.params.id, 'booking');
    const organizationId = organizationOf(req);
    const zone = zoneOf(req.query);
    const booking = await anonymizeBooking(deps, organizationId, bookingId, 'host');
    res.json(toBookingResponse(booking, zone));
  });

  router.post('/:id/cancel', async (req, res) => {
    const bookingId = pathId(req.params.id, 'booking');
    const { organizationId, actor } = bookingAccess(req, bookingId);
    const { reason } = parseInput(cancelBody, req.body);
    await answerChange(req, res, organizationId, bookingId, 'cancel', (key) => changeBooking(
      deps, organizationId, bookingId, cancelUpdate, { actor, reason: reason ?? null }, key,
    ));
  });

  return router;
}
