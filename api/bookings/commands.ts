import { createHash, randomUUID } from 'node:crypto';
import { WithStartWorkflowOperation, WorkflowUpdateFailedError, type Client } from '@temporalio/client';
import { ApplicationFailure, WorkflowExecutionAlreadyStartedError, type UpdateDefinition } from '@temporalio/common';
import type { Kysely } from 'kysely';
import type { z } from 'zod';
import type { HoldRequest } from '../../activities/types';
import { ACTIVE_STATUSES, findBooking } from '../../db/bookings';
import type { Booking, Database } from '../../db/schema';
import { findService, type ServiceWithResources } from '../../db/services';
import { bookingWorkflow } from '../../workflows/booking';
import {
  bookingWorkflowId, INVALID_TRANSITION, rescheduleUpdate, reserveUpdate, TIME_REFUSED,
} from '../../workflows/messages';
import { BookingStatusKey, ServiceIdKey } from '../../workflows/search-attributes';
import { ApiError, Conflict, InvalidInput, NotFound, Unavailable } from '../errors';
import type { createBookingBody, rescheduleBookingBody, TimeChange } from './schemas';

export interface BookingCommandDeps {
  db: Kysely<Database>;
  temporal: Client;
  taskQueue: string;
}

/** The same Idempotency-Key of one organization always names the same booking (and workflow). */
function bookingIdFor(organizationId: string, idempotencyKey: string | null): string {
  if (!idempotencyKey) return randomUUID();
  const hex = createHash('sha256').update(`${organizationId}:${idempotencyKey}`).digest('hex');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-5${hex.slice(13, 16)}-a${hex.slice(17, 20)}-${hex.slice(20, 32)}`;
}

async function requireBooking(db: Kysely<Database>, organizationId: string, bookingId: string): Promise<Booking> {
  const booking = await findBooking(db, organizationId, bookingId);
  if (!booking) throw new NotFound(`booking ${bookingId} not found`);
  return booking;
}

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
  if (durationMinutes !== null && !service.durations_minutes.includes(durationMinutes)) {
    throw new InvalidInput([{
      path: body.end ? 'end' : 'duration_minutes',
      message: `the service offers durations of ${service.durations_minutes.join(', ')} minutes, not ${durationMinutes}`,
    }]);
  }
  return durationMinutes;
}

/**
 * Starts the booking's workflow and waits, in the same call, for its hold (Update-with-Start), so
 * the caller learns at once whether the time is theirs.
 */
export async function reserveBooking(
  deps: BookingCommandDeps, organizationId: string, body: z.infer<typeof createBookingBody>, idempotencyKey: string | null,
): Promise<Booking> {
  const service = await findService(deps.db, organizationId, body.service_id);
  if (!service) throw new NotFound(`service ${body.service_id} not found`, 'service_id');
  const durationMinutes = requestedDuration(service, body);

  if (body.spaces !== undefined && body.spaces > service.seats_per_slot) {
    throw new InvalidInput([{ path: 'spaces', message: `the service has ${service.seats_per_slot} seat(s) per slot, fewer than ${body.spaces}` }]);
  }

  const bookingId = bookingIdFor(organizationId, idempotencyKey);
  const hold: HoldRequest = {
    bookingId, organizationId, serviceId: service.id, start: body.start.toISOString(), durationMinutes,
    resourceIds: body.resource_ids ?? null, ...(body.spaces !== undefined && { spaces: body.spaces }), customer: body.customer ?? null, metadata: body.metadata,
    ...(body.callback_url !== undefined && { callbackUrl: body.callback_url }),
  };
  let outcome;
  try {
    outcome = await deps.temporal.workflow.executeUpdateWithStart(reserveUpdate, {
      updateId: 'reserve',
      startWorkflowOperation: new WithStartWorkflowOperation(bookingWorkflow, {
        workflowId: bookingWorkflowId(bookingId),
        taskQueue: deps.taskQueue,
        args: [{ hold }],
        // A retried request joins the running workflow; one that already ended is not run again.
        workflowIdConflictPolicy: 'USE_EXISTING',
        workflowIdReusePolicy: 'REJECT_DUPLICATE',
        typedSearchAttributes: [
          { key: BookingStatusKey, value: 'requested' },
          { key: ServiceIdKey, value: service.id },
        ],
      }),
    });
  } catch (error) {
    if (!(error instanceof WorkflowExecutionAlreadyStartedError) || !idempotencyKey) throw error;
    const earlier = await findBooking(deps.db, organizationId, bookingId);
    if (!earlier) throw new Conflict('idempotency_key_refused', 'the request first sent with this Idempotency-Key was refused');
    outcome = { outcome: 'held' as const };
  }

  if (outcome.outcome === 'rejected') {
    if (outcome.code === 'service_not_found') throw new NotFound(outcome.message, 'service_id');
    if (outcome.code === 'resource_not_found') throw new NotFound(outcome.message, 'resource_ids');
    if (outcome.code === 'unavailable') throw new Unavailable(outcome.message);
    throw new Conflict(outcome.code, outcome.message);
  }
  const booking = await requireBooking(deps.db, organizationId, bookingId);
  if (idempotencyKey && (booking.service_id !== service.id || booking.start_at.getTime() !== body.start.getTime())) {
    throw new ApiError(422, 'Idempotency key reused', 'this Idempotency-Key was used for another booking', {
      code: 'idempotency_key_reused', errors: [{ path: 'header.Idempotency-Key', message: 'was used for another booking' }],
    });
  }
  return booking;
}

/**
 * Sends one of the workflow's Updates. A refusal by the workflow, or a workflow that has already
 * ended, is a 409 carrying the booking's current status.
 */
export async function changeBooking<Arg>(
  deps: BookingCommandDeps, organizationId: string, bookingId: string, update: UpdateDefinition<unknown, [Arg]>, arg: Arg,
): Promise<Booking> {
  await requireBooking(deps.db, organizationId, bookingId);
  try {
    await deps.temporal.workflow.getHandle(bookingWorkflowId(bookingId)).executeUpdate(update, { args: [arg] });
  } catch (error) {
    const cause = error instanceof WorkflowUpdateFailedError ? error.cause : undefined;
    if (cause instanceof ApplicationFailure && cause.type === TIME_REFUSED) {
      throw new Conflict(String(cause.details?.[0] ?? 'unavailable'), cause.message);
    }
    if (cause instanceof ApplicationFailure && cause.type === INVALID_TRANSITION) {
      const current = await requireBooking(deps.db, organizationId, bookingId);
      throw new Conflict('invalid_transition', `${cause.message}`, { current_status: current.status });
    }
    const current = await requireBooking(deps.db, organizationId, bookingId);
    if (ACTIVE_STATUSES.includes(current.status)) throw error;
    throw new Conflict('invalid_transition', `cannot ${update.name} a booking that is ${current.status}`, {
      current_status: current.status,
    });
  }
  return requireBooking(deps.db, organizationId, bookingId);
}

/**
 * Moves a booking to another time through its workflow's `reschedule` Update. The input is checked
 * against the booking's service first (400); a time that is not available is a 409 with the
 * engine's code, and the booking keeps its old time.
 */
export async function rescheduleBooking(
  deps: BookingCommandDeps, organizationId: string, bookingId: string, actor: string, body: z.infer<typeof rescheduleBookingBody>,
): Promise<Booking> {
  const booking = await requireBooking(deps.db, organizationId, bookingId);
  const service = await findService(deps.db, organizationId, booking.service_id);
  if (!service) throw new NotFound(`service ${booking.service_id} not found`);
  const durationMinutes = requestedDuration(service, body);
  return changeBooking(deps, organizationId, bookingId, rescheduleUpdate, {
    actor, start: body.start.toISOString(), durationMinutes, resourceIds: body.resource_ids ?? null,
  });
}
