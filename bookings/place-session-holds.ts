import type { Kysely } from 'kysely';
import { findBookingById } from '../db/bookings';
import type { Database } from '../db/schema';
import { lockSession } from '../db/sessions';
import { findService } from '../db/services';
import { claimSessionSeats } from './claim-session-seats';
import { earlierHold } from './place-hold';
import { rollBackIfLate } from './commit-deadline';
import { refusalOf, refuseTime } from './booking-time';
import type { BookingSnapshot, HoldOutcome, HoldRequest } from '../domain/booking-types';

export type SessionHoldsOutcome =
  | { outcome: 'held'; bookings: { booking: BookingSnapshot; eventId: string | null }[] }
  | (Extract<HoldOutcome, { outcome: 'rejected' }> & { index: number });

/**
 * Holds seats in several sessions for one customer (a course) in one transaction: all of them or
 * none. No waiting list here: a course with a full session is refused. The sessions are locked in
 * id order so that two courses sharing sessions cannot deadlock. A retry returns the bookings the
 * first run made. Past `commitBy` (see attemptDeadline) it commits nothing.
 */
export async function placeSessionHolds(
  db: Kysely<Database>, requests: HoldRequest[], now: Date, commitBy: Date | null = null,
): Promise<SessionHoldsOutcome> {
  let index = 0;
  try {
    return await db.transaction().execute(async (trx) => {
      for (const sessionId of [...new Set(requests.map((request) => request.sessionId!))].sort()) {
        await lockSession(trx, sessionId);
      }
      const bookings = [];
      for (index = 0; index < requests.length; index += 1) {
        const request = requests[index];
        const service = await findService(trx, request.organizationId, request.serviceId);
        if (!service) refuseTime('service_not_found', `service ${request.serviceId} does not exist`);
        const existing = await findBookingById(trx, request.bookingId);
        const { booking, eventId } = existing
          ? await earlierHold(trx, existing, service)
          : await claimSessionSeats(trx, service, request, now, { seatsOnly: true });
        bookings.push({ booking, eventId });
      }
      rollBackIfLate(commitBy);
      return { outcome: 'held' as const, bookings };
    });
  } catch (error) {
    const refusal = refusalOf(error);
    if (refusal) return { outcome: 'rejected', ...refusal, index };
    throw error;
  }
}
