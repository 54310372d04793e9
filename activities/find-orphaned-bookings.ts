import { WorkflowNotFoundError, type Client } from '@temporalio/client';
import { heartbeat, log } from '@temporalio/activity';
import type { Kysely } from 'kysely';
import { LIVE_STATUSES } from '../domain/booking-status';
import { operatorLabel, type OperatorLabel } from '../bookings/operator-label';
import type { Booking, Database } from '../db/schema';
import { findSession } from '../db/sessions';
import { findService } from '../db/services';
import { bookingWorkflowId } from '../workflows/messages';
import { toSnapshot } from '../bookings/booking-snapshot';
import type { BookingSnapshot } from '../domain/booking-types';

export interface OrphanSearch {
  /** Only these bookings (the API's repair of one booking); absent = every live booking. */
  bookingIds?: string[];
  /**
   * A booking row younger than this whose workflow does not exist yet is left alone: its
   * workflow may be starting right now. A closed workflow needs no grace.
   */
  graceSeconds: number;
  /** At most this many orphans per run; the next run takes the rest. */
  limit: number;
  /**
   * A booking this long past its deadline (hold, approval, end) whose workflow still runs is
   * stalled (its worker fails its tasks, say): the reconciler gives it its ending in the database,
   * which the workflow follows once it runs again. Default 300.
   */
  overdueSeconds?: number;
}

export interface OrphanedBooking {
  organizationId: string;
  booking: BookingSnapshot;
  /** What became of its workflow. */
  workflow: 'missing' | 'closed' | 'stalled';
  label: OperatorLabel;
}

export interface OrphanSearchResult {
  checked: number;
  orphans: OrphanedBooking[];
}

// Bookings per database page and per visibility query (its WorkflowId IN list).
const PAGE = 200;
const DESCRIBES_IN_FLIGHT = 32;

/**
 * Live bookings (waitlisted, held, pending approval, confirmed) whose workflow is closed
 * (terminated, cancelled, timed out, reset away) or missing (deleted, never started, history
 * lost). Reads the database in pages by id and asks Temporal about each booking's workflow.
 */
export async function findOrphanedBookings(
  db: Kysely<Database>, temporal: Client, search: OrphanSearch, now: Date,
): Promise<OrphanSearchResult> {
  const orphans: OrphanedBooking[] = [];
  let checked = 0;
  let after: string | null = null;
  for (;;) {
    if (search.bookingIds?.length === 0) break;
    let query = db.selectFrom('bookings').selectAll().where('status', 'in', LIVE_STATUSES);
    if (after) query = query.where('id', '>', after);
    if (search.bookingIds) query = query.where('id', 'in', search.bookingIds);
    const page = await query.orderBy('id').limit(PAGE).execute();
    if (page.length === 0) break;
    after = page[page.length - 1].id;
    checked += page.length;
    const states = await workflowStates(temporal, page);
    for (const [index, booking] of page.entries()) {
      const state = states[index] === 'running' && isOverdue(booking, now, search.overdueSeconds ?? 300) ? 'stalled' : states[index];
      if (state === 'running') continue;
      if (state === 'missing' && now.getTime() - booking.created_at.getTime() < search.graceSeconds * 1000) continue;
      orphans.push(await describeOrphan(db, booking, state));
      if (orphans.length >= search.limit) return { checked, orphans };
    }
    heartbeat({ after });
    if (page.length < PAGE) break;
  }
  if (orphans.length) log.info('bookings without a running workflow', { count: orphans.length, checked });
  return { checked, orphans };
}

/**
 * One visibility query per page finds the running workflows; only the bookings it does not list
 * (visibility may lag a start by a moment) are asked about one by one.
 */
async function workflowStates(temporal: Client, bookings: Booking[]): Promise<Array<'running' | 'closed' | 'missing'>> {
  const ids = bookings.map((booking) => bookingWorkflowId(booking.id));
  const running = new Set<string>();
  const query = `ExecutionStatus = 'Running' AND WorkflowId IN (${ids.map((id) => `'${id}'`).join(', ')})`;
  for await (const execution of temporal.workflow.list({ query, pageSize: PAGE })) running.add(execution.workflowId);

  type State = 'running' | 'closed' | 'missing';
  const states: Array<State | undefined> = ids.map((id) => (running.has(id) ? 'running' : undefined));
  const unlisted = states.flatMap((state, index) => (state ? [] : [index]));
  let next = 0;
  const describeNext = async (): Promise<void> => {
    while (next < unlisted.length) {
      const index = unlisted[next++];
      try {
        const description = await temporal.workflow.getHandle(ids[index]).describe();
        states[index] = description.status.name === 'RUNNING' ? 'running' : 'closed';
      } catch (error) {
        if (!(error instanceof WorkflowNotFoundError)) throw error;
        states[index] = 'missing';
      }
    }
  };
  await Promise.all(Array.from({ length: Math.min(DESCRIBES_IN_FLIGHT, unlisted.length) }, describeNext));
  return states as State[];
}

/** Past its deadline by more than a late timer would be (waiting bookings are left to their workflow). */
function isOverdue(booking: Booking, now: Date, overdueSeconds: number): boolean {
  const deadline = { held: booking.hold_expires_at, pending_approval: booking.approval_expires_at, confirmed: booking.end_at }[booking.status as string];
  return Boolean(deadline && now.getTime() - deadline.getTime() > overdueSeconds * 1000);
}

async function describeOrphan(db: Kysely<Database>, booking: Booking, workflow: OrphanedBooking['workflow']): Promise<OrphanedBooking> {
  const service = await findService(db, booking.organization_id, booking.service_id);
  if (!service) throw new Error(`service ${booking.service_id} of booking ${booking.id} is gone`);
  const session = booking.session_id ? await findSession(db, booking.organization_id, booking.session_id) ?? null : null;
  const label = operatorLabel({
    bookingId: booking.id, serviceId: booking.service_id, serviceName: service.name, sessionId: booking.session_id, note: 'resumed by the reconciler',
  });
  return { organizationId: booking.organization_id, booking: toSnapshot(booking, service, session), workflow, label };
}
