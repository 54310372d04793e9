import type { Transaction } from 'kysely';
import type { Booking, Database, Session } from '../db/schema';
import { appendBookingEvent } from '../db/bookings';
import { isIn, SEATED_STATUSES } from '../domain/booking-status';
import {
  adjustSessionCounters, bookingClosesAt, findPromotedBy, insertPromotion, lockSession, lockWaitingQueue,
} from '../db/sessions';
import type { ServiceWithResources } from '../db/services';
import { choosePromotions } from '../scheduling';
import { bookingEventId, recordBookingEvent } from '../bookings/booking-event';
import { toSnapshot } from '../bookings/booking-snapshot';
import { sessionHoldExpiry } from '../bookings/claim-session-seats';
import type { PromotedBooking } from '../domain/booking-types';

const PROMOTE_STEP = 'promote';

/** A session booking leaving (or shrinking) gives its seats, or its waiting-list places, back. */
export async function releaseSessionSeats(trx: Transaction<Database>, booking: Booking, spaces = booking.spaces): Promise<number> {
  if (!booking.session_id) return 0;
  if (booking.status === 'waitlisted') {
    await adjustSessionCounters(trx, booking.session_id, { waitlist: -spaces });
    return 0;
  }
  if (!isIn(SEATED_STATUSES, booking.status)) return 0;
  await adjustSessionCounters(trx, booking.session_id, { seats: -spaces });
  return spaces;
}

/**
 * Gives the session's free seats to the oldest waiting bookings that fit (see choosePromotions),
 * in the transaction that freed them. `cause` names that freeing, so a retried activity finds the
 * promotions it already made instead of making new ones. A cancelled session, or one whose
 * booking window has closed, promotes nobody: its waiting bookings expire.
 */
export async function promoteWaitlist(
  trx: Transaction<Database>, sessionId: string, service: ServiceWithResources, cause: string, now: Date,
): Promise<PromotedBooking[]> {
  const session = await lockSession(trx, sessionId);
  if (!session || session.status !== 'scheduled') return [];
  if (now >= bookingClosesAt(session)) return [];
  const queue = await lockWaitingQueue(trx, session.id);
  const chosen = choosePromotions(queue, session.capacity - session.seats_taken);
  const promoted: PromotedBooking[] = [];
  for (const { id, spaces } of chosen) {
    const to = service.promotion === 'auto_confirm' ? 'confirmed' : 'held';
    const updated = await trx.updateTable('bookings')
      .set({
        status: to, updated_at: now,
        hold_expires_at: to === 'held' ? sessionHoldExpiry(session, service.hold_ttl_seconds, now) : null,
      })
      .where('id', '=', id).returningAll().executeTakeFirstOrThrow();
    await adjustSessionCounters(trx, session.id, { seats: spaces, waitlist: -spaces });
    await insertPromotion(trx, { bookingId: id, organizationId: session.organization_id, sessionId: session.id, cause });
    await appendBookingEvent(trx, {
      organizationId: session.organization_id, bookingId: id, step: PROMOTE_STEP,
      from: 'waitlisted', to, actor: 'system', reason: `seats freed (${cause})`,
    });
    const eventId = await recordBookingEvent(trx, updated, PROMOTE_STEP, 'booking.promoted');
    promoted.push({ booking: toSnapshot(updated, service, session), eventId });
  }
  return promoted;
}

/** What an earlier run with this cause promoted, as they stand now: a retry tells the same workflows. */
export async function promotedEarlier(
  trx: Transaction<Database>, cause: string, service: ServiceWithResources, session: Session,
): Promise<PromotedBooking[]> {
  const bookings = await findPromotedBy(trx, cause);
  return bookings.map((booking) => ({
    booking: toSnapshot(booking, service, session), eventId: bookingEventId(booking.id, PROMOTE_STEP),
  }));
}
