import { createHash, randomUUID } from 'node:crypto';
import { ServiceError, WorkflowFailedError, WorkflowUpdateFailedError, WorkflowUpdateRPCTimeoutOrCancelledError } from '@temporalio/client';
import { ActivityFailure, ApplicationFailure, TemporalFailure, WorkflowNotFoundError, type UpdateDefinition } from '@temporalio/common';
import { isIn, LIVE_STATUSES } from '../domain/booking-status';
import { INVALID_DATA } from '../db/data-errors';
import type { Booking } from '../db/schema';
import { bookingWorkflowId, cancelUpdate, INVALID_DETAILS, INVALID_TRANSITION, TIME_REFUSED, type Cancellation } from '../workflows/messages';
import { oneBookingReconciliation, RECONCILER_WORKFLOW } from './booking-repair';
import { Conflict, InvalidInput, Unavailable } from './errors';
import { TEMPORAL_BUDGET_MS, withTemporalDeadline } from './temporal-deadline';
import { requireBooking, type BookingCommandDeps } from './use-case-deps';
import { sealedArgument } from '../personal-data/payload-converter';

/**
 * Sends one of the workflow's Updates. A refusal by the workflow, or a workflow that has already
 * ended, is a Conflict carrying the booking's current status. A live booking whose workflow is gone
 * (terminated or lost) is repaired first by the reconciler, then the Update is sent again.
 * With the caller's Idempotency-Key the Update's id is derived from it, so a retry after a lost
 * answer is the same Update, which Temporal answers with the first outcome instead of running twice.
 */
export async function changeBooking<Arg>(
  deps: BookingCommandDeps, organizationId: string, bookingId: string, update: UpdateDefinition<unknown, [Arg]>, arg: Arg,
  idempotencyKey: string | null = null,
): Promise<Booking> {
  const booking = await requireBooking(deps.db, organizationId, bookingId);
  // Sealed with the booking's key (its free text is the customer's or operator's); an anonymized
  // booking has no key left, and its argument goes as it is.
  const sent = booking.anonymized_at ? arg : sealedArgument(bookingId, arg);
  const updateId = idempotencyKey ? keyedUpdateId(organizationId, bookingId, update.name, idempotencyKey) : randomUUID();
  try {
    await sendUpdate(deps, bookingId, update, sent, updateId);
  } catch (error) {
    if (!isWorkflowGone(error)) throw await refusalOf(deps, organizationId, bookingId, update.name, error);
    const current = await requireBooking(deps.db, organizationId, bookingId);
    if (!isIn(LIVE_STATUSES, current.status)) throw await refusalOf(deps, organizationId, bookingId, update.name, error);
    await repairBooking(deps, bookingId);
    try {
      await sendUpdate(deps, bookingId, update, sent, updateId);
    } catch (retryError) {
      if (isWorkflowGone(retryError)) {
        throw new Unavailable(`the workflow of booking ${bookingId} could not be restored; try again shortly`);
      }
      throw await refusalOf(deps, organizationId, bookingId, update.name, retryError);
    }
  }
  return requireBooking(deps.db, organizationId, bookingId);
}

/** One organization's key for one change of one booking names one Update; nobody else's key can. */
function keyedUpdateId(organizationId: string, bookingId: string, action: string, idempotencyKey: string): string {
  return `${action}-${createHash('sha256').update(`${organizationId}:${bookingId}:${action}:${idempotencyKey}`).digest('hex').slice(0, 32)}`;
}

/** How often an Update is sent again when the workflow could not take it yet (see sendUpdate). */
const UPDATE_ATTEMPTS = 8;
/** The gRPC status the server answers a dropped Update with. */
const FAILED_PRECONDITION = 9;

/**
 * Sends an Update, again when the workflow could not take it yet; the update id stays the same.
 * - The server dropped it because the workflow task carrying it failed: a task that would complete
 *   the workflow (a cancellation ends the booking) fails when an event arrives meanwhile, such as
 *   the completion of a delivery the workflow started. The booking's transition may have been
 *   written by then; sent again, the transition finds its step already recorded and answers as the
 *   first would have (activities are idempotent by step).
 * - The workflow refused it as `requested`: a run that adopts its booking from the database (the
 *   reconciler's repair, which the API itself runs for a booking whose workflow is gone) knows the
 *   booking only once its first activity has read the row. No booking is `requested` in the
 *   database, so this is never the answer; it is sent again shortly.
 */
async function sendUpdate<Arg>(
  deps: BookingCommandDeps, bookingId: string, update: UpdateDefinition<unknown, [Arg]>, arg: Arg, updateId: string,
) {
  const handle = deps.temporal.workflow.getHandle(bookingWorkflowId(bookingId));
  for (let attempt = 1; ; attempt += 1) {
    try {
      return await withTemporalDeadline(deps.temporal, TEMPORAL_BUDGET_MS.update, () => handle.executeUpdate(update, { args: [arg], updateId }));
    } catch (error) {
      if (attempt >= UPDATE_ATTEMPTS) throw error;
      if (droppedWithFailedTask(error)) {
        console.warn(`booking ${bookingId}: ${update.name} was dropped with its failed workflow task; sending it again`);
      } else if (refusedBeforeBookingKnown(error)) {
        await new Promise((resolve) => setTimeout(resolve, 100 * attempt));
      } else {
        throw error;
      }
    }
  }
}

