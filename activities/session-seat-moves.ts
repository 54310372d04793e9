import type { Kysely, Transaction } from 'kysely';
import { isIn, SEATED_STATUSES } from '../domain/booking-status';
import { appendBookingEvent, findBookingById, findEventByStep, lockBooking } from '../db/bookings';
import type { Booking, BookingStatus, Database, Session } from '../db/schema';
import { adjustSessionCounters, lockSession, nextWaitlistSeq } from '../db/sessions';
import { findService, type ServiceWithResources } from '../db/services';
import { bookingEventId, recordBookingEvent } from '../bookings/booking-event';
import { toSnapshot } from '../bookings/booking-snapshot';
import { sessionHoldExpiry } from '../bookings/claim-session-seats';
import { promotedEarlier, promoteWaitlist } from './promote-waitlist';
import type { BookingSnapshot, PromotedBooking } from '../domain/booking-types';

/** The host moving a session booking between its seats and the waiting list (Chrono's suspend/accept). */
export interface SeatMoveRequest {
  bookingId: string;
  /** Unique per move within the booking, like a transition's step. */
  step: string;
  actor: string;
  reason: string | null;
  /** The booking's organization: the activity hands the events it writes to their delivery workflows under it (absent in older requests). */
  organizationId?: string;
}

export type SeatMoveOutcome =
  | { ok: true; booking: BookingSnapshot; eventId: string | null; promoted: PromotedBooking[]; handedOver?: true }
  | { ok: false; currentStatus: BookingStatus | null; refusal?: { code: string; message: string } };

interface Locked { trx: Transaction<Database>; booking: Booking; session: Session; service: ServiceWithResources }

/** Session first, then the booking (the lock order of every session write); a retry finds its step done. */
async function withLockedSessionBooking(
  db: Kysely<Database>, request: SeatMoveRequest, move: (locked: Locked) => Promise<SeatMoveOutcome>,
): Promise<SeatMoveOutcome> {
  return db.transaction().execute(async (trx) => {
    const sessionId = (await findBookingById(trx, request.bookingId))?.session_id ?? null;
    const session = sessionId ? await lockSession(trx, sessionId) : undefined;
    const booking = await lockBooking(trx, request.bookingId);
    if (!booking || !session) return { ok: false, currentStatus: booking?.status ?? null };
    const service = await findService(trx, booking.organization_id, booking.service_id);
    if (!service) throw new Error(`service ${booking.service_id} of booking ${booking.id} is gone`);
    if (await findEventByStep(trx, booking.id, request.step)) {
      const cause = bookingEventId(booking.id, request.step);
      return { ok: true, booking: toSnapshot(booking, service, session), eventId: cause, promoted: await promotedEarlier(trx, cause, service, session) };
    }
    return move({ trx, booking, session, service });
  });
}

/**
 * Suspend: a seated booking goes back to the waiting list, at its end. Its seats are freed first
 * and go to the waiting bookings by the usual promotion rule, so the suspended booking cannot take
 * them straight back; then it joins the queue (409 waitlist_full when the list has no room).
 */
export function suspendSessionBooking(db: Kysely<Database>, request: SeatMoveRequest, now: Date): Promise<SeatMoveOutcome> {
  return withLockedSessionBooking(db, request, async ({ trx, booking, session, service }) => {
    if (!isIn(SEATED_STATUSES, booking.status)) return { ok: false, currentStatus: booking.status };
    if (session.waitlist_size - session.waitlist_taken < booking.spaces) {
      return {
        ok: false, currentStatus: booking.status,
        refusal: { code: 'waitlist_full', message: `the waiting list of session ${session.id} has no room for ${booking.spaces} more` },
      };
    }
    const cause = bookingEventId(booking.id, request.step);
    await adjustSessionCounters(trx, session.id, { seats: -booking.spaces });
    const promoted = await promoteWaitlist(trx, session.id, service, cause, now);
    const updated = await trx.updateTable('bookings')
      .set({ status: 'waitlisted', waitlist_seq: await nextWaitlistSeq(trx), hold_expires_at: null, approval_expires_at: null, updated_at: now })
      .where('id', '=', booking.id).returningAll().executeTakeFirstOrThrow();
    await adjustSessionCounters(trx, session.id, { waitlist: booking.spaces });
    await appendBookingEvent(trx, {
      organizationId: booking.organization_id, bookingId: booking.id, step: request.step,
      from: booking.status, to: 'waitlisted', actor: request.actor, reason: request.reason ?? 'suspended: back to the waiting list',
    });
    const eventId = await recordBookingEvent(trx, updated, request.step, 'booking.waitlisted');
    return { ok: true, booking: toSnapshot(updated, service, session), eventId, promoted };
  });
}

/**
 * Accept: a chosen waiting booking gets seats ahead of its turn, if the session has them free
 * (409 session_full otherwise); it is held (or confirmed, per the service's promotion policy) as a
 * promoted booking would be.
 */
export function acceptWaitingBooking(db: Kysely<Database>, request: SeatMoveRequest, now: Date): Promise<SeatMoveOutcome> {
  return withLockedSessionBooking(db, request, async ({ trx, booking, session, service }) => {
    if (booking.status !== 'waitlisted') return { ok: false, currentStatus: booking.status };
    const free = session.capacity - session.seats_taken;
    if (free < booking.spaces) {
      return {
        ok: false, currentStatus: booking.status,
        refusal: { code: 'session_full', message: `session ${session.id} has ${free} seat(s) free, fewer than the ${booking.spaces} this booking needs` },
      };
    }
    const to = service.promotion === 'auto_confirm' ? 'confirmed' : 'held';
    const updated = await trx.updateTable('bookings')
      .set({ status: to, hold_expires_at: to === 'held' ? sessionHoldExpiry(session, service.hold_ttl_seconds, now) : null, updated_at: now })
      .where('id', '=', booking.id).returningAll().executeTakeFirstOrThrow();
    await adjustSessionCounters(trx, session.id, { seats: booking.spaces, waitlist: -booking.spaces });
    await appendBookingEvent(trx, {
      organizationId: booking.organization_id, bookingId: booking.id, step: request.step,
      from: 'waitlisted', to, actor: request.actor, reason: request.reason ?? 'accepted ahead of the waiting list',
    });
    const eventId = await recordBookingEvent(trx, updated, request.step, 'booking.promoted');
    return { ok: true, booking: toSnapshot(updated, service, session), eventId, promoted: [] };
  });
}
