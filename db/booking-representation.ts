import { isLocale } from '../domain/locales';
import { isoInZone } from '../scheduling';
import type { Booking } from './schema';

/** Instants go out as ISO 8601 with the offset of the zone the caller asked for. */
function inZone(date: Date, zone: string): string {
  return isoInZone(date.getTime(), zone);
}

/** A booking as the API answers it and as webhooks carry it: snake_case, times in `zone`. */
export function bookingRepresentation(booking: Booking, zone = booking.timezone) {
  return {
    id: booking.id,
    status: booking.status,
    service_id: booking.service_id,
    session_id: booking.session_id,
    resource_ids: booking.resource_ids,
    start: inZone(booking.start_at, zone),
    end: inZone(booking.end_at, zone),
    timezone: zone,
    spaces: booking.spaces,
    locale: isLocale(booking.locale) ? booking.locale : null,
    customer: {
      name: booking.customer_name, email: booking.customer_email, phone: booking.customer_phone, timezone: booking.customer_timezone,
    },
    booking_fields: booking.booking_fields,
    extra_emails: booking.extra_emails,
    extra_phone_numbers: booking.extra_phone_numbers,
    external_id: booking.external_id,
    label: booking.label,
    display_label: booking.display_label,
    revision: booking.revision,
    rebooked_from: booking.rebooked_from,
    checked_in: booking.checked_in,
    notes: booking.notes,
    metadata: booking.metadata,
    hold_expires_at: booking.hold_expires_at && inZone(booking.hold_expires_at, zone),
    approval_expires_at: booking.approval_expires_at && inZone(booking.approval_expires_at, zone),
    created_at: inZone(booking.created_at, zone),
    updated_at: inZone(booking.updated_at, zone),
    workflow_id: `booking-${booking.id}`,
    anonymized_at: booking.anonymized_at && inZone(booking.anonymized_at, zone),
  };
}
