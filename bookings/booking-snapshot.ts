import type { Booking, Session } from '../db/schema';
import { bookingClosesAt } from '../db/sessions';
import type { ServiceWithResources } from '../db/services';
import type { BookingSnapshot } from '../domain/booking-types';

export type SnapshotService = Pick<ServiceWithResources,
  'requires_approval' | 'approval_ttl_seconds' | 'reminder_offsets_seconds' | 'check_in_window_hours'>;
export type SnapshotSession = Pick<Session, 'start_at' | 'closes_before_seconds'>;

/** The names of the booking's resources, in its order, from the resources an activity read anyway. */
export function resourceNamesOf(resourceIds: string[], resources: { id: string; name: string }[]): string[] {
  return resourceIds.map((id) => resources.find((resource) => resource.id === id)?.name ?? id);
}

/** `resourceNames`: given by the activities that read the resources (hold, reschedule, adoption). */
export function toSnapshot(
  booking: Booking, service: SnapshotService, session: SnapshotSession | null = null, resourceNames?: string[],
): BookingSnapshot {
  return {
    id: booking.id,
    status: booking.status,
    serviceId: booking.service_id,
    resourceIds: booking.resource_ids,
    start: booking.start_at.toISOString(),
    end: booking.end_at.toISOString(),
    holdExpiresAt: booking.hold_expires_at?.toISOString() ?? null,
    approvalExpiresAt: booking.approval_expires_at?.toISOString() ?? null,
    requiresApproval: service.requires_approval,
    approvalTtlSeconds: service.approval_ttl_seconds,
    customerEmail: booking.customer_email,
    reminderOffsetsSeconds: service.reminder_offsets_seconds,
    checkedIn: booking.checked_in,
    spaces: booking.spaces,
    sessionId: booking.session_id,
    waitlistExpiresAt: session && bookingClosesAt(session).toISOString(),
    checkInClosesAt: new Date(booking.end_at.getTime() + Math.round(service.check_in_window_hours * 3_600_000)).toISOString(),
    zone: booking.timezone,
    ...(resourceNames && { resourceNames }),
  };
}
