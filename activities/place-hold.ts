import type { Kysely } from 'kysely';
import { checkStart } from '../scheduling';
import {
  appendBookingEvent, findBookingById, findOccupiedRanges, insertAllocations, insertBooking, lockResources,
} from '../db/bookings';
import { findGroupSeatsTaken, groupSlotKey, takeGroupSeats } from '../db/group-slots';
import { findResources } from '../db/resources';
import { toResourceSchedule, toServiceRules } from '../db/schedule-model';
import type { Database } from '../db/schema';
import { findOverlappingCustomerBooking, findSession } from '../db/sessions';
import { findService } from '../db/services';
import { bookingEventId, recordBookingEvent } from './booking-event';
import { toSnapshot } from './booking-snapshot';
import { claimSessionSeats } from './claim-session-seats';
import { HoldRefusal, refuse } from './hold-refusal';
import type { HoldOutcome, HoldRequest } from './types';

const EXCLUSION_VIOLATION = '23P01';
const CHECK_VIOLATION = '23514';
const MINUTE = 60_000;

/**
 * Places the hold and its allocations in one transaction (for a session: its seats or a place on
 * its waiting list, see claimSessionSeats). The resource rows are locked first
 * (fast path for races); the exclusion constraint is the guarantee. Running it twice for the same
 * booking id returns the booking the first run created.
 */
export async function placeHold(db: Kysely<Database>, request: HoldRequest, now: Date): Promise<HoldOutcome> {
  try {
    return await db.transaction().execute(async (trx) => {
      const service = await findService(trx, request.organizationId, request.serviceId);
      if (!service) refuse('service_not_found', `service ${request.serviceId} does not exist`);

      const existing = await findBookingById(trx, request.bookingId);
      if (existing) {
        const session = existing.session_id ? await findSession(trx, existing.organization_id, existing.session_id) ?? null : null;
        return {
          outcome: existing.status === 'waitlisted' ? 'waitlisted' as const : 'held' as const,
          booking: toSnapshot(existing, service, session), eventId: bookingEventId(existing.id, 'hold'),
        };
      }
      if (request.sessionId) return await claimSessionSeats(trx, service, request, now);

      const candidateIds = request.resourceIds ?? service.resource_ids;
      const unknown = candidateIds.filter((id) => !service.resource_ids.includes(id));
      if (unknown.length > 0) refuse('resource_not_found', `resource ${unknown[0]} does not provide this service`);
      const neededIds = service.resource_mode === 'all' ? service.resource_ids : candidateIds;

      await lockResources(trx, neededIds);
      const resources = await findResources(trx, request.organizationId, neededIds);
      const ordered = neededIds.map((id) => resources.find((resource) => resource.id === id)!);
      const rules = toServiceRules(service);
      const durationMinutes = request.durationMinutes ?? rules.durationsMinutes[0];
      const start = new Date(request.start);
      const windowStart = new Date(start.getTime() - rules.bufferBeforeMinutes * MINUTE);
      const windowEnd = new Date(start.getTime() + (durationMinutes + rules.bufferAfterMinutes) * MINUTE);
      const occupied = await findOccupiedRanges(trx, neededIds, windowStart, windowEnd);
      const spaces = request.spaces ?? 1;
      const groupAppointment = rules.seatsPerSlot > 1;
      const groupSeats = groupAppointment
        ? await findGroupSeatsTaken(trx, service.id, neededIds, start, new Date(start.getTime() + 1))
        : [];

      const verdict = checkStart({
        resources: ordered.map(toResourceSchedule),
        mode: service.resource_mode,
        service: rules,
        durationMinutes,
        busy: occupied.map((range) => ({ resourceId: range.resourceId, start: range.start.getTime(), end: range.end.getTime() })),
        groupSeats,
        spaces,
        now: now.getTime(),
        start: start.getTime(),
        preferredResourceIds: request.resourceIds ?? undefined,
      });
      if (!verdict.ok) refuse(verdict.reason, verdict.message);

      const end = new Date(start.getTime() + durationMinutes * MINUTE);
      const email = request.customer?.email;
      if (email && (request.exclusiveCustomer || service.exclusive_customer)) {
        const other = await findOverlappingCustomerBooking(trx, request.organizationId, email, start, end);
        if (other) refuse('customer_overlap', `the customer already has booking ${other.id} at an overlapping time`);
      }
      const booking = await insertBooking(trx, {
        id: request.bookingId,
        organization_id: request.organizationId,
        service_id: service.id,
        status: 'held',
        start_at: start,
        end_at: end,
        timezone: ordered[0].timezone,
        resource_ids: verdict.chosenResourceIds,
        spaces,
        customer_name: request.customer?.name ?? null,
        customer_email: request.customer?.email ?? null,
        customer_phone: request.customer?.phone ?? null,
        notes: request.customer?.notes ?? null,
        metadata: JSON.stringify(request.metadata),
        hold_expires_at: new Date(now.getTime() + service.hold_ttl_seconds * 1000),
        approval_expires_at: null,
      });
      // A group appointment's bookings share one slot per resource; joining takes seats from it.
      const slotKey = groupAppointment ? groupSlotKey(service.id, windowStart, windowEnd) : null;
      if (slotKey) {
        await takeGroupSeats(trx, {
          organizationId: booking.organization_id, serviceId: service.id, resourceIds: verdict.chosenResourceIds,
          slotKey, start, occupiedFrom: windowStart, occupiedTo: windowEnd, seats: rules.seatsPerSlot, spaces,
        });
      }
      await insertAllocations(trx, {
        bookingId: booking.id,
        organizationId: booking.organization_id,
        resourceIds: verdict.chosenResourceIds,
        start: windowStart,
        end: windowEnd,
        slotKey,
      });
      await appendBookingEvent(trx, {
        organizationId: booking.organization_id, bookingId: booking.id, step: 'hold',
        from: null, to: 'held', actor: 'customer', reason: null,
      });
      const eventId = await recordBookingEvent(trx, booking, 'hold', 'booking.held');
      return { outcome: 'held' as const, booking: toSnapshot(booking, service), eventId };
    });
  } catch (error) {
    if (error instanceof HoldRefusal) return error.outcome;
    const code = (error as { code?: string }).code;
    if (code === EXCLUSION_VIOLATION || code === CHECK_VIOLATION) {
      return { outcome: 'rejected', code: 'slot_taken', message: 'the requested time is already booked' };
    }
    throw error;
  }
}
