import { WorkflowNotFoundError, type Client } from '@temporalio/client';
import { activityInfo, heartbeat, log } from '@temporalio/activity';
import type { Kysely } from 'kysely';
import { operatorLabel, type OperatorLabel } from '../bookings/operator-label';
import type { Booking, Database } from '../db/schema';
import { findSession } from '../db/sessions';
import { findService } from '../db/services';
import { bookingWorkflowId, ORPHANS_PER_RUN } from '../workflows/messages';
import {
  forgetWorkflowsRunning, liveBookingsAfter, liveBookingsAmong, liveBookingsPastDeadline, liveBookingsUnconfirmed,
  readClosedMark, recordWorkflowsRunning, writeClosedMark,
} from '../db/reconciler';

const BOOKING_WORKFLOW_PREFIX = bookingWorkflowId('');
import { toSnapshot } from '../bookings/booking-snapshot';
import type { BookingSnapshot } from '../domain/booking-types';

export interface OrphanSearch {
  /** Only these bookings (the API's repair of one booking); absent = the pass described below. */
  bookingIds?: string[];
  /**
   * A booking row younger than this whose workflow does not exist yet is left alone: its
   * workflow may be starting right now. A closed workflow needs no grace.
   */
  graceSeconds: number;
  /** At most this many orphans per run (never more than ORPHANS_PER_RUN); the next run takes the rest. */
  limit: number;
  /**
   * A booking this long past its deadline (hold, approval, end) whose workflow still runs is
   * stalled (its worker fails its tasks, say): the reconciler gives it its ending in the database,
   * which the workflow follows once it runs again. Default 300.
   */
  overdueSeconds?: number;
  /**
   * Read every live booking instead (the rare full sweep), from after this booking id (null: from
   * the start), for at most `budgetSeconds` per activity run, `pageSize` rows a page (default 200).
   */
  sweep?: { after: string | null; budgetSeconds?: number; pageSize?: number };
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
  /** The sweep's cursor: where its next step starts; null once it has read every live booking. */
  next?: string | null;
}

// Bookings per database page and per visibility query (its WorkflowId IN list).
const PAGE = 200;
const DESCRIBES_IN_FLIGHT = 32;
// Visibility lists a closed workflow a moment after it closed: each pass reads this far back again.
const VISIBILITY_LAG_MS = 2 * 60_000;
// How far back the first pass of a new installation reads closed workflows (the sweep reads the rest).
const FIRST_LOOK_BACK_MS = 60 * 60_000;
const SWEEP_BUDGET_SECONDS = 60;

type WorkflowState = 'running' | 'closed' | 'missing';

/**
 * Live bookings (waitlisted, held, pending approval, confirmed) whose workflow is closed
 * (terminated, cancelled, timed out, reset away), missing (deleted, never started, history lost)
 * or stalled past its deadline. A pass reads only what can have gone wrong since the last one:
 * - booking workflows closed since then (one visibility query on CloseTime) whose row is live;
 * - live rows whose workflow nobody has seen running yet (new rows, and those found orphaned);
 *   the running ones are recorded so the next pass skips them;
 * - live rows past their deadline by more than `overdueSeconds` (an index on the deadline).
 * What none of these sees (a running workflow deleted outright, a history lost with its
 * visibility records) the full sweep finds: `sweep` reads every live booking in pages by id,
 * resuming from its heartbeat's cursor when retried, within a time budget per run.
 */
export async function findOrphanedBookings(
  db: Kysely<Database>, temporal: Client, search: OrphanSearch, now: Date,
): Promise<OrphanSearchResult> {
  const bounded = { ...search, limit: Math.max(1, Math.min(search.limit, ORPHANS_PER_RUN)) };
  if (bounded.bookingIds) return checkBookings(db, temporal, bounded, now);
  if (bounded.sweep) return sweepStep(db, temporal, bounded, now);
  return findAnomalies(db, temporal, bounded, now);
}

/** The given bookings, each asked about (the API's and the tests' repair of named bookings). */
async function checkBookings(db: Kysely<Database>, temporal: Client, search: OrphanSearch, now: Date): Promise<OrphanSearchResult> {
  const orphans: OrphanedBooking[] = [];
  let checked = 0;
  let after: string | null = null;
  while (search.bookingIds!.length > 0) {
    const page = await liveBookingsAfter(db, after, PAGE, search.bookingIds);
    if (page.length === 0) break;
    after = page[page.length - 1].id;
    checked += page.length;
    for (const orphan of await classify(db, temporal, page, search, now)) {
      orphans.push(orphan);
      if (orphans.length >= search.limit) return { checked, orphans };
    }
    if (page.length < PAGE) break;
  }
  return { checked, orphans };
}

/**
 * One step of the full sweep: pages by id from the cursor (the retried attempt's heartbeat, else
 * the request's) until the budget is spent, the limit of orphans reached, or the end. The cursor
 * heartbeated never passes an orphan this attempt has not returned yet: a retry after a crash
 * reads that page again instead of leaving its orphans to the next sweep.
 */
