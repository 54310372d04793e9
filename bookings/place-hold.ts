import type { Kysely, Transaction } from 'kysely';
import { appendBookingEvent, findBookingById, insertBooking } from '../db/bookings';
import type { Booking, Database } from '../db/schema';
import { findSession } from '../db/sessions';
import { findService, type ServiceWithResources } from '../db/services';
import { findDeliveryPlan } from '../db/webhooks';
import { bookingEventId, getsDelivery, heldEvent, writeBookingEvent } from './booking-event';
import { resourceNamesOf, toSnapshot, type SnapshotService } from './booking-snapshot';
import { rollBackIfLate } from './commit-deadline';
import { findClaimableTime, lookAtTime, occupyTime, refusalOf, refuseTime } from './booking-time';
import { claimSessionSeats } from './claim-session-seats';
import type { HoldOutcome, HoldRequest } from '../domain/booking-types';
import { fromReservation, holdReason, refuseCustomerOverlap } from './new-booking';

type Placed = Exclude<HoldOutcome, { outcome: 'rejected' }>;

/**
 * A hold as the API placed it: for a new appointment, with the booking's row as inserted, which is
 * the API's answer. Never part of the workflow's input (the API leaves `row` out of it).
 */
export type PlacedHold = HoldOutcome | (Placed & { row?: Booking });

/** What a retried hold answers: the booking its first run made, as it stands now. */
export async function earlierHold(trx: Transaction<Database>, booking: Booking, service: SnapshotService): Promise<Placed> {
  const session = booking.session_id ? await findSession(trx, booking.organization_id, booking.session_id) ?? null : null;
  const eventId = bookingEventId(booking.id, 'hold');
  // As the first run's answer: its event, with the plan written with it (a row from before plans has none).
  const delivery = await findDeliveryPlan(trx, eventId);
  return {
    outcome: booking.status === 'waitlisted' ? 'waitlisted' : 'held', booking: toSnapshot(booking, service, session),
    ...(getsDelivery(delivery) ? { eventId, ...(delivery && { delivery }) } : { eventId: null }),
  };
}

/**
 * Places the hold and its allocations in one transaction (for a session: its seats or a place on
 * its waiting list, see claimSessionSeats). The resource rows are locked first (fast path for
 * races); the exclusion constraint is the guarantee. Running it twice for the same booking id
 * returns the booking the first run created. Past `commitBy` (see attemptDeadline) it commits nothing.
 * A caller that has just read the service (the API) passes it as `service`, and one whose booking id
 * was generated for this very request passes `newBookingId`: neither is read again.
 */
export async function placeHold(
  db: Kysely<Database>, request: HoldRequest, now: Date, commitBy: Date | null = null,
  known: { service?: ServiceWithResources; newBookingId?: boolean } = {},
): Promise<PlacedHold> {
  const wanted = (service: ServiceWithResources) => ({
    organizationId: request.organizationId, service, start: new Date(request.start),
    durationMinutes: request.durationMinutes, resourceIds: request.resourceIds, resourceGroup: request.resourceGroup,
    bypassDelays: request.bypassDelays, spaces: request.spaces ?? 1, now,
  });
  // A new booking (no earlier attempt to find) whose service is known looks at its time before
  // opening the transaction: a refusal then costs no BEGIN and ROLLBACK.
  const lookFirst = Boolean(known.newBookingId && !request.sessionId && known.service?.id === request.serviceId);
  try {
    const looked = lookFirst ? await lookAtTime(db, wanted(known.service!)) : null;
    return await db.transaction().execute(async (trx) => {
      const service = known.service?.id === request.serviceId ? known.service : await findService(trx, request.organizationId, request.serviceId);
      if (!service) refuseTime('service_not_found', `service ${request.serviceId} does not exist`);

      const existing = known.newBookingId ? undefined : await findBookingById(trx, request.bookingId);
      if (existing) return earlierHold(trx, existing, service);
      if (request.sessionId) {
        const claimed = await claimSessionSeats(trx, service, request, now);
        rollBackIfLate(commitBy);
        return claimed;
      }

      const spaces = request.spaces ?? 1;
      const time = await findClaimableTime(trx, wanted(service), { looked });
      await refuseCustomerOverlap(trx, request, service, time.start, time.end);
      const booking = await insertBooking(trx, {
        ...fromReservation(request),
        service_id: service.id,
        status: 'held',
        start_at: time.start,
        end_at: time.end,
        timezone: time.timezone,
        resource_ids: time.resourceIds,
        spaces,
        hold_expires_at: new Date(now.getTime() + service.hold_ttl_seconds * 1000),
      });
      await occupyTime(trx, booking, time);
      await appendBookingEvent(trx, {
        organizationId: booking.organization_id, bookingId: booking.id, step: 'hold',
        from: null, to: 'held', actor: 'customer', reason: holdReason(request),
      });
      const event = await writeBookingEvent(trx, booking, 'hold', 'booking.held');
      rollBackIfLate(commitBy);
      return {
        outcome: 'held' as const, booking: toSnapshot(booking, service, null, resourceNamesOf(booking.resource_ids, time.resources)),
        ...heldEvent(event),
        // Only for a caller that brought its own service (the API): the activity's result stays as it was.
        ...(known.service && { row: booking }),
      };
    });
  } catch (error) {
    const refusal = refusalOf(error);
    if (refusal) return { outcome: 'rejected', ...refusal };
    throw error;
  }
}
