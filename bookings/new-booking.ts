import type { Transaction } from 'kysely';
import type { Database, NewBooking, Service } from '../db/schema';
import { findOverlappingCustomerBooking } from '../db/bookings';
import { DELAYS_BYPASSED, refuseTime } from './booking-time';
import type { HoldRequest } from '../domain/booking-types';
import { generateWebhookSecret } from '../outbound/webhook-signature';

/** What every new booking takes from its reservation: its id, tenant, customer and callback. */
export function fromReservation(request: HoldRequest): Pick<NewBooking,
  'id' | 'organization_id' | 'customer_name' | 'customer_email' | 'customer_phone' | 'notes' | 'metadata'
  | 'approval_expires_at' | 'callback_url' | 'callback_secret' | 'exclusive_customer'
  | 'extra_emails' | 'extra_phone_numbers' | 'external_id' | 'label' | 'display_label' | 'rebooked_from'
  | 'customer_timezone' | 'booking_fields' | 'locale'> {
  const contact = request.contact ?? {};
  return {
    id: request.bookingId,
    organization_id: request.organizationId,
    customer_name: request.customer?.name ?? null,
    customer_email: request.customer?.email ?? null,
    customer_phone: request.customer?.phone ?? null,
    notes: request.customer?.notes ?? null,
    customer_timezone: request.customer?.timezone ?? null,
    booking_fields: JSON.stringify(request.customer?.booking_fields ?? {}),
    metadata: JSON.stringify(request.metadata),
    approval_expires_at: null,
    exclusive_customer: request.exclusiveCustomer ?? false,
    // Given at reservation (contact) or with the customer's details: both go to the same addresses.
    extra_emails: [...new Set([...(contact.extraEmails ?? []), ...(request.customer?.extra_emails ?? [])])],
    extra_phone_numbers: contact.extraPhoneNumbers ?? [],
    external_id: contact.externalId ?? null,
    label: contact.label ?? null,
    display_label: contact.displayLabel ?? null,
    rebooked_from: request.rebookedFrom ?? null,
    locale: request.locale ?? null,
    // Made here, not by the API, so the secret never passes through the workflow's history.
    ...(request.callbackUrl && { callback_url: request.callbackUrl, callback_secret: generateWebhookSecret() }),
  };
}

/**
 * With `exclusive_customer` (on the request or the service), refuses a customer who already has
 * an active booking overlapping [start, end); the customer is known by e-mail.
 */
export async function refuseCustomerOverlap(
  trx: Transaction<Database>, request: HoldRequest, service: Pick<Service, 'exclusive_customer'>, start: Date, end: Date,
): Promise<void> {
  const email = request.customer?.email;
  if (!email || !(request.exclusiveCustomer || service.exclusive_customer)) return;
  // A rebooking may overlap the booking it replaces: that one is cancelled once this one holds.
  const other = await findOverlappingCustomerBooking(trx, request.organizationId, email, start, end, request.rebookedFrom);
  if (other) refuseTime('customer_overlap', `the customer already has booking ${other.id} at an overlapping time`);
}

/** What the audit log says of a hold beyond its status: a waived rule, the booking it replaces. */
export function holdReason(request: HoldRequest): string | null {
  const notes = [
    request.bypassDelays ? DELAYS_BYPASSED : null,
    request.rebookedFrom ? `rebooking of booking ${request.rebookedFrom}` : null,
  ].filter(Boolean);
  return notes.length > 0 ? notes.join('; ') : null;
}
