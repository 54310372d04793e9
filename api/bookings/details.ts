import type { z } from 'zod';
import { findBooking } from '../../db/bookings';
import type { Booking } from '../../db/schema';
import { findService } from '../../db/services';
import { submitDetailsUpdate } from '../../workflows/messages';
import { NotFound } from '../errors';
import { checkBookingFields } from './booking-fields';
import { changeBooking, type BookingCommandDeps } from './commands';
import type { customerDetails } from './schemas';

/**
 * The customer's details for a held booking: the answers are checked against the service's
 * booking fields (a required one left empty is a 400 naming it) before the workflow's Update.
 */
export async function submitBookingDetails(
  deps: BookingCommandDeps, organizationId: string, bookingId: string, details: z.infer<typeof customerDetails>,
): Promise<Booking> {
  const booking = await findBooking(deps.db, organizationId, bookingId);
  if (!booking) throw new NotFound(`booking ${bookingId} not found`);
  const service = await findService(deps.db, organizationId, booking.service_id);
  if (!service) throw new NotFound(`service ${booking.service_id} not found`);
  const answers = checkBookingFields(service.booking_fields, { ...booking.booking_fields, ...details.booking_fields }, true);
  return changeBooking(deps, organizationId, bookingId, submitDetailsUpdate, { ...details, booking_fields: answers });
}
