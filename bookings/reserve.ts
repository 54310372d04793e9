import type { Kysely } from 'kysely';
import { WithStartWorkflowOperation } from '@temporalio/client';
import { operatorLabel } from './operator-label';
import { findBookingById } from '../db/bookings';
import { isIn, LIVE_STATUSES } from '../domain/booking-status';
import type { Booking, Database } from '../db/schema';
import { findSession } from '../db/sessions';
import type { ServiceWithResources } from '../db/services';
import type { HoldRequest } from '../domain/booking-types';
import { bookingWorkflowId, type BookingWorkflowInput, reserveUpdate } from '../workflows/messages';
import { searchAttributesOf } from '../workflows/search-attributes';
import { IdempotencyKeyReused, NotFound, refusalOfHold, Unavailable } from './errors';
import { appointmentHold, bookingIdFor, sessionHold, type ReservationInput, type ReservationRequest } from './hold-request';
import { placeHold, type PlacedHold } from './place-hold';
import { TEMPORAL_BUDGET_MS, withTemporalDeadline } from './temporal-deadline';
import { requireBooking, type BookingCommandDeps } from './use-case-deps';

/** The booking's workflow type, started by name: the use cases import no workflow code. */
const BOOKING_WORKFLOW = 'bookingWorkflow';
type BookingWorkflow = (input: BookingWorkflowInput) => Promise<unknown>;

const UNIQUE_VIOLATION = '23505';

/**
 * What the booking's workflow starts from, if it is started (a running one ignores it): a hold
 * placed by this request (or found held by its retry) is adopted as it is; a waiting-list place is
 * read again by the workflow's hold activity, since a promotion may have moved it meanwhile; a
 * booking further along whose workflow is gone is adopted from the database as the reconciler would.
 */
function workflowInput(hold: HoldRequest, placed: Exclude<PlacedHold, { outcome: 'rejected' }>): BookingWorkflowInput {
  const { booking, eventId, delivery } = placed;
  if (booking.status === 'held') return { hold, placed: { outcome: 'held', booking, eventId, ...(delivery && { delivery }) } };
  if (booking.status === 'waitlisted') return { hold };
  return {
    adopt: {
      bookingId: booking.id, organizationId: hold.organizationId, actor: 'api',
      reason: 'a retried reservation found the booking without its workflow',
    },
  };
}

/**
 * The hold's transaction. A retried request finds the booking its first attempt placed and answers
 * with it as it stands; a concurrent twin with the same Idempotency-Key waits on the same locks and
 * then finds the time (or the booking id) taken by this very booking, which is its answer too.
 */
async function placeReservation(db: Kysely<Database>, hold: HoldRequest, service: ServiceWithResources, keyed: boolean): Promise<PlacedHold> {
  let placed: PlacedHold | null = null;
  try {
    placed = await placeHold(db, hold, new Date(), null, { service, newBookingId: !keyed });
  } catch (error) {
    if (!keyed || (error as { code?: string }).code !== UNIQUE_VIOLATION) throw error;
  }
  if (placed && (placed.outcome !== 'rejected' || !keyed)) return placed;
  const twin = await findBookingById(db, hold.bookingId);
  return twin || !placed ? placeHold(db, hold, new Date(), null, { service }) : placed;
}

/**
 * PostgreSQL decides a reservation here, in one transaction (resource locks, checks, insert): a
 * refusal is answered without Temporal and leaves nothing anywhere. Only a placed hold or
 * waiting-list place starts its workflow, with Update-with-Start so that the caller hears the
 * workflow has taken it on: a hold is adopted as placed (search attributes given at start, `reserve`
 * answered in the first workflow task); a waiting-list place is read again by the workflow, since a
 * promotion may have moved it before the workflow existed to be told. If this process dies between
 * the commit and the start, the row is live without a workflow, which the reconciler repairs (it
 * gives the row its workflow, or ends it past its deadline); a retry with the same Idempotency-Key
 * finds the row and starts the workflow itself.
 */
