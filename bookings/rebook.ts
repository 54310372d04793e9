import { findBooking, findBookingById } from '../db/bookings';
import { findService } from '../db/services';
import { findSession } from '../db/sessions';
import { CANCELLABLE_STATUSES, isIn } from '../domain/booking-status';
import type { Booking } from '../db/schema';
import { cancelUpdate } from '../workflows/messages';
import { Conflict, NotFound, NotPermitted } from './errors';
import { changeBooking } from './change';
import { bookingIdFor, type ReservationInput } from './hold-request';
import { reserveBooking } from './reserve';
import type { BookingCommandDeps } from './use-case-deps';

/** Who rebooks: the organization (API key), or the booking's customer (its manage token). */
export type Rebooker = 'organization' | 'customer';

/**
 * What a customer may say when rebooking with a manage token: what the public booking page lets a
 * visitor choose (a service's time, or seats in a session) and their own details. The rest
 * (metadata, callbacks, the caller's own ids and labels, staff options) is the organization's.
 */
export const CUSTOMER_REBOOK_FIELDS = ['cancel_booking_id', 'service_id', 'session_id', 'start', 'spaces', 'customer', 'locale'] as const;

type RebookRequest = ReservationInput & { cancel_booking_id: string };

/**
 * Cancel-and-rebook (Chrono's `cancel_booking_id`): places the new hold first and cancels the old
 * booking only if it succeeded, so the customer either keeps the old booking (the new hold was
 * refused: its Conflict, nothing changed) or holds the new one. Should the old booking end some other
 * way in between (completed, expired, cancelled by the host), the new hold is cancelled in turn
 * and the answer is a Conflict with the old booking's status: never both, never neither by our hand.
 *
 * A booking that is no longer live is rebooked by nobody; only the replay of the request that
 * rebooked it (the same Idempotency-Key) is answered, with the booking it made. Concurrent rebooks
 * of one booking each place a hold, but only one cancels the old booking; the others cancel theirs.
 */
export async function rebookBooking(
  deps: BookingCommandDeps, organizationId: string, by: Rebooker, body: RebookRequest, idempotencyKey: string | null,
): Promise<Booking> {
  const oldId = body.cancel_booking_id;
  if (by === 'customer') requireCustomerFields(body);
  // A customer's keys are the booking's own: they can never name a booking the organization made.
  const key = idempotencyKey && by === 'customer' ? `rebook:${oldId}:${idempotencyKey}` : idempotencyKey;
  const old = await findBooking(deps.db, organizationId, oldId);
  if (!old) throw new NotFound(`booking ${oldId} not found`, 'cancel_booking_id');
  if (!isIn(CANCELLABLE_STATUSES, old.status) && !await isReplay(deps, organizationId, oldId, key)) {
    const message = `booking ${oldId} is ${old.status}: there is nothing to rebook`;
    if (by === 'customer') throw new NotPermitted(message, 'cancel_booking_id');
    throw new Conflict('invalid_transition', message, {
      current_status: old.status, errors: [{ path: 'cancel_booking_id', message: `booking is ${old.status}` }],
    });
  }
  if (by === 'customer') await requirePublicService(deps, organizationId, body);

  const replacement = await reserveBooking(deps, organizationId, body, key);
  // A replayed request finds its own earlier work done.
  if ((await findBooking(deps.db, organizationId, oldId))?.status === 'cancelled' && replacement.rebooked_from === oldId) return replacement;
  try {
    await changeBooking(deps, organizationId, oldId, cancelUpdate, { actor: by, reason: `rebooked as booking ${replacement.id}` });
  } catch (error) {
    await changeBooking(deps, organizationId, replacement.id, cancelUpdate, {
      actor: 'system', reason: `the booking it was to replace (${oldId}) could not be cancelled`,
    }).catch(() => undefined);
    throw error;
  }
  return replacement;
}

/** The request that rebooked this booking, sent again: its key names the booking it made. */
async function isReplay(deps: BookingCommandDeps, organizationId: string, oldId: string, key: string | null): Promise<boolean> {
  if (!key) return false;
  const made = await findBookingById(deps.db, bookingIdFor(organizationId, key));
  return made?.organization_id === organizationId && made.rebooked_from === oldId;
}

function requireCustomerFields(body: RebookRequest): void {
  for (const [field, value] of Object.entries(body)) {
    if (value === undefined || (CUSTOMER_REBOOK_FIELDS as readonly string[]).includes(field)) continue;
    // The schema gives every reservation empty metadata; only metadata actually sent is refused.
    if (field === 'metadata' && Object.keys(value as object).length === 0) continue;
    throw new NotPermitted(`a manage token may not set ${field}; the organization's API key may`, field);
  }
}

/** A customer rebooks onto what the organization publishes: a public service, or a session of one. */
async function requirePublicService(deps: BookingCommandDeps, organizationId: string, body: RebookRequest): Promise<void> {
  let serviceId = body.service_id;
  let field = 'service_id';
  if (body.session_id) {
    const session = await findSession(deps.db, organizationId, body.session_id);
    if (!session) throw new NotFound(`session ${body.session_id} not found`, 'session_id');
    serviceId = session.service_id;
    field = 'session_id';
  }
  const service = serviceId ? await findService(deps.db, organizationId, serviceId) : undefined;
  if (!service) throw new NotFound(`service ${serviceId} not found`, 'service_id');
  if (!service.public) throw new NotPermitted(`service ${service.id} is not public: only the organization may book it`, field);
}
