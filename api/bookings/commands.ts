import { createHash, randomUUID } from 'node:crypto';
import { ServiceError, WithStartWorkflowOperation, WorkflowFailedError, WorkflowUpdateFailedError, type Client } from '@temporalio/client';
import {
  ActivityFailure, ApplicationFailure, WorkflowExecutionAlreadyStartedError, WorkflowNotFoundError, type UpdateDefinition,
} from '@temporalio/common';
import type { Kysely } from 'kysely';
import type { z } from 'zod';
import { placeHold, type PlacedHold } from '../../reservations/place-hold';
import { placeSessionHolds } from '../../reservations/place-session-holds';
import { INVALID_DATA } from '../../db/data-errors';
import type { HoldOutcome, HoldRequest } from '../../activities/types';
import { labelOf, operatorLabel, type LabelledBooking } from '../../db/booking-summary';
import { findBooking, findBookingById } from '../../db/bookings';
import { isIn, LIVE_STATUSES } from '../../domain/booking-status';
import { durationRefusal, offeredDuration } from '../../scheduling/durations';
import type { Booking, Database, Session } from '../../db/schema';
import { findSession, findSessions } from '../../db/sessions';
import { findService, type ServiceWithResources } from '../../db/services';
import { bookingWorkflow } from '../../workflows/booking';
import {
  bookingWorkflowId, type BookingWorkflowInput, INVALID_DETAILS, INVALID_TRANSITION, rescheduleUpdate, reserveUpdate, TIME_REFUSED,
} from '../../workflows/messages';
import { reconcileBookingsWorkflow } from '../../workflows/reconciler';
import { reserveSessionsWorkflow } from '../../workflows/sessions';
import { searchAttributesOf } from '../../workflows/search-attributes';
import { ApiError, Conflict, InvalidInput, NotFound, Unavailable } from '../errors';
import { TEMPORAL_BUDGET_MS, withTemporalDeadline } from '../temporal-deadline';
import type { createBookingBody, createSessionBookingsBody, rescheduleBookingBody, TimeChange } from './schemas';
import { contactOf } from './contact';
import { resourceGroupOf } from './resource-group';

export interface BookingCommandDeps {
  db: Kysely<Database>;
  temporal: Client;
  taskQueue: string;
}

