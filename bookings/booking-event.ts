import type { BookingMailKind } from '../domain/booking-types';
import type { Transaction } from 'kysely';
import { bookingRepresentation } from '../db/booking-representation';
import type { Booking, BookingEventType, BookingStatus, Database } from '../db/schema';
import { findSubscriptionsFor, insertBookingEvent } from '../db/webhooks';

/** The e-mails each event sends: to the customer, and a notice to the hosts (activities/send-booking-mails.ts writes them). */
export const EVENT_MAILS: Partial<Record<BookingEventType, { customer: BookingMailKind; host?: BookingMailKind }>> = {
  'booking.awaiting_approval': { customer: 'received', host: 'host_new_booking' },
  'booking.confirmed': { customer: 'confirmed', host: 'host_new_booking' },
  'booking.declined': { customer: 'declined' },
  'booking.cancelled': { customer: 'cancelled', host: 'host_cancelled' },
  // The hosts' invitation moves too: same UID, a higher SEQUENCE.
  'booking.rescheduled': { customer: 'rescheduled', host: 'host_rescheduled' },
};

export function sendsMail(type: BookingEventType): boolean {
  return type in EVENT_MAILS;
}

/** Which webhook event a transition is, if any: a check-in keeps the status but is an event. */
export function eventTypeOf(to: BookingStatus, checkIn: boolean): BookingEventType | null {
  if (checkIn) return 'booking.checked_in';
  switch (to) {
    case 'held': return 'booking.held';
    case 'pending_approval': return 'booking.awaiting_approval';
    case 'confirmed': return 'booking.confirmed';
    case 'cancelled': return 'booking.cancelled';
    case 'declined': return 'booking.declined';
    case 'expired': return 'booking.expired';
    default: return null;
  }
}

/** The events a booking's own `callback_url` receives. */
export const CALLBACK_EVENT_TYPES: readonly BookingEventType[] = ['booking.cancelled', 'booking.checked_in'];

/**
 * Stands in the delivery workflow's list of subscription ids for the booking's own callback URL,
 * so the same workflow and activity, with the same retry policy, deliver both.
 */
export const BOOKING_CALLBACK_TARGET = 'booking-callback';

export function wantsCallback(booking: Pick<Booking, 'callback_url'>, type: BookingEventType): boolean {
  return Boolean(booking.callback_url) && CALLBACK_EVENT_TYPES.includes(type);
}

export function bookingEventId(bookingId: string, step: string): string {
  return `${bookingId}:${step}`;
}

/** Someone to e-mail about this event: the customer, or a host with an address. */
async function hasMailRecipient(trx: Transaction<Database>, booking: Booking, type: BookingEventType): Promise<boolean> {
  if (!sendsMail(type)) return false;
  if (booking.customer_email) return true;
  if (booking.resource_ids.length === 0) return false;
  const host = await trx.selectFrom('resources').select('id')
    .where('id', 'in', booking.resource_ids).where('email', 'is not', null).executeTakeFirst();
  return Boolean(host);
}

/**
 * The outbox row for webhooks and e-mails, written in the transaction of the transition it
 * reports. Returns the event id only when a subscription, the booking's own callback or an e-mail
 * wants it: without one, no delivery workflow is started, which spares the workflow engine half of
 * its work per booking.
 */
export async function recordBookingEvent(
  trx: Transaction<Database>, booking: Booking, step: string, type: BookingEventType, occurredAt = booking.updated_at,
): Promise<string | null> {
  const id = bookingEventId(booking.id, step);
  await insertBookingEvent(trx, {
    id, organizationId: booking.organization_id, bookingId: booking.id, type,
    payload: bookingRepresentation(booking), occurredAt,
  });
  if (wantsCallback(booking, type) || await hasMailRecipient(trx, booking, type)) return id;
  const subscribers = await findSubscriptionsFor(trx, booking.organization_id, type);
  return subscribers.length > 0 ? id : null;
}
