import { WorkflowExecutionAlreadyStartedError } from '@temporalio/common';
import { findBookingById } from '../db/bookings';
import type { Booking } from '../db/schema';
import { findSessions } from '../db/sessions';
import type { HoldRequest } from '../domain/booking-types';
import { IdempotencyKeyReused, NotFound, refusalOfHold } from './errors';
import { bookingIdFor, sessionHold, type SessionBatchInput } from './hold-request';
import { placeSessionHolds, type SessionHoldsOutcome } from './place-session-holds';
import { TEMPORAL_BUDGET_MS, withTemporalDeadline } from './temporal-deadline';
import { requireBooking, type BookingCommandDeps } from './use-case-deps';

/** The batch's workflow type, started by name: the use cases import no workflow code. */
const RESERVE_SESSIONS_WORKFLOW = 'reserveSessionsWorkflow';
type ReserveSessionsWorkflow = (holds: HoldRequest[]) => Promise<SessionHoldsOutcome>;

/**
 * Books several sessions for one customer, all or nothing, through one durable workflow: its
 * single transaction holds every seat, then each booking gets its own workflow.
 */
export async function reserveSessionBookings(
  deps: BookingCommandDeps, organizationId: string, body: SessionBatchInput, idempotencyKey: string | null,
): Promise<Booking[]> {
  const sessions = await findSessions(deps.db, organizationId, body.session_ids);
  const holds = await Promise.all(body.session_ids.map(async (sessionId, index) => {
    const session = sessions.find((candidate) => candidate.id === sessionId);
    if (!session) throw new NotFound(`session ${sessionId} not found`, `session_ids.${index}`);
    // Its own namespace of keys: a single booking sent with "K#0" is not this batch's first.
    const bookingId = bookingIdFor(organizationId, idempotencyKey && `batch:${idempotencyKey}#${index}`);
    return (await sessionHold(deps.db, organizationId, session, body, bookingId)).hold;
  }));
  const workflowId = `booking-batch-${bookingIdFor(organizationId, idempotencyKey)}`;
  // Like a single reservation, PostgreSQL decides first: a refused course leaves nothing, not even
  // a workflow. A placed one is carried on by the batch workflow, whose own hold activity finds the
  // seats taken by this very transaction and gives each booking its workflow; if this process dies
  // in between, the reconciler gives the live bookings theirs. A keyed request whose course exists
  // already goes straight to its workflow, which answers as the first request was answered.
  const earlier = idempotencyKey ? await findBookingById(deps.db, holds[0].bookingId) : undefined;
  if (!earlier) {
    const placed = await placeSessionHolds(deps.db, holds, new Date());
    if (placed.outcome === 'rejected') throw refusalOfHold(placed, `session_ids.${placed.index}`);
  }
  let outcome;
  try {
    outcome = await withTemporalDeadline(deps.temporal, TEMPORAL_BUDGET_MS.sessionWorkflow, () => deps.temporal.workflow.execute<ReserveSessionsWorkflow>(RESERVE_SESSIONS_WORKFLOW, {
      workflowId, taskQueue: deps.taskQueue, args: [holds],
      workflowIdConflictPolicy: 'USE_EXISTING', workflowIdReusePolicy: 'REJECT_DUPLICATE',
    }));
  } catch (error) {
    if (!(error instanceof WorkflowExecutionAlreadyStartedError)) throw error;
    outcome = await withTemporalDeadline(deps.temporal, TEMPORAL_BUDGET_MS.sessionWorkflow,
      () => deps.temporal.workflow.getHandle<ReserveSessionsWorkflow>(workflowId).result());
  }
  // A replay answers as the first request did (a refusal included); the result it returns is the
  // first request's, so a different request under the same key shows here.
  if (outcome.outcome === 'rejected') throw refusalOfHold(outcome, `session_ids.${outcome.index}`);
  const sameRequest = outcome.bookings.length === holds.length && outcome.bookings.every(({ booking }, index) =>
    booking.sessionId === body.session_ids[index] && booking.spaces === body.spaces);
  if (!sameRequest) {
    throw new IdempotencyKeyReused('this Idempotency-Key was used for other sessions', 'was used for other sessions');
  }
  return Promise.all(outcome.bookings.map(({ booking }) => requireBooking(deps.db, organizationId, booking.id)));
}