export async function reserveBooking(
  deps: BookingCommandDeps, organizationId: string, body: ReservationInput, idempotencyKey: string | null,
): Promise<Booking> {
  const bookingId = bookingIdFor(organizationId, idempotencyKey);
  let request: ReservationRequest;
  if (body.session_id) {
    const session = await findSession(deps.db, organizationId, body.session_id);
    if (!session) throw new NotFound(`session ${body.session_id} not found`, 'session_id');
    request = await sessionHold(deps.db, organizationId, session, body, bookingId);
  } else {
    request = await appointmentHold(deps.db, organizationId, body, bookingId);
  }
  const { hold, service } = request;

  const placed = await placeReservation(deps.db, hold, service, idempotencyKey !== null);
  if (placed.outcome === 'rejected') throw refusalOfHold(placed);
  const earlier = placed.booking;
  if (idempotencyKey && (earlier.serviceId !== hold.serviceId || earlier.start !== hold.start || earlier.sessionId !== (hold.sessionId ?? null))) {
    throw new IdempotencyKeyReused('this Idempotency-Key was used for another booking', 'was used for another booking');
  }

  // A replayed key of a booking that has ended: its workflow has nothing left to do.
  if (!isIn(LIVE_STATUSES, earlier.status)) return requireBooking(deps.db, organizationId, bookingId);

  const label = operatorLabel({ bookingId, serviceId: earlier.serviceId, serviceName: service.name, sessionId: earlier.sessionId });

  const input = workflowInput(hold, placed);
  const start = {
    workflowId: bookingWorkflowId(bookingId),
    taskQueue: deps.taskQueue,
    args: [input] as [BookingWorkflowInput],
    // A retried request joins the running workflow. A live booking whose workflow has closed
    // (terminated, or its key was refused before holds were placed here) gets a new run, which
    // adopts the row as the reconciler's would.
    workflowIdConflictPolicy: 'USE_EXISTING' as const,
    workflowIdReusePolicy: 'ALLOW_DUPLICATE' as const,
    staticSummary: label.summary,
    staticDetails: label.details,
    typedSearchAttributes: searchAttributesOf(earlier.status === 'held' ? 'held' : 'requested', earlier),
  };
  const unacknowledged = (error: unknown): never => {
    // Temporal did not take the booking on (unreachable, overloaded): the hold stays unacknowledged
    // until a retry with the same key starts its workflow, or it lapses at its TTL (the reconciler).
    console.warn(`booking ${bookingId}: its workflow could not be started`, error);
    throw new Unavailable(idempotencyKey
      ? 'the booking could not be confirmed; send the same request again with the same Idempotency-Key'
      : 'the booking could not be confirmed; send the request again (with an Idempotency-Key, a retry is safe)');
  };
  if (input.placed) {
    // The hold is committed and the answer is the row: once Temporal has durably accepted the start,
    // the workflow (its hold timer included) exists whatever crashes next, so the caller need not
    // wait for a worker to run its first task. This costs no Update and no worker round trip.
    await withTemporalDeadline(deps.temporal, TEMPORAL_BUDGET_MS.start, () => deps.temporal.workflow.start(BOOKING_WORKFLOW, start))
      .catch(unacknowledged);
    // Nothing has touched a new hold's row since its insert; a retry's row is read as it stands.
    return ('row' in placed && placed.row) || requireBooking(deps.db, organizationId, bookingId);
  }
  // A waiting-list place or an adoption is decided by the workflow's first activity: wait for it.
  const outcome = await withTemporalDeadline(deps.temporal, TEMPORAL_BUDGET_MS.update, () => deps.temporal.workflow.executeUpdateWithStart(reserveUpdate, {
    updateId: 'reserve',
    startWorkflowOperation: new WithStartWorkflowOperation<BookingWorkflow>(BOOKING_WORKFLOW, start),
  })).catch(unacknowledged);
  if (outcome.outcome === 'rejected') throw refusalOfHold(outcome);
  return requireBooking(deps.db, organizationId, bookingId);
}

