import { findBooking } from '../db/bookings';
import type { Booking, BookingFieldAnswers } from '../db/schema';
import type { CustomerDetails } from '../domain/booking-types';
import { findSession } from '../db/sessions';
import { findService } from '../db/services';
import { personalData } from '../personal-data/payload-converter';
import { submitDetailsUpdate } from '../workflows/messages';
import { IANAZone } from 'luxon';
import { InvalidInput, NotFound } from './errors';
import { checkBookingFields } from './booking-fields';
import { changeBooking } from './change';
import type { BookingCommandDeps } from './use-case-deps';

function requireZone(zone: string | null | undefined, path: string): void {
  if (zone && !IANAZone.isValidZone(zone)) throw new InvalidInput([{ path, message: 'must be an IANA time zone such as Europe/Paris' }]);
}

/**
 * The customer's details for a held booking: the answers are checked against the service's
 * booking fields (a required one left empty is InvalidInput naming it) before the workflow's Update.
 */
export async function submitBookingDetails(
  deps: BookingCommandDeps, organizationId: string, bookingId: string, details: CustomerDetails, idempotencyKey: string | null = null,
): Promise<Booking> {
  requireZone(details.timezone, 'timezone');
  const booking = await findBooking(deps.db, organizationId, bookingId);
  if (!booking) throw new NotFound(`booking ${bookingId} not found`);
  const service = await findService(deps.db, organizationId, booking.service_id);
  if (!service) throw new NotFound(`service ${booking.service_id} not found`);
  const answers = checkBookingFields(service.booking_fields, { ...booking.booking_fields, ...details.booking_fields }, true);
  // Marked as this booking's personal data: the payload codec seals it with the booking's key.
  return changeBooking(deps, organizationId, bookingId, submitDetailsUpdate, personalData(bookingId, { ...details, booking_fields: answers }), idempotencyKey);
}

/**
 * Answers given already at reservation are checked against the service's fields too (their types
 * and names; required ones may still come with the details), so a wrong one is InvalidInput before any hold.
 */
export async function checkReservationAnswers(
  db: BookingCommandDeps['db'], organizationId: string,
  body: { service_id?: string; session_id?: string; customer?: { booking_fields?: BookingFieldAnswers; timezone?: string | null } },
): Promise<void> {
  requireZone(body.customer?.timezone, 'customer.timezone');
  const answers = body.customer?.booking_fields;
  if (!answers) return;
  const serviceId = body.service_id ?? (body.session_id ? (await findSession(db, organizationId, body.session_id))?.service_id : undefined);
  const service = serviceId ? await findService(db, organizationId, serviceId) : undefined;
  // An unknown service or session is the reservation's own NotFound.
  if (service) checkBookingFields(service.booking_fields, answers, false, 'customer.booking_fields');
}