/** The same Idempotency-Key of one organization always names the same booking (and workflow). */
export function bookingIdFor(organizationId: string, idempotencyKey: string | null): string {
  if (!idempotencyKey) return randomUUID();
  const hex = createHash('sha256').update(`${organizationId}:${idempotencyKey}`).digest('hex');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-5${hex.slice(13, 16)}-a${hex.slice(17, 20)}-${hex.slice(20, 32)}`;
}

async function requireBooking(db: Kysely<Database>, organizationId: string, bookingId: string): Promise<Booking> {
  const booking = await findBooking(db, organizationId, bookingId);
  if (!booking) throw new NotFound(`booking ${bookingId} not found`);
  return booking;
}

type ReservationBody = z.infer<typeof createBookingBody>;

/** The hold to place, and the service it was checked against (so the hold need not read it again). */
interface ReservationRequest { hold: HoldRequest; service: ServiceWithResources }

/**
 * The duration a requested time asks for (null = the default), after checking it and the resource
 * preference against the service: invalid input is a 400 naming the field, before any workflow.
 */
function requestedDuration(service: ServiceWithResources, body: TimeChange): number | null {
  body.resource_ids?.forEach((id, index) => {
    if (!service.resource_ids.includes(id)) {
      throw new InvalidInput([{ path: `resource_ids.${index}`, message: `resource ${id} does not provide service ${service.id}` }]);
    }
  });
  const durationMinutes = body.end ? (body.end.getTime() - body.start.getTime()) / 60_000 : body.duration_minutes ?? null;
  if (durationMinutes !== null && offeredDuration(service.durations_minutes, durationMinutes) === null) {
    throw new InvalidInput([{
      path: body.end ? 'end' : 'duration_minutes',
      message: durationRefusal(service.durations_minutes, durationMinutes),
    }]);
  }
  return durationMinutes;
}

/** The hold a reservation of a service's time asks for (and its service), after the checks that need no lock. */
async function appointmentHold(
  db: Kysely<Database>, organizationId: string, body: ReservationBody, bookingId: string,
): Promise<ReservationRequest> {
  const service = await findService(db, organizationId, body.service_id!);
  if (!service) throw new NotFound(`service ${body.service_id} not found`, 'service_id');
  const start = body.start!;
  const durationMinutes = requestedDuration(service, { ...body, start });
  if (body.spaces !== undefined && body.spaces > service.seats_per_slot) {
    throw new InvalidInput([{ path: 'spaces', message: `the service has ${service.seats_per_slot} seat(s) per slot, fewer than ${body.spaces}` }]);
  }
  requireEmailIfExclusive(body, service.exclusive_customer);
  const hold = {
    bookingId, organizationId, serviceId: service.id, start: start.toISOString(), durationMinutes,
    resourceIds: body.resource_ids ?? null, ...(body.spaces !== undefined && { spaces: body.spaces }),
    ...resourceGroupOf(service, body),
    customer: body.customer ?? null, metadata: body.metadata,
    ...(body.exclusive_customer !== undefined && { exclusiveCustomer: body.exclusive_customer }),
    ...(body.callback_url !== undefined && { callbackUrl: body.callback_url }),
    ...contactOf(body),
    ...(body.bypass_delays && { bypassDelays: true }),
    ...(body.cancel_booking_id && { rebookedFrom: body.cancel_booking_id }),
  };
  return { hold, service };
}

/** The hold a reservation of seats in a session asks for (and its service). */
async function sessionHold(
  db: Kysely<Database>, organizationId: string, session: Session, body: Omit<ReservationBody, 'session_id'>, bookingId: string,
): Promise<ReservationRequest> {
  const service = await findService(db, organizationId, session.service_id);
  if (!service) throw new NotFound(`service ${session.service_id} of session ${session.id} not found`);
  if (body.spaces !== undefined && body.spaces > session.capacity) {
    throw new InvalidInput([{ path: 'spaces', message: `session ${session.id} has ${session.capacity} seat(s), fewer than ${body.spaces}` }]);
  }
  requireEmailIfExclusive(body, service.exclusive_customer);
  const hold = {
    bookingId, organizationId, serviceId: service.id, sessionId: session.id, start: session.start_at.toISOString(),
    durationMinutes: null, resourceIds: null, spaces: body.spaces ?? 1, customer: body.customer ?? null, metadata: body.metadata,
    ...(body.waitlist !== undefined && { waitlist: body.waitlist }),
    ...(body.exclusive_customer !== undefined && { exclusiveCustomer: body.exclusive_customer }),
    ...(body.callback_url !== undefined && { callbackUrl: body.callback_url }),
    ...contactOf(body),
    ...(body.bypass_delays && { bypassDelays: true }),
    ...(body.cancel_booking_id && { rebookedFrom: body.cancel_booking_id }),
  };
  return { hold, service };
}

function requireEmailIfExclusive(body: Pick<ReservationBody, 'exclusive_customer' | 'customer'>, serviceDemands: boolean): void {
  if ((body.exclusive_customer || serviceDemands) && !body.customer?.email) {
    throw new InvalidInput([{ path: 'customer.email', message: 'is required: the customer may not hold overlapping bookings, and is known by e-mail' }]);
  }
}

function refusalToError(outcome: Extract<HoldOutcome, { outcome: 'rejected' }>, path?: string): ApiError {
  if (outcome.code === 'service_not_found') return new NotFound(outcome.message, 'service_id');
  if (outcome.code === 'session_not_found') return new NotFound(outcome.message, path ?? 'session_id');
  if (outcome.code === 'resource_not_found') return new NotFound(outcome.message, 'resource_ids');
  if (outcome.code === 'unavailable') return new Unavailable(outcome.message);
  return new Conflict(outcome.code, outcome.message, path ? { errors: [{ path, message: outcome.message }] } : {});
}

const UNIQUE_VIOLATION = '23505';

/**
 * What the booking's workflow starts from, if it is started (a running one ignores it): a hold
 * placed by this request (or found held by its retry) is adopted as it is; a waiting-list place is
 * read again by the workflow's hold activity, since a promotion may have moved it meanwhile; a
 * booking further along whose workflow is gone is adopted from the database as the reconciler would.
 */
function workflowInput(hold: HoldRequest, placed: Exclude<PlacedHold, { outcome: 'rejected' }>): BookingWorkflowInput {
  const { booking, eventId } = placed;
  if (booking.status === 'held') return { hold, placed: { outcome: 'held', booking, eventId } };
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
  deps: BookingCommandDeps, organizationId: string, body: ReservationBody, idempotencyKey: string | null,
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
  if (placed.outcome === 'rejected') throw refusalToError(placed);
  const earlier = placed.booking;
  if (idempotencyKey && (earlier.serviceId !== hold.serviceId || earlier.start !== hold.start || earlier.sessionId !== (hold.sessionId ?? null))) {
    throw new ApiError(422, 'Idempotency key reused', 'this Idempotency-Key was used for another booking', {
      code: 'idempotency_key_reused', errors: [{ path: 'header.Idempotency-Key', message: 'was used for another booking' }],
    });
  }

  // A replayed key of a booking that has ended: its workflow has nothing left to do.
  if (!isIn(LIVE_STATUSES, earlier.status)) return requireBooking(deps.db, organizationId, bookingId);

  // Only a placed hold is worth the operator's label. A new appointment's hold read the service and
  // the resources it took in its transaction; a retry's or a session's label reads them again.
  const labelled: LabelledBooking = {
    bookingId, serviceId: earlier.serviceId, resourceIds: earlier.resourceIds, sessionId: earlier.sessionId,
    start: new Date(earlier.start), spaces: earlier.spaces, customerEmail: earlier.customerEmail,
  };
  const label = 'bookedResources' in placed && placed.bookedResources
    ? labelOf({ serviceName: service.name, resources: placed.bookedResources, sessionZone: null }, labelled)
    : await operatorLabel(deps.db, organizationId, labelled);

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
    await withTemporalDeadline(deps.temporal, TEMPORAL_BUDGET_MS.start, () => deps.temporal.workflow.start(bookingWorkflow, start))
      .catch(unacknowledged);
    // Nothing has touched a new hold's row since its insert; a retry's row is read as it stands.
    return ('row' in placed && placed.row) || requireBooking(deps.db, organizationId, bookingId);
  }
  // A waiting-list place or an adoption is decided by the workflow's first activity: wait for it.
  const outcome = await withTemporalDeadline(deps.temporal, TEMPORAL_BUDGET_MS.update, () => deps.temporal.workflow.executeUpdateWithStart(reserveUpdate, {
    updateId: 'reserve',
    startWorkflowOperation: new WithStartWorkflowOperation(bookingWorkflow, start),
  })).catch(unacknowledged);
  if (outcome.outcome === 'rejected') throw refusalToError(outcome);
  return requireBooking(deps.db, organizationId, bookingId);
}

/**
 * Books several sessions for one customer, all or nothing, through one durable workflow: its
 * single transaction holds every seat, then each booking gets its own workflow.
 */
export async function reserveSessionBookings(
  deps: BookingCommandDeps, organizationId: string, body: z.infer<typeof createSessionBookingsBody>, idempotencyKey: string | null,
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
    if (placed.outcome === 'rejected') throw refusalToError(placed, `session_ids.${placed.index}`);
  }
  let outcome;
  try {
    outcome = await withTemporalDeadline(deps.temporal, TEMPORAL_BUDGET_MS.sessionWorkflow, () => deps.temporal.workflow.execute(reserveSessionsWorkflow, {
      workflowId, taskQueue: deps.taskQueue, args: [holds],
      workflowIdConflictPolicy: 'USE_EXISTING', workflowIdReusePolicy: 'REJECT_DUPLICATE',
    }));
  } catch (error) {
    if (!(error instanceof WorkflowExecutionAlreadyStartedError)) throw error;
    outcome = await withTemporalDeadline(deps.temporal, TEMPORAL_BUDGET_MS.sessionWorkflow,
      () => deps.temporal.workflow.getHandle<typeof reserveSessionsWorkflow>(workflowId).result());
  }
  // A replay answers as the first request did (a refusal included); the result it returns is the
  // first request's, so a different request under the same key shows here.
  if (outcome.outcome === 'rejected') throw refusalToError(outcome, `session_ids.${outcome.index}`);
  const sameRequest = outcome.bookings.length === holds.length && outcome.bookings.every(({ booking }, index) =>
    booking.sessionId === body.session_ids[index] && booking.spaces === body.spaces);
  if (!sameRequest) {
    throw new ApiError(422, 'Idempotency key reused', 'this Idempotency-Key was used for other sessions', {
      code: 'idempotency_key_reused', errors: [{ path: 'header.Idempotency-Key', message: 'was used for other sessions' }],
    });
  }
  return Promise.all(outcome.bookings.map(({ booking }) => requireBooking(deps.db, organizationId, booking.id)));
}

/**
 * Sends one of the workflow's Updates. A refusal by the workflow, or a workflow that has already
 * ended, is a 409 carrying the booking's current status. A live booking whose workflow is gone
 * (terminated or lost) is repaired first by the reconciler, then the Update is sent again.
 */
export async function changeBooking<Arg>(
  deps: BookingCommandDeps, organizationId: string, bookingId: string, update: UpdateDefinition<unknown, [Arg]>, arg: Arg,
): Promise<Booking> {
  await requireBooking(deps.db, organizationId, bookingId);
  try {
    await sendUpdate(deps, bookingId, update, arg);
  } catch (error) {
    if (!isWorkflowGone(error)) throw await refusalOf(deps, organizationId, bookingId, update.name, error);
    const current = await requireBooking(deps.db, organizationId, bookingId);
    if (!isIn(LIVE_STATUSES, current.status)) throw await refusalOf(deps, organizationId, bookingId, update.name, error);
    await repairBooking(deps, bookingId);
    try {
      await sendUpdate(deps, bookingId, update, arg);
    } catch (retryError) {
      if (isWorkflowGone(retryError)) {
        throw new Unavailable(`the workflow of booking ${bookingId} could not be restored; try again shortly`);
      }
      throw await refusalOf(deps, organizationId, bookingId, update.name, retryError);
    }
  }
  return requireBooking(deps.db, organizationId, bookingId);
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
async function sendUpdate<Arg>(deps: BookingCommandDeps, bookingId: string, update: UpdateDefinition<unknown, [Arg]>, arg: Arg) {
  const handle = deps.temporal.workflow.getHandle(bookingWorkflowId(bookingId));
  const updateId = randomUUID();
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

function refusedBeforeBookingKnown(error: unknown): boolean {
  const cause = error instanceof WorkflowUpdateFailedError ? error.cause : undefined;
  return cause instanceof ApplicationFailure && cause.type === INVALID_TRANSITION && cause.details?.[0] === 'requested';
}

/** The Update found no running workflow: none exists, or the one that did has closed. */
function isWorkflowGone(error: unknown): boolean {
  return error instanceof WorkflowNotFoundError
    || (error instanceof Error && !(error instanceof WorkflowUpdateFailedError) && /workflow execution already completed/i.test(error.message));
}

/**
 * Runs the reconciler for this one booking (its workflow id is the booking's, so concurrent
 * requests share one run): the booking gets its ending, or a fresh workflow that adopts it.
 */
async function repairBooking(deps: BookingCommandDeps, bookingId: string): Promise<void> {
  try {
    await withTemporalDeadline(deps.temporal, TEMPORAL_BUDGET_MS.repair, () => deps.temporal.workflow.execute(reconcileBookingsWorkflow, {
      workflowId: `reconcile-booking-${bookingId}`,
      taskQueue: deps.taskQueue,
      args: [{ bookingIds: [bookingId], graceSeconds: 0 }],
      workflowIdConflictPolicy: 'USE_EXISTING',
      workflowIdReusePolicy: 'ALLOW_DUPLICATE',
      // A caller is waiting: without a worker to run it, this is a 503, not a hang.
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
  if (isIn(LIVE_STATUSES, current.status)) return error;
  return new Conflict('invalid_transition', `cannot ${action} a booking that is ${current.status}`, {
    current_status: current.status,
  });
}

/**
 * Moves a booking to another time through its workflow's `reschedule` Update. The input is checked
 * against the booking's service first (400); a time that is not available is a 409 with the
 * engine's code, and the booking keeps its old time. A session booking has its session's time.
 */
export async function rescheduleBooking(
  deps: BookingCommandDeps, organizationId: string, bookingId: string, actor: string, body: z.infer<typeof rescheduleBookingBody>,
): Promise<Booking> {
  const booking = await requireBooking(deps.db, organizationId, bookingId);
  if (booking.session_id) {
    throw new InvalidInput([{ path: 'start', message: 'a session booking has its session\'s time: book another session instead' }]);
  }
  const service = await findService(deps.db, organizationId, booking.service_id);
  if (!service) throw new NotFound(`service ${booking.service_id} not found`);
  const durationMinutes = requestedDuration(service, body);
  return changeBooking(deps, organizationId, bookingId, rescheduleUpdate, {
    actor, start: body.start.toISOString(), durationMinutes, resourceIds: body.resource_ids ?? null,
  });
}
