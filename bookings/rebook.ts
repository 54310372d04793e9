import { findBooking } from '../db/bookings';
import { CANCELLABLE_STATUSES, isIn } from '../domain/booking-status';
import type { Booking } from '../db/schema';
import { cancelUpdate } from '../workflows/messages';
import { Conflict, NotFound } from './errors';
import { changeBooking } from './change';
import type { ReservationInput } from './hold-request';
import { reserveBooking } from './reserve';
import type { BookingCommandDeps } from './use-case-deps';

/**
 * Cancel-and-rebook (Chrono's `cancel_booking_id`): places the new hold first and cancels the old
 * booking only if it succeeded, so the customer either keeps the old booking (the new hold was
 * refused: its Conflict, nothing changed) or holds the new one. Should the old booking end some other
 * way in between (completed, expired, cancelled by the host), the new hold is cancelled in turn
 * and the answer is a Conflict with the old booking's status: never both, never neither by our hand.
 */
export async function rebookBooking(
  deps: BookingCommandDeps, organizationId: string, actor: string,
  body: ReservationInput & { cancel_booking_id: string }, idempotencyKey: string | null,
): Promise<Booking> {
  const oldId = body.cancel_booking_id;
  const old = await findBooking(deps.db, organizationId, oldId);
  if (!old) throw new NotFound(`booking ${oldId} not found`, 'cancel_booking_id');
  if (!isIn(CANCELLABLE_STATUSES, old.status) && !(idempotencyKey && old.status === 'cancelled')) {
    throw new Conflict('invalid_transition', `booking ${oldId} is ${old.status}: there is nothing to rebook`, {
      current_status: old.status, errors: [{ path: 'cancel_booking_id', message: `booking is ${old.status}` }],
    });
  }

  const replacement = await reserveBooking(deps, organizationId, body, idempotencyKey);
  // A replayed request finds its own earlier work done.
  if ((await findBooking(deps.db, organizationId, oldId))?.status === 'cancelled' && replacement.rebooked_from === oldId) return replacement;
  try {
    await changeBooking(deps, organizationId, oldId, cancelUpdate, { actor, reason: `rebooked as booking ${replacement.id}` });
  } catch (error) {
    await changeBooking(deps, organizationId, replacement.id, cancelUpdate, {
      actor: 'system', reason: `the booking it was to replace (${oldId}) could not be cancelled`,
    }).catch(() => undefined);
    throw error;
  }
  return replacement;
}