function droppedWithFailedTask(error: unknown): boolean {
  const cause = error instanceof ServiceError ? error.cause as { code?: number; details?: string } | undefined : undefined;
  return cause?.code === FAILED_PRECONDITION && /workflow task failure/i.test(cause.details ?? '');
}

/**
 * The workflow could not take the Update, for a reason of Temporal's: its workflow task is failing
 * (a worker cannot run it; the server answers "Workflow Task in failed state" or drops the Update
 * with the failed task), the Update timed out, or the server refused the call.
 */
function temporalSide(error: unknown): boolean {
  if (error instanceof WorkflowUpdateFailedError) return !(error.cause instanceof ApplicationFailure);
  return error instanceof ServiceError || error instanceof WorkflowUpdateRPCTimeoutOrCancelledError || error instanceof TemporalFailure;
}

function unavailableWorkflow(bookingId: string, error: unknown): Unavailable {
  const failing = /workflow task (failure|in failed state)/i.test(`${(error as Error).message} ${(error as { cause?: { details?: string } }).cause?.details ?? ''}`);
  return new Unavailable(failing
    ? `the workflow of booking ${bookingId} cannot run now (its workflow task is failing); nothing was changed, retry shortly`
    : `the workflow of booking ${bookingId} could not take the change now; retry shortly (with an Idempotency-Key, the retry is the same change)`);
}

function refusedBeforeBookingKnown(error: unknown): boolean {
  const cause = error instanceof WorkflowUpdateFailedError ? error.cause : undefined;
  return cause instanceof ApplicationFailure && cause.type === INVALID_TRANSITION && cause.details?.[0] === 'requested';
}

/** The Update found no running workflow: none exists, or the one that did has closed. */
function isWorkflowGone(error: unknown): boolean {
  return error instanceof WorkflowNotFoundError
    || (error instanceof Error && !(error instanceof WorkflowUpdateFailedError) && /workflow execution already completed/i.test(error.message));
}

/** Runs the reconciler for this one booking: it gets its ending, or a fresh workflow that adopts it. */
async function repairBooking(deps: BookingCommandDeps, bookingId: string): Promise<void> {
  try {
    await withTemporalDeadline(deps.temporal, TEMPORAL_BUDGET_MS.repair, () => deps.temporal.workflow.execute(RECONCILER_WORKFLOW, {
      ...oneBookingReconciliation(bookingId, deps.taskQueue),
      // A caller is waiting: without a worker to run it, this is Unavailable, not a hang.
      workflowExecutionTimeout: '15 seconds',
      staticSummary: `Repair booking ${bookingId} (its workflow was gone)`,
    }));
  } catch (error) {
    if (error instanceof WorkflowFailedError) throw new Unavailable(`booking ${bookingId} could not be repaired now; try again shortly`);
    throw error;
  }
}

async function refusalOf(
  deps: BookingCommandDeps, organizationId: string, bookingId: string, action: string, error: unknown,
): Promise<unknown> {
  const cause = error instanceof WorkflowUpdateFailedError ? error.cause : undefined;
  if (cause instanceof ApplicationFailure && cause.type === TIME_REFUSED) {
    return new Conflict(String(cause.details?.[0] ?? 'unavailable'), cause.message);
  }
  // A write the database refused as data fails its activity at once, not forever.
  if (cause instanceof ActivityFailure && cause.cause instanceof ApplicationFailure && cause.cause.type === INVALID_DATA) {
    return new InvalidInput([{ path: 'body', message: cause.cause.message }]);
  }
  if (cause instanceof ApplicationFailure && cause.type === INVALID_DETAILS) {
    const fields = (cause.details?.[0] && typeof cause.details[0] === 'object') ? cause.details as Array<{ path: string; message: string }> : null;
    return new InvalidInput(fields ?? [{ path: 'body', message: cause.message }]);
  }
  const current = await requireBooking(deps.db, organizationId, bookingId);
  if (cause instanceof ApplicationFailure && cause.type === INVALID_TRANSITION) {
    return new Conflict('invalid_transition', `${cause.message}`, { current_status: current.status });
  }
  if (isIn(LIVE_STATUSES, current.status)) return temporalSide(error) ? unavailableWorkflow(bookingId, error) : error;
  return new Conflict('invalid_transition', `cannot ${action} a booking that is ${current.status}`, {
    current_status: current.status,
  });
}


/** A cancellation by whoever holds the booking: the customer on the manage page, or the host. */
export function cancelBooking(
  deps: BookingCommandDeps, organizationId: string, bookingId: string, cancellation: Cancellation,
): Promise<Booking> {
  return changeBooking(deps, organizationId, bookingId, cancelUpdate, cancellation);
}
