import type { Kysely } from 'kysely';
import { appendBookingEvent, findEventByStep, lockBooking } from '../db/bookings';
import { isIn, LIVE_STATUSES } from '../domain/booking-status';
import type { Database } from '../db/schema';
import { findSession } from '../db/sessions';
import { findService } from '../db/services';
import { resourceNamesOf, toSnapshot } from '../bookings/booking-snapshot';
import { findBookingResources } from '../db/customer-pages';
import type { BookingSnapshot } from '../domain/booking-types';

export interface ResumeRequest {
  bookingId: string;
  /** Unique per adoption (the adopting run's id): a retry writes its audit event once. */
  step: string;
  actor: string;
  reason: string;
}

/**
 * The booking as the database has it, for a workflow that adopts it; the adoption itself is an
 * audit event (the status stays). An ended booking is returned as it is, with nothing written.
 */
export async function resumeBooking(db: Kysely<Database>, request: ResumeRequest): Promise<BookingSnapshot | null> {
  return db.transaction().execute(async (trx) => {
    const booking = await lockBooking(trx, request.bookingId);
    if (!booking) return null;
    const service = await findService(trx, booking.organization_id, booking.service_id);
    if (!service) throw new Error(`service ${booking.service_id} of booking ${booking.id} is gone`);
    const session = booking.session_id ? await findSession(trx, booking.organization_id, booking.session_id) ?? null : null;
    const live = isIn(LIVE_STATUSES, booking.status);
    if (live && !await findEventByStep(trx, booking.id, request.step)) {
      await appendBookingEvent(trx, {
        organizationId: booking.organization_id, bookingId: booking.id, step: request.step,
        from: booking.status, to: booking.status, actor: request.actor, reason: request.reason,
      });
    }
    const resources = await findBookingResources(trx, booking.organization_id, booking.resource_ids);
    return toSnapshot(booking, service, session, resourceNamesOf(booking.resource_ids, resources));
  });
}
