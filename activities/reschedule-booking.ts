import type { Kysely } from 'kysely';
import {
  appendBookingEvent, findEventByStep, lockBooking, lockResources, releaseAllocations,
} from '../db/bookings';
import type { Database } from '../db/schema';
import { findService } from '../db/services';
import { bookingEventId, recordBookingEvent } from '../bookings/booking-event';
import { resourceNamesOf, toSnapshot } from '../bookings/booking-snapshot';
import { findClaimableTime, neededResourceIds, occupyTime, refusalOf } from '../bookings/booking-time';
import type { RescheduleOutcome, RescheduleRequest } from '../domain/booking-types';

const MINUTE = 60_000;

/**
 * Moves a booking to another time in one transaction: its current allocations are released and
 * the new ones inserted together, so the customer holds exactly one of the two times at every
 * moment, and a refused time (taken, outside hours, …) rolls everything back to the old one.
 * Releasing first means the booking's own time is not in its way: a move by 15 minutes within
 * its own range is allowed. A retry finds its own audit event by step and answers as the first attempt did.
 */
export async function rescheduleBooking(db: Kysely<Database>, request: RescheduleRequest, now: Date): Promise<RescheduleOutcome> {
  try {
    return await db.transaction().execute(async (trx) => {
      const booking = await lockBooking(trx, request.bookingId);
      if (!booking) return { outcome: 'invalid_status' as const, currentStatus: null };
      const service = await findService(trx, booking.organization_id, booking.service_id);
      if (!service) throw new Error(`service ${booking.service_id} of booking ${booking.id} is gone`);
      if (await findEventByStep(trx, booking.id, request.step)) {
        return { outcome: 'rescheduled' as const, booking: toSnapshot(booking, service), eventId: bookingEventId(booking.id, request.step) };
      }
      if (!request.from.includes(booking.status)) return { outcome: 'invalid_status' as const, currentStatus: booking.status };

      const candidateIds = request.resourceIds ?? booking.resource_ids;
      // Every resource the old and the new time touch, in one sorted lock, before anything moves.
      await lockResources(trx, [...new Set([...booking.resource_ids, ...neededResourceIds(service, candidateIds)])]);
      await releaseAllocations(trx, booking.id);
      const time = await findClaimableTime(trx, {
        organizationId: booking.organization_id,
        service,
        start: new Date(request.start),
        durationMinutes: request.durationMinutes ?? (booking.end_at.getTime() - booking.start_at.getTime()) / MINUTE,
        resourceIds: candidateIds,
        spaces: booking.spaces,
        now,
      }, { locked: true });
      const updated = await trx.updateTable('bookings')
        .set({
          start_at: time.start, end_at: time.end, resource_ids: time.resourceIds, timezone: time.timezone, updated_at: now,
        })
        .where('id', '=', booking.id)
        .returningAll()
        .executeTakeFirstOrThrow();
      await occupyTime(trx, updated, time);
      await appendBookingEvent(trx, {
        organizationId: booking.organization_id, bookingId: booking.id, step: request.step,
        from: booking.status, to: booking.status, actor: request.actor,
        reason: `rescheduled from ${booking.start_at.toISOString()}`,
      });
      const eventId = await recordBookingEvent(trx, updated, request.step, 'booking.rescheduled');
      return { outcome: 'rescheduled' as const, booking: toSnapshot(updated, service, null, resourceNamesOf(updated.resource_ids, time.resources)), eventId };
    });
  } catch (error) {
    const refusal = refusalOf(error);
    if (refusal) return { outcome: 'refused', ...refusal };
    throw error;
  }
}