async function sweepStep(db: Kysely<Database>, temporal: Client, search: OrphanSearch, now: Date): Promise<OrphanSearchResult> {
  const resumed = activityInfo().heartbeatDetails as { after: string | null } | undefined;
  let after = resumed ? resumed.after : search.sweep!.after;
  let resumeFrom = after;
  const pageSize = Math.min(search.sweep!.pageSize ?? PAGE, ORPHANS_PER_RUN);
  const stopAt = Date.now() + (search.sweep!.budgetSeconds ?? SWEEP_BUDGET_SECONDS) * 1000;
  const orphans: OrphanedBooking[] = [];
  let checked = 0;
  for (;;) {
    const page = await liveBookingsAfter(db, after, pageSize);
    if (page.length === 0) return { checked, orphans, next: null };
    checked += page.length;
    orphans.push(...await classify(db, temporal, page, search, now));
    after = page[page.length - 1].id;
    if (orphans.length === 0) resumeFrom = after;
    heartbeat({ after: resumeFrom });
    if (page.length < pageSize) return { checked, orphans, next: null };
    // Another page could take the orphans past the limit: they are handed back before it is read.
    if ((orphans.length > 0 && orphans.length + pageSize > search.limit) || Date.now() >= stopAt) return { checked, orphans, next: after };
  }
}

async function findAnomalies(db: Kysely<Database>, temporal: Client, search: OrphanSearch, now: Date): Promise<OrphanSearchResult> {
  const markName = `booking-workflows:${activityInfo().taskQueue}`;
  const mark = await readClosedMark(db, markName) ?? new Date(now.getTime() - FIRST_LOOK_BACK_MS);
  const found = new Map<string, OrphanedBooking>();
  let checked = 0;
  // Those past the limit are left for the next pass, which finds them the same way (no mark moves before then).
  const add = (orphans: OrphanedBooking[]): boolean => {
    for (const orphan of orphans) {
      if (found.size >= search.limit) break;
      found.set(orphan.booking.id, orphan);
    }
    return found.size >= search.limit;
  };

  // Closed since the last pass while the row is live: unrecorded, so they stay found until adopted.
  const since = new Date(mark.getTime() - VISIBILITY_LAG_MS).toISOString();
  const query = `WorkflowType = 'bookingWorkflow' AND ExecutionStatus != 'Running' AND CloseTime > '${since}'`;
  let closedIds: string[] = [];
  const closedPage = async (): Promise<boolean> => {
    const rows = await liveBookingsAmong(db, closedIds);
    closedIds = [];
    checked += rows.length;
    const orphans = await classify(db, temporal, rows, search, now);
    await forgetWorkflowsRunning(db, orphans.filter((orphan) => orphan.workflow !== 'stalled').map((orphan) => orphan.booking.id));
    return add(orphans);
  };
  for await (const execution of temporal.workflow.list({ query, pageSize: PAGE })) {
    if (!execution.workflowId.startsWith(BOOKING_WORKFLOW_PREFIX)) continue;
    closedIds.push(execution.workflowId.slice(BOOKING_WORKFLOW_PREFIX.length));
    if (closedIds.length >= PAGE && await closedPage()) return done();
  }
  if (await closedPage()) return done();
  // Every close up to the pass's start has been read: the next pass starts there.
  await writeClosedMark(db, markName, now);

  // Rows whose workflow nobody has seen running: new ones past the grace, and the orphans above.
  const createdBefore = new Date(now.getTime() - search.graceSeconds * 1000);
  let cursor: { createdAt: Date; id: string } | null = null;
  for (;;) {
    const page = await liveBookingsUnconfirmed(db, createdBefore, PAGE, cursor);
    if (page.length === 0) break;
    checked += page.length;
    if (add(await classify(db, temporal, page, search, now))) return done();
    const last = page[page.length - 1];
    cursor = { createdAt: last.created_at, id: last.id };
    heartbeat({ unconfirmedAfter: cursor });
    if (page.length < PAGE) break;
  }

  // Past their deadline by more than a late timer would be: stalled, or their workflow is gone.
  const overdue = await liveBookingsPastDeadline(db, new Date(now.getTime() - (search.overdueSeconds ?? 300) * 1000), search.limit);
  checked += overdue.length;
  add(await classify(db, temporal, overdue, search, now));
  return done();

  function done(): OrphanSearchResult {
    const orphans = [...found.values()];
    if (orphans.length) log.info('bookings without a running workflow', { count: orphans.length, checked });
    return { checked, orphans };
  }
}

/**
 * Which of these live bookings are orphaned. The ones whose workflow runs are recorded as such,
 * so they leave the unconfirmed rows.
 */
async function classify(db: Kysely<Database>, temporal: Client, page: Booking[], search: OrphanSearch, now: Date): Promise<OrphanedBooking[]> {
  if (page.length === 0) return [];
  const states = await workflowStates(temporal, page);
  const orphans: OrphanedBooking[] = [];
  const unrecorded: string[] = [];
  for (const [index, booking] of page.entries()) {
    if (states[index] === 'running' && booking.workflow_started_at === null) unrecorded.push(booking.id);
    const state = states[index] === 'running' && isOverdue(booking, now, search.overdueSeconds ?? 300) ? 'stalled' : states[index];
    if (state === 'running') continue;
    if (state === 'missing' && now.getTime() - booking.created_at.getTime() < search.graceSeconds * 1000) continue;
    orphans.push(await describeOrphan(db, booking, state));
  }
  await recordWorkflowsRunning(db, unrecorded);
  return orphans;
}

/**
 * One visibility query per page finds the running workflows; only the bookings it does not list
 * (visibility may lag a start by a moment) are asked about one by one.
 */
async function workflowStates(temporal: Client, bookings: Booking[]): Promise<WorkflowState[]> {
  const ids = bookings.map((booking) => bookingWorkflowId(booking.id));
  const running = new Set<string>();
  const query = `ExecutionStatus = 'Running' AND WorkflowId IN (${ids.map((id) => `'${id}'`).join(', ')})`;
  for await (const execution of temporal.workflow.list({ query, pageSize: PAGE })) running.add(execution.workflowId);

  const states: Array<WorkflowState | undefined> = ids.map((id) => (running.has(id) ? 'running' : undefined));
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
  return states as WorkflowState[];
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
