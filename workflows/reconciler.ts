import { WorkflowExecutionAlreadyStartedError, WorkflowIdReusePolicy } from '@temporalio/common';
import {
  ParentClosePolicy, log, proxyActivities, proxyLocalActivities, setCurrentDetails, startChild, type ActivityOptions,
} from '@temporalio/workflow';
import type { BookingActivities, OrphanedBooking, OrphanSearch } from '../activities';
import type { BookingStatus } from '../db/schema';
import { announce, tellPromoted } from './announcements';
import { bookingWorkflow } from './booking';
import { nextDue } from './booking-deadlines';
import { WRITE_OPTIONS } from './local-activity-options';
import { bookingWorkflowId } from './messages';

const FIND_OPTIONS: ActivityOptions = { startToCloseTimeout: '5 minutes', heartbeatTimeout: '1 minute', retry: { maximumAttempts: 3 } };
const { findOrphanedBookings } = proxyActivities<BookingActivities>(FIND_OPTIONS);
const { recordTransition } = proxyLocalActivities<BookingActivities>(WRITE_OPTIONS);

export type ReconcileRequest = Partial<OrphanSearch>;

export type RepairAction = 'resumed' | 'expired' | 'completed' | 'no_show';
export interface ReconcileReport {
  checked: number;
  repaired: Array<{ bookingId: string; workflow: 'missing' | 'closed'; status: BookingStatus; action: RepairAction }>;
}

/** Endings that give the time back, as in the booking workflow. */
const FREES_CAPACITY: BookingStatus[] = ['expired'];

export function reconcilerWorkflowId(taskQueue: string): string {
  return `reconciler-${taskQueue}`;
}

/**
 * Gives every live booking whose workflow is closed or missing the life it would have had: past
 * its deadline, the ending it would have reached (expired, completed, no-show); otherwise a fresh
 * workflow that adopts it and resumes its timers and reminders from the database. Each repair is
 * an audit event by the `reconciler` and a log line. Run by a Schedule, and by the API for one
 * booking whose workflow it found gone.
 */
export async function reconcileBookingsWorkflow(request: ReconcileRequest = {}): Promise<ReconcileReport> {
  setCurrentDetails('looking for bookings whose workflow is closed or missing');
  const { checked, orphans } = await findOrphanedBookings.executeWithOptions({ ...FIND_OPTIONS, summary: 'find orphaned bookings' }, [{ bookingIds: request.bookingIds, graceSeconds: request.graceSeconds ?? 30, limit: request.limit ?? 1000 }]);
  const repaired = await Promise.all(orphans.map(repair));
  const report: ReconcileReport = { checked, repaired: repaired.filter((entry) => entry !== null) };
  setCurrentDetails(`checked ${checked} live booking(s); repaired ${report.repaired.length}`);
  return report;
}

async function repair(orphan: OrphanedBooking): Promise<ReconcileReport['repaired'][number] | null> {
  const { booking, organizationId } = orphan;
  // Without reminders: they do not end a booking (the resumed workflow plans the ones still ahead).
  const due = nextDue(booking.status, booking, []);
  const entry = { bookingId: booking.id, workflow: orphan.workflow, status: booking.status };
  if (Date.parse(due.at) <= Date.now() && due.to) {
    const outcome = await recordTransition.executeWithOptions({ ...WRITE_OPTIONS, summary: `record ${due.to}` }, [{
      bookingId: booking.id, step: `reconciled:${due.to}`, from: [booking.status], to: due.to, actor: 'reconciler',
      reason: `${due.reason} (its workflow was ${orphan.workflow})`, releaseCapacity: FREES_CAPACITY.includes(due.to),
    }]);
    if (!outcome.ok) return null;
    const told = [
      ...(outcome.eventId ? [announce(outcome.eventId, organizationId)] : []),
      ...tellPromoted(outcome.promoted, organizationId),
    ];
    await Promise.all(told);
    log.info('reconciler ended a booking', { ...entry, action: due.to });
    return { ...entry, action: due.to as RepairAction };
  }
  try {
    await startChild(bookingWorkflow, {
      workflowId: bookingWorkflowId(booking.id),
      args: [{ adopt: { bookingId: booking.id, organizationId, actor: 'reconciler', reason: `its workflow was ${orphan.workflow}; resumed from the database` } }],
      parentClosePolicy: ParentClosePolicy.ABANDON,
      workflowIdReusePolicy: WorkflowIdReusePolicy.ALLOW_DUPLICATE,
      staticSummary: orphan.label.summary,
      staticDetails: orphan.label.details,
    });
  } catch (error) {
    // Someone (the API, another run) gave it a workflow meanwhile.
    if (error instanceof WorkflowExecutionAlreadyStartedError) return null;
    throw error;
  }
  log.info('reconciler resumed a booking', { ...entry, action: 'resumed' });
  return { ...entry, action: 'resumed' };
}
