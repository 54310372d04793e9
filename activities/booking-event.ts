import type { Transaction } from 'kysely';
import { bookingRepresentation } from '../db/booking-representation';
import type { Booking, BookingEventType, BookingStatus, Database } from '../db/schema';
import { findSubscriptionsFor, insertBookingEvent } from '../db/webhooks';

/** Which webhook event a transition is, if any: a check-in keeps the status but is an event. */
export function eventTypeOf(to: BookingStatus, checkIn: boolean): BookingEventType | null {
  if (checkIn) return 'booking.checked_in';
  switch (to) {
    case 'held': return 'booking.held';
    case 'confirmed': return 'booking.confirmed';
    case 'cancelled': return 'booking.cancelled';
    case 'declined': return 'booking.declined';
    case 'expired': return 'booking.expired';
    default: return null;
  }
}

export function bookingEventId(bookingId: string, step: string): string {
  return `${bookingId}:${step}`;
}

/**
 * The outbox row for webhooks, written in the transaction of the transition it reports. Returns
 * the event id only when a subscription wants it: without one, no delivery workflow is started,
 * which spares the workflow engine half of its work per booking.
 */
export async function recordBookingEvent(
  trx: Transaction<Database>, booking: Booking, step: string, type: BookingEventType,
): Promise<string | null> {
  const id = bookingEventId(booking.id, step);
  await insertBookingEvent(trx, {
    id, organizationId: booking.organization_id, bookingId: booking.id, type,
    payload: bookingRepresentation(booking), occurredAt: booking.updated_at,
  });
  const subscribers = await findSubscriptionsFor(trx, booking.organization_id, type);
  return subscribers.length > 0 ? id : null;
}
