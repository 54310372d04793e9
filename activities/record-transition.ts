import type { Kysely } from 'kysely';
import {
  appendBookingEvent, findBookingById, findEventByStep, findOverlappingCustomerBooking, lockBooking, releaseAllocations,
} from '../db/bookings';
import type { Database } from '../db/schema';
import { lockSession } from '../db/sessions';
import { findService } from '../db/services';
import { bookingEventId, eventTypeOf, recordBookingEvent } from '../bookings/booking-event';
import { toSnapshot } from '../bookings/booking-snapshot';
import { promotedEarlier, promoteWaitlist, releaseSessionSeats } from './promote-waitlist';
import type { TransitionOutcome, TransitionRequest } from '../domain/booking-types';

/**
 * Moves a booking from one of the expected statuses to the next, writes the audit event and, for
 * an ending, frees its capacity, all in one transaction. Seats a session booking frees go to the
 * waiting list in the same transaction. A retry finds its own event by step and answers as the
 * first run did, promotions included.
 */
export async function recordTransition(db: Kysely<Database>, request: TransitionRequest, now: Date): Promise<TransitionOutcome> {
  return db.transaction().execute(async (trx) => {
    // A session's lock comes before any of its bookings' (see lockSession): peek at the session first.
    const sessionId = (await findBookingById(trx, request.bookingId))?.session_id ?? null;
    const session = sessionId ? await lockSession(trx, sessionId) ?? null : null;
    const booking = await lockBooking(trx, request.bookingId);
    if (!booking) return { ok: false, currentStatus: null };
    const service = await findService(trx, booking.organization_id, booking.service_id);
    if (!service) throw new Error(`service ${booking.service_id} of booking ${booking.id} is gone`);

    const cause = bookingEventId(booking.id, request.step);
    const eventType = request.spaces === undefined ? eventTypeOf(request.to, Boolean(request.checkIn)) : null;
    if (await findEventByStep(trx, booking.id, request.step)) {
      return {
        ok: true, booking: toSnapshot(booking, service, session), eventId: eventType && cause,
        promoted: session ? await promotedEarlier(trx, cause, service, session) : [],
      };
    }
    if (!request.from.includes(booking.status)) {
      return { ok: false, currentStatus: booking.status, booking: toSnapshot(booking, service, session) };
    }
    // The customer's e-mail is who they are for `exclusive_customer`: a new one is checked again.
    const newEmail = request.customer?.email;
    if (newEmail && newEmail.toLowerCase() !== booking.customer_email?.toLowerCase()
      && (booking.exclusive_customer || service.exclusive_customer)) {
      const other = await findOverlappingCustomerBooking(trx, booking.organization_id, newEmail, booking.start_at, booking.end_at, booking.id);
      if (other) {
        return {
          ok: false, currentStatus: booking.status, booking: toSnapshot(booking, service, session),
          refusal: { code: 'customer_overlap', message: `the customer already has booking ${other.id} at an overlapping time` },
        };
      }
    }

    // Giving seats back is no move: the status stays whatever it is by now (the workflow may have
    // read it before a confirmation committed).
    const to = request.spaces === undefined ? request.to : booking.status;
    const updated = await trx.updateTable('bookings')
      .set({
        status: to,
        updated_at: now,
        ...(request.customer && {
          customer_name: request.customer.name,
          customer_email: request.customer.email,
          customer_phone: request.customer.phone ?? null,
          notes: request.customer.notes ?? null,
          // Absent in requests recorded before they existed: keep what the reservation stored.
          ...(request.customer.timezone !== undefined && { customer_timezone: request.customer.timezone }),
          ...(request.customer.booking_fields !== undefined && { booking_fields: JSON.stringify(request.customer.booking_fields) }),
          ...(request.customer.extra_emails !== undefined && { extra_emails: request.customer.extra_emails }),
        }),
        ...(request.checkIn && { checked_in: request.checkIn.present, check_in_reason: request.checkIn.reason }),
        ...(request.approvalExpiresAt !== undefined && {
          approval_expires_at: request.approvalExpiresAt ? new Date(request.approvalExpiresAt) : null,
        }),
        ...(request.spaces !== undefined && { spaces: request.spaces }),
      })
      .where('id', '=', booking.id)
      .returningAll()
      .executeTakeFirstOrThrow();
    let seatsFreed = 0;
    if (request.releaseCapacity) {
      await releaseAllocations(trx, booking.id);
      seatsFreed = await releaseSessionSeats(trx, booking);
    } else if (request.spaces !== undefined && request.spaces < booking.spaces) {
      seatsFreed = await releaseSessionSeats(trx, booking, booking.spaces - request.spaces);
    }
    await appendBookingEvent(trx, {
      organizationId: booking.organization_id, bookingId: booking.id, step: request.step,
      from: booking.status, to, actor: request.actor, reason: request.reason,
    });
    const eventId = eventType && await recordBookingEvent(trx, updated, request.step, eventType);
    const promoted = session && seatsFreed > 0 ? await promoteWaitlist(trx, session.id, service, cause, now) : [];
    return { ok: true, booking: toSnapshot(updated, service, session), eventId, promoted };
  });
}
