import { WorkflowExecutionAlreadyStartedError } from '@temporalio/common';
import { CancellationScope, getExternalWorkflowHandle, ParentClosePolicy, proxyLocalActivities, startChild } from '@temporalio/workflow';
import type {
  BookingActivities, CapacityChangeOutcome, CapacityChangeRequest, HoldRequest, SessionCancellationRequest, SessionHoldsOutcome,
} from '../activities';
import { tellPromoted } from './announcements';
import { HOLD_OPTIONS, WRITE_OPTIONS } from './local-activity-options';
import { bookingWorkflow } from './booking';
import { LIVE_STATUSES } from '../domain/booking-status';
import { bookingWorkflowId, sessionCancelledSignal } from './messages';

const { cancelSession, changeSessionCapacity, recordTransition } = proxyLocalActivities<BookingActivities>(WRITE_OPTIONS);
// A course's holds are answered like a single hold: unavailable after a while, never left hanging.
const { placeSessionHolds } = proxyLocalActivities<BookingActivities>(HOLD_OPTIONS);

/**
 * Cancels a session and, through each booking's own workflow, every booking of it (held,
 * confirmed or waiting) with the session's reason. Durable: once started, every booking hears.
 */
export function cancelSessionWorkflow(request: SessionCancellationRequest & { actor: string }): Promise<{ bookingIds: string[] }> {
  // Short and all-or-nothing: a cancellation request from Temporal lets it finish, so no booking
  // of a cancelled session is left without its news.
  return CancellationScope.nonCancellable(() => cancelEveryBooking(request));
}

async function cancelEveryBooking(request: SessionCancellationRequest & { actor: string }): Promise<{ bookingIds: string[] }> {
  const { bookingIds } = await cancelSession(request);
  await Promise.all(bookingIds.map((bookingId) => getExternalWorkflowHandle(bookingWorkflowId(bookingId))
    .signal(sessionCancelledSignal, { actor: request.actor, reason: request.reason })
    // No workflow to tell: it has ended (then this changes nothing), or a course's booking whose
    // workflow is not started yet, which will find its booking cancelled when it starts.
    .catch(() => recordTransition({
      bookingId, step: 'session-cancelled', from: [...LIVE_STATUSES], to: 'cancelled',
      actor: request.actor, reason: request.reason, releaseCapacity: true,
    }))));
  return { bookingIds };
}

/** Changes a session's seats or waiting list and tells the bookings that added seats promoted. */
export function changeSessionCapacityWorkflow(request: CapacityChangeRequest): Promise<CapacityChangeOutcome> {
  // Like a session's cancellation: one transaction and its news, finished even if cancelled.
  return CancellationScope.nonCancellable(async () => {
    const outcome = await changeSessionCapacity(request);
    if (outcome.ok) await Promise.all(tellPromoted(outcome.promoted, request.organizationId));
    return outcome;
  });
}

/**
 * Books several sessions for one customer, all or nothing: one transaction holds every seat, then
 * each booking gets its own workflow, which finds its hold already placed and carries it on
 * (details, expiry, cancellation) like any other booking.
 */
export function reserveSessionsWorkflow(holds: HoldRequest[]): Promise<SessionHoldsOutcome> {
  // Cancelling it halfway would leave held seats without their bookings' workflows: it finishes,
  // and each booking is then cancelled through its own workflow.
  return CancellationScope.nonCancellable(() => holdEverySession(holds));
}

async function holdEverySession(holds: HoldRequest[]): Promise<SessionHoldsOutcome> {
  const outcome: SessionHoldsOutcome = await placeSessionHolds(holds).catch(() => ({
    outcome: 'rejected', code: 'unavailable', message: 'the booking store did not answer in time', index: 0,
  }));
  if (outcome.outcome !== 'held') return outcome;
  await Promise.all(holds.map((hold) => startChild(bookingWorkflow, {
    workflowId: bookingWorkflowId(hold.bookingId),
    args: [{ hold }],
    parentClosePolicy: ParentClosePolicy.ABANDON,
  }).catch((error) => {
    // Started by an earlier attempt of this very workflow task.
    if (!(error instanceof WorkflowExecutionAlreadyStartedError)) throw error;
  })));
  return outcome;
}
