import type { Kysely } from 'kysely';
import { appendBookingEvent, findEventByStep, lockBooking, releaseAllocations } from '../db/bookings';
import type { Database } from '../db/schema';
import { findService } from '../db/services';
import { bookingEventId, eventTypeOf, recordBookingEvent } from './booking-event';
import { toSnapshot } from './booking-snapshot';
import type { TransitionOutcome, TransitionRequest } from './types';

/**
 * Moves a booking from one of the expected statuses to the next, writes the audit event and, for
 * an ending, frees its capacity, all in one transaction. A retry finds its own event by step and
 * answers as the first run did.
 */
export async function recordTransition(db: Kysely<Database>, request: TransitionRequest): Promise<TransitionOutcome> {
  return db.transaction().execute(async (trx) => {
    const booking = await lockBooking(trx, request.bookingId);
    if (!booking) return { ok: false, currentStatus: null };
    const service = await findService(trx, booking.organization_id, booking.service_id);
    if (!service) throw new Error(`service ${booking.service_id} of booking ${booking.id} is gone`);

    const eventType = eventTypeOf(request.to, Boolean(request.checkIn));
    if (await findEventByStep(trx, booking.id, request.step)) {
      return { ok: true, booking: toSnapshot(booking, service), eventId: eventType && bookingEventId(booking.id, request.step) };
    }
    if (!request.from.includes(booking.status)) return { ok: false, currentStatus: booking.status };

    const updated = await trx.updateTable('bookings')
      .set({
        status: request.to,
        updated_at: new Date(),
        ...(request.customer && {
          customer_name: request.customer.name,
          customer_email: request.customer.email,
          customer_phone: request.customer.phone ?? null,
          notes: request.customer.notes ?? null,
        }),
        ...(request.checkIn && { checked_in: request.checkIn.present, check_in_reason: request.checkIn.reason }),
        ...(request.approvalExpiresAt !== undefined && {
          approval_expires_at: request.approvalExpiresAt ? new Date(request.approvalExpiresAt) : null,
        }),
      })
      .where('id', '=', booking.id)
      .returningAll()
      .executeTakeFirstOrThrow();
    if (request.releaseCapacity) await releaseAllocations(trx, booking.id);
    await appendBookingEvent(trx, {
      organizationId: booking.organization_id, bookingId: booking.id, step: request.step,
      from: booking.status, to: request.to, actor: request.actor, reason: request.reason,
    });
    const eventId = eventType && await recordBookingEvent(trx, updated, request.step, eventType);
    return { ok: true, booking: toSnapshot(updated, service), eventId };
  });
}
