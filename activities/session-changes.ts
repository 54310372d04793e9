import type { Kysely } from 'kysely';
import { LIVE_STATUSES } from '../domain/booking-status';
import type { Database } from '../db/schema';
import { findSessionBookings, lockSession, releaseSessionResources, updateSessionSettings } from '../db/sessions';
import { findService } from '../db/services';
import { promotedEarlier, promoteWaitlist } from './promote-waitlist';
import type { CapacityChangeOutcome, CapacityChangeRequest, SessionCancellationRequest } from '../domain/booking-types';

export type { CapacityChangeOutcome, CapacityChangeRequest, SessionCancellationRequest };

/**
 * Marks the session cancelled (no new bookings, no promotions), frees the resources it occupied
 * and names the bookings still to end; each is then cancelled through its own workflow. Running
 * it again names the bookings not yet ended, so a retry reaches the ones a crash left out.
 */
export async function cancelSession(db: Kysely<Database>, request: SessionCancellationRequest): Promise<{ bookingIds: string[] }> {
  return db.transaction().execute(async (trx) => {
    const session = await lockSession(trx, request.sessionId);
    if (!session || session.organization_id !== request.organizationId) return { bookingIds: [] };
    if (session.status !== 'cancelled') {
      await updateSessionSettings(trx, session.id, { status: 'cancelled', cancel_reason: request.reason });
      await releaseSessionResources(trx, session.id);
    }
    const open = await findSessionBookings(trx, session.id, LIVE_STATUSES);
    return { bookingIds: open.map((booking) => booking.id) };
  });
}

/** Changes the seats or the waiting list's size; seats added go to the waiting list at once. */
export async function changeSessionCapacity(db: Kysely<Database>, request: CapacityChangeRequest, now: Date): Promise<CapacityChangeOutcome> {
  return db.transaction().execute(async (trx): Promise<CapacityChangeOutcome> => {
    const session = await lockSession(trx, request.sessionId);
    if (!session || session.organization_id !== request.organizationId) {
      return { ok: false, code: 'session_not_found', message: `session ${request.sessionId} does not exist` };
    }
    if (session.status === 'cancelled') return { ok: false, code: 'session_cancelled', message: `session ${session.id} is cancelled` };
    const service = await findService(trx, session.organization_id, session.service_id);
    if (!service) throw new Error(`service ${session.service_id} of session ${session.id} is gone`);
    const earlier = await promotedEarlier(trx, request.cause, service, session);
    if (earlier.length > 0) return { ok: true, promoted: earlier };
    const capacity = request.capacity ?? session.capacity;
    const waitlistSize = request.waitlistSize ?? session.waitlist_size;
    if (capacity < session.seats_taken) {
      return { ok: false, code: 'capacity_below_seats_taken', message: `${session.seats_taken} seats are taken; the capacity cannot go below that` };
    }
    if (waitlistSize < session.waitlist_taken) {
      return { ok: false, code: 'waitlist_below_waiting', message: `${session.waitlist_taken} places of the waiting list are taken; its size cannot go below that` };
    }
    await updateSessionSettings(trx, session.id, { capacity, waitlist_size: waitlistSize });
    return { ok: true, promoted: await promoteWaitlist(trx, session.id, service, request.cause, now) };
  });
}
