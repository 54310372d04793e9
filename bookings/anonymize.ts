import { startEventDelivery } from './event-delivery';
import type { Booking } from '../db/schema';
import { anonymizeBookingData, eraseDeliveriesFromTemporal, eraseFromTemporal } from './personal-data-erasure';
import { NotFound } from './errors';
import { TEMPORAL_BUDGET_MS, withTemporalDeadline } from './temporal-deadline';
import type { BookingCommandDeps } from './use-case-deps';

/**
 * Erases the customer's personal data: the database first, in one transaction
 * that also deletes the key of the booking's encrypted Temporal payloads; then the booking's
 * workflow executions, whose histories hold the `CustomerEmail` search attribute in cleartext
 * (a running one is replaced by a run that adopts the anonymized booking). Idempotent: a repeated
 * call finds nothing left to erase in the database and makes sure Temporal holds nothing either,
 * and the announcing event is delivered (a first call cut short by a Temporal outage is completed).
 */
export async function anonymizeBooking(deps: BookingCommandDeps, organizationId: string, bookingId: string, actor: string): Promise<Booking> {
  const anonymized = await anonymizeBookingData(deps.db, organizationId, bookingId, actor);
  if (!anonymized) throw new NotFound(`booking ${bookingId} not found`);
  const { eventId, booking } = anonymized;
  if (eventId) {
    await withTemporalDeadline(deps.temporal, TEMPORAL_BUDGET_MS.call,
      () => startEventDelivery(deps.db, deps.temporal, deps.taskQueue, eventId, organizationId));
  }
  await eraseFromTemporal(deps.temporal, bookingId, deps.taskQueue, booking.anonymized_at!);
  await eraseDeliveriesFromTemporal(deps.temporal, deps.db, bookingId, booking.anonymized_at!);
  return booking;
}
