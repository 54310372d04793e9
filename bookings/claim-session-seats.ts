import type { Transaction } from 'kysely';
import { appendBookingEvent, insertBooking } from '../db/bookings';
import type { Database, Session } from '../db/schema';
import { adjustSessionCounters, bookingClosesAt, bookingOpensAt, lockSession, nextWaitlistSeq } from '../db/sessions';
import type { ServiceWithResources } from '../db/services';
import { heldEvent, writeBookingEvent } from './booking-event';
import { toSnapshot } from './booking-snapshot';
import { refuseTime } from './booking-time';
import type { HoldOutcome, HoldRequest } from '../domain/booking-types';
import { fromReservation, holdReason, refuseCustomerOverlap } from './new-booking';

type Claimed = Exclude<HoldOutcome, { outcome: 'rejected' }>;

/** Refuses a session outside its booking window. */
function refuseUnlessOpen(session: Session, now: Date): void {
  const opens = bookingOpensAt(session);
  if (opens && now < opens) refuseTime('booking_not_open', `booking for session ${session.id} opens at ${opens.toISOString()}`);
  const closes = bookingClosesAt(session);
  if (now >= closes) refuseTime('booking_closed', `booking for session ${session.id} closed at ${closes.toISOString()}`);
}

/** A session's hold lasts the service's hold TTL, but never past the close of booking. */
export function sessionHoldExpiry(session: Session, holdTtlSeconds: number, now: Date): Date {
  return new Date(Math.min(now.getTime() + holdTtlSeconds * 1000, bookingClosesAt(session).getTime()));
}

/**
 * Takes `spaces` seats of a session, all or none, or failing that a place on its waiting list.
 * The session row is locked first, so racing claims queue on it and are served in that order:
 * the order of the lock is the order of arrival that the waiting list keeps.
 */
export async function claimSessionSeats(
  trx: Transaction<Database>, service: ServiceWithResources, request: HoldRequest, now: Date,
  options: { seatsOnly?: boolean } = {},
): Promise<Claimed> {
  const session = await lockSession(trx, request.sessionId!);
  if (!session || session.organization_id !== request.organizationId || session.service_id !== service.id) {
    refuseTime('session_not_found', `session ${request.sessionId} does not exist`);
  }
  if (session.status === 'cancelled') refuseTime('session_cancelled', `session ${session.id} is cancelled`);
  if (!request.bypassDelays) refuseUnlessOpen(session, now);
  const spaces = request.spaces ?? 1;
  if (spaces > session.capacity) refuseTime('too_many_spaces', `session ${session.id} has ${session.capacity} seats, fewer than ${spaces}`);

  await refuseCustomerOverlap(trx, request, service, session.start_at, session.end_at);

  const seated = !request.waitlist && spaces <= session.capacity - session.seats_taken;
  if (!seated && (options.seatsOnly || session.waitlist_size - session.waitlist_taken < spaces)) {
    refuseTime('session_full', session.waitlist_size > 0 && !options.seatsOnly
      ? `session ${session.id} is full and so is its waiting list`
      : `session ${session.id} has ${session.capacity - session.seats_taken} seat(s) left, fewer than ${spaces}`);
  }

  const booking = await insertBooking(trx, {
    ...fromReservation(request),
    service_id: service.id,
    session_id: session.id,
    status: seated ? 'held' : 'waitlisted',
    start_at: session.start_at,
    end_at: session.end_at,
    timezone: session.timezone,
    resource_ids: session.resource_ids,
    spaces,
    hold_expires_at: seated
      ? request.bypassDelays ? new Date(now.getTime() + service.hold_ttl_seconds * 1000) : sessionHoldExpiry(session, service.hold_ttl_seconds, now)
      : null,
    waitlist_seq: seated ? null : await nextWaitlistSeq(trx),
  });
  await adjustSessionCounters(trx, session.id, seated ? { seats: spaces } : { waitlist: spaces });
  await appendBookingEvent(trx, {
    organizationId: booking.organization_id, bookingId: booking.id, step: 'hold',
    from: null, to: booking.status, actor: 'customer',
    reason: [seated ? null : 'session full: joined the waiting list', holdReason(request)].filter(Boolean).join('; ') || null,
  });
  const event = await writeBookingEvent(trx, booking, 'hold', seated ? 'booking.held' : 'booking.waitlisted');
  return {
    outcome: seated ? 'held' : 'waitlisted', booking: toSnapshot(booking, service, session),
    ...heldEvent(event),
  };
}
