import type { BookingMailKind, DeliveryPlan } from '../domain/booking-types';
import type { Transaction } from 'kysely';
import { bookingRepresentation } from '../db/booking-representation';
import type { Booking, BookingEventType, BookingStatus, Database } from '../db/schema';
import { hasWriteBackConnection } from '../db/calendar-booking-events';
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
 * The events after which a booking's event in its hosts' calendars may have to appear, move or
 * go. Any of them brings the calendars to the booking's state now, so their order does not matter.
 */
export const WRITE_BACK_EVENTS: readonly BookingEventType[] = [
  'booking.confirmed', 'booking.promoted', 'booking.rescheduled',
  'booking.cancelled', 'booking.expired', 'booking.declined', 'booking.anonymized',
];

/**
 * What the event's delivery will send, decided in the transaction that writes it: the e-mails if
 * someone is to get one, the write-back if a calendar receives the booking or holds its event, and
 * the webhook targets: the subscriptions that want the event now (those are its subscribers: one
 * added later does not get it) and the booking's own callback.
 */
export async function planDelivery(trx: Transaction<Database>, booking: Booking, type: BookingEventType): Promise<DeliveryPlan> {
  const [mails, calendars, subscriptions] = await Promise.all([
    hasMailRecipient(trx, booking, type),
    WRITE_BACK_EVENTS.includes(type) && hasWriteBackConnection(trx, booking.id, booking.resource_ids),
    findSubscriptionsFor(trx, booking.organization_id, type),
  ]);
  return {
    mails, calendars,
    targets: [...subscriptions.map((subscription) => subscription.id), ...(wantsCallback(booking, type) ? [BOOKING_CALLBACK_TARGET] : [])],
  };
}

export function plansNothing(plan: DeliveryPlan): boolean {
  return !plan.mails && !plan.calendars && plan.targets.length === 0;
}

/**
 * Whether an event, as `findDeliveryPlan` found it, gets a delivery: it exists and its plan sends
 * something, or it was written before plans (its delivery then reads its targets itself).
 */
export function getsDelivery(plan: DeliveryPlan | null | undefined): boolean {
  return plan === null || (plan !== undefined && !plansNothing(plan));
}

/** The event fields of a hold's outcome: the event with its plan, or none when nothing is sent. */
export function heldEvent(event: { id: string; delivery: DeliveryPlan } | null): { eventId: string | null; delivery?: DeliveryPlan } {
  return event ? { eventId: event.id, delivery: event.delivery } : { eventId: null };
}

/**
 * The outbox row for webhooks, e-mails and calendar write-back, written in the transaction of the
 * transition it reports, with its delivery plan. Returns the event and its plan only when the plan
 * sends something: otherwise no delivery workflow is started, which spares the workflow engine
 * half of its work per booking.
 */
export async function writeBookingEvent(
  trx: Transaction<Database>, booking: Booking, step: string, type: BookingEventType, occurredAt = booking.updated_at,
): Promise<{ id: string; delivery: DeliveryPlan } | null> {
  const id = bookingEventId(booking.id, step);
  const delivery = await planDelivery(trx, booking, type);
  await insertBookingEvent(trx, {
    id, organizationId: booking.organization_id, bookingId: booking.id, type,
    payload: bookingRepresentation(booking), occurredAt, delivery,
  });
  return plansNothing(delivery) ? null : { id, delivery };
}

/** As `writeBookingEvent`, for a caller that hands the event over by id (its plan is read back from the row). */
export async function recordBookingEvent(
  trx: Transaction<Database>, booking: Booking, step: string, type: BookingEventType, occurredAt = booking.updated_at,
): Promise<string | null> {
  return (await writeBookingEvent(trx, booking, step, type, occurredAt))?.id ?? null;
}
