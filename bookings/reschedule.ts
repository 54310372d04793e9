import type { Booking } from '../db/schema';
import { findService } from '../db/services';
import { rescheduleUpdate } from '../workflows/messages';
import { changeBooking } from './change';
import { InvalidInput, NotFound } from './errors';
import { requestedDuration, type TimeChange } from './hold-request';
import { requireBooking, type BookingCommandDeps } from './use-case-deps';

/**
 * Moves a booking to another time through its workflow's `reschedule` Update. The input is checked
 * against the booking's service first (InvalidInput); a time that is not available is a Conflict with the
 * engine's code, and the booking keeps its old time. A session booking has its session's time.
 */
export async function rescheduleBooking(
  deps: BookingCommandDeps, organizationId: string, bookingId: string, actor: string, body: TimeChange, idempotencyKey: string | null = null,
): Promise<Booking> {
  const booking = await requireBooking(deps.db, organizationId, bookingId);
  if (booking.session_id) {
    throw new InvalidInput([{ path: 'start', message: 'a session booking has its session\'s time: book another session instead' }]);
  }
  const service = await findService(deps.db, organizationId, booking.service_id);
  if (!service) throw new NotFound(`service ${booking.service_id} not found`);
  const durationMinutes = requestedDuration(service, body);
  return changeBooking(deps, organizationId, bookingId, rescheduleUpdate, {
    actor, start: body.start.toISOString(), durationMinutes, resourceIds: body.resource_ids ?? null,
  }, idempotencyKey);
}
