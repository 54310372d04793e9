import type { Transaction } from 'kysely';
import type { Database, NewBooking, Service } from '../db/schema';
import { findOverlappingCustomerBooking } from '../db/bookings';
import { refuseTime } from './booking-time';
import type { HoldRequest } from './types';
import { generateWebhookSecret } from './webhook-signature';

/** What every new booking takes from its reservation: its id, tenant, customer and callback. */
export function fromReservation(request: HoldRequest): Pick<NewBooking,
  'id' | 'organization_id' | 'customer_name' | 'customer_email' | 'customer_phone' | 'notes' | 'metadata'
  | 'approval_expires_at' | 'callback_url' | 'callback_secret' | 'exclusive_customer'
  | 'customer_timezone' | 'booking_fields' | 'extra_emails'> {
  return {
    id: request.bookingId,
    organization_id: request.organizationId,
    customer_name: request.customer?.name ?? null,
    customer_email: request.customer?.email ?? null,
    customer_phone: request.customer?.phone ?? null,
    notes: request.customer?.notes ?? null,
    customer_timezone: request.customer?.timezone ?? null,
    booking_fields: JSON.stringify(request.customer?.booking_fields ?? {}),
    extra_emails: request.customer?.extra_emails ?? [],
    metadata: JSON.stringify(request.metadata),
    approval_expires_at: null,
    exclusive_customer: request.exclusiveCustomer ?? false,
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
  const other = await findOverlappingCustomerBooking(trx, request.organizationId, email, start, end);
  if (other) refuseTime('customer_overlap', `the customer already has booking ${other.id} at an overlapping time`);
}
