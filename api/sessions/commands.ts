import { randomUUID } from 'node:crypto';
import type { Client } from '@temporalio/client';
import type { Kysely } from 'kysely';
import type { z } from 'zod';
import { lockResources } from '../../db/bookings';
import { findResources } from '../../db/resources';
import type { Booking, Database, NewSession, Session } from '../../db/schema';
import {
  findSession, findSessionBookings, insertSessions, occupySessionResources, waitlistLength, type SessionWithQueue,
} from '../../db/sessions';
import { findService } from '../../db/services';
import { expandRecurrence } from '../../scheduling';
import { cancelSessionWorkflow, changeSessionCapacityWorkflow } from '../../workflows/sessions';
import { sessionCancellationWorkflowId } from '../../workflows/messages';
import { Conflict, InvalidInput, NotFound } from '../errors';
import { TEMPORAL_BUDGET_MS, withTemporalDeadline } from '../temporal-deadline';
import type { createSessionBody, updateSessionBody } from './schemas';

const EXCLUSION_VIOLATION = '23P01';

export interface SessionCommandDeps {
  db: Kysely<Database>;
  temporal: Client;
  taskQueue: string;
}

export async function requireSession(db: Kysely<Database>, organizationId: string, sessionId: string): Promise<SessionWithQueue> {
  const session = await findSession(db, organizationId, sessionId);
  if (!session) throw new NotFound(`session ${sessionId} not found`);
  return { ...session, waitlist_length: await waitlistLength(db, session.id) };
}

/**
 * A session and its bookings from one snapshot, so that the seat and waiting counts agree with the
 * list: read apart, a cancellation committing in between showed every booking cancelled beside a
 * seat still taken.
 */
export function readSessionWithBookings(
  db: Kysely<Database>, organizationId: string, sessionId: string,
): Promise<{ session: SessionWithQueue; bookings: Booking[] }> {
  return db.transaction().setIsolationLevel('repeatable read').execute(async (trx) => {
    const session = await findSession(trx, organizationId, sessionId);
    if (!session) throw new NotFound(`session ${sessionId} not found`);
    const bookings = await findSessionBookings(trx, session.id);
    // The whole queue is in the list: its length is counted here rather than by another query.
    return { session: { ...session, waitlist_length: bookings.filter((booking) => booking.status === 'waitlisted').length }, bookings };
  });
}

/**
 * Creates a session, or with a recurrence rule all its occurrences (one series), in one
 * transaction. Sessions that occupy resources take their time like bookings do: an occurrence
 * that overlaps anything already on a resource refuses the whole series.
 */
export async function createSessions(
  db: Kysely<Database>, organizationId: string, body: z.infer<typeof createSessionBody>,
): Promise<{ seriesId: string | null; sessions: Session[] }> {
  const service = await findService(db, organizationId, body.service_id);
  if (!service) throw new NotFound(`service ${body.service_id} not found`, 'service_id');
  const resources = await findResources(db, organizationId, body.resource_ids);
  const unknown = body.resource_ids.findIndex((id) => !resources.some((resource) => resource.id === id));
  if (unknown >= 0) throw new NotFound(`resource ${body.resource_ids[unknown]} not found`, `resource_ids.${unknown}`);
  const zone = body.timezone ?? resources.find((resource) => resource.id === body.resource_ids[0])?.timezone ?? 'UTC';
  const durationMs = body.end
    ? body.end.getTime() - body.start.getTime()
    : (body.duration_minutes ?? service.durations_minutes[0]) * 60_000;

  let starts = [body.start.getTime()];
  if (body.recurrence) {
    const expanded = expandRecurrence(body.recurrence, body.start.getTime(), zone);
    if (!expanded.ok) throw new InvalidInput([{ path: 'recurrence', message: expanded.message }]);
    starts = expanded.starts;
  }
  const seriesId = body.recurrence ? randomUUID() : null;
  const rows: NewSession[] = starts.map((start) => ({
    organization_id: organizationId,
    service_id: service.id,
    series_id: seriesId,
    start_at: new Date(start),
    end_at: new Date(start + durationMs),
    timezone: zone,
    capacity: body.capacity,
    waitlist_size: body.waitlist_size,
    opens_before_seconds: body.opens_before_seconds,
    closes_before_seconds: body.closes_before_seconds,
    resource_ids: body.resource_ids,
    metadata: JSON.stringify(body.metadata),
  }));
  try {
    const sessions = await db.transaction().execute(async (trx) => {
      await lockResources(trx, body.resource_ids);
      const inserted = await insertSessions(trx, rows);
      for (const session of inserted) await occupySessionResources(trx, session);
      return inserted;
    });
    return { seriesId, sessions };
  } catch (error) {
    if ((error as { code?: string }).code === EXCLUSION_VIOLATION) {
      throw new Conflict('resource_busy', 'a resource of the session is already occupied at an overlapping time');
    }
    throw error;
  }
}

export async function changeSessionCapacity(
  deps: SessionCommandDeps, organizationId: string, sessionId: string, body: z.infer<typeof updateSessionBody>,
): Promise<SessionWithQueue> {
  await requireSession(deps.db, organizationId, sessionId);
  const outcome = await withTemporalDeadline(deps.temporal, TEMPORAL_BUDGET_MS.sessionWorkflow, () => deps.temporal.workflow.execute(changeSessionCapacityWorkflow, {
    workflowId: `session-${sessionId}-capacity-${randomUUID()}`,
    taskQueue: deps.taskQueue,
    args: [{ organizationId, sessionId, capacity: body.capacity, waitlistSize: body.waitlist_size, cause: `capacity:${randomUUID()}` }],
  }));
  if (!outcome.ok) {
    if (outcome.code === 'session_not_found') throw new NotFound(outcome.message);
    throw new Conflict(outcome.code, outcome.message);
  }
  return requireSession(deps.db, organizationId, sessionId);
}

/** Waits until the session is cancelled and every booking has been told; they end each in its own workflow. */
export async function cancelSession(
  deps: SessionCommandDeps, organizationId: string, sessionId: string, reason: string,
): Promise<{ session: SessionWithQueue; bookingIds: string[] }> {
  await requireSession(deps.db, organizationId, sessionId);
  const { bookingIds } = await withTemporalDeadline(deps.temporal, TEMPORAL_BUDGET_MS.sessionWorkflow, () => deps.temporal.workflow.execute(cancelSessionWorkflow, {
    workflowId: sessionCancellationWorkflowId(sessionId),
    taskQueue: deps.taskQueue,
    // A second cancel while the first runs waits for it; after it, it runs again and finds what is left.
    workflowIdConflictPolicy: 'USE_EXISTING',
    args: [{ organizationId, sessionId, reason, actor: 'host' }],
  }));
  return { session: await requireSession(deps.db, organizationId, sessionId), bookingIds };
}
