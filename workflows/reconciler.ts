import {
  continueAsNew, log, proxyActivities, proxyLocalActivities, setCurrentDetails, workflowInfo, type ActivityOptions,
} from '@temporalio/workflow';
import type { BookingActivities, OrphanedBooking, OrphanSearch } from '../activities';
import type { BookingStatus } from '../domain/booking-status';
import { announce, tellPromoted } from './announcements';
import { FREES_CAPACITY_STATUSES, isIn } from '../domain/booking-status';
import { nextDue } from './booking-timeline';
import { WRITE_OPTIONS } from './local-activity-options';
import { ORPHANS_PER_RUN } from './messages';

const FIND_OPTIONS: ActivityOptions = { startToCloseTimeout: '5 minutes', heartbeatTimeout: '1 minute', retry: { maximumAttempts: 3 } };
const { findOrphanedBookings, adoptBookings } = proxyActivities<BookingActivities>(FIND_OPTIONS);
const { recordTransition } = proxyLocalActivities<BookingActivities>(WRITE_OPTIONS);

export type ReconcileRequest = Partial<OrphanSearch>;

// Sweep steps per run before the sweep continues as new with its cursor (a short history).
const SWEEP_STEPS_PER_RUN = 50;

export type RepairAction = 'resumed' | 'expired' | 'completed' | 'no_show';
export interface ReconcileReport {
  checked: number;
  repaired: Array<{ bookingId: string; workflow: OrphanedBooking['workflow']; status: BookingStatus; action: RepairAction }>;
}

/**
 * Gives every live booking whose workflow is closed or missing the life it would have had: past
 * its deadline, the ending it would have reached (expired, completed, no-show); otherwise a fresh
 * workflow that adopts it and resumes its timers and reminders from the database. Each repair is
 * an audit event by the `reconciler` and a log line. Run by a Schedule (each pass reads what
 * changed since the last; see findOrphanedBookings), by a rarer one for the full sweep, and by the
 * API for one booking whose workflow it found gone.
 */
export async function reconcileBookingsWorkflow(request: ReconcileRequest = {}): Promise<ReconcileReport> {
  if (request.sweep) return sweep(request, request.sweep);
  setCurrentDetails('looking for bookings whose workflow is closed or missing');
  const { checked, orphans } = await findOrphanedBookings.executeWithOptions({ ...FIND_OPTIONS, summary: 'find orphaned bookings' }, [
    { bookingIds: request.bookingIds, graceSeconds: request.graceSeconds ?? 30, limit: request.limit ?? ORPHANS_PER_RUN, overdueSeconds: request.overdueSeconds },
  ]);
  const report: ReconcileReport = { checked, repaired: await repair(orphans) };
  setCurrentDetails(`checked ${checked} live booking(s); repaired ${report.repaired.length}`);
  return report;
}

/**
 * The rare full sweep: every live booking, one bounded activity run after another, each starting
 * where the last stopped; a long sweep continues as new with its cursor.
 */
async function sweep(request: ReconcileRequest, from: NonNullable<OrphanSearch['sweep']>): Promise<ReconcileReport> {
  const report: ReconcileReport = { checked: 0, repaired: [] };
  let after = from.after;
  for (let step = 1; ; step++) {
    setCurrentDetails(`sweeping every live booking, after ${after ?? 'the first'}; checked ${report.checked}, repaired ${report.repaired.length}`);
    const found = await findOrphanedBookings.executeWithOptions({ ...FIND_OPTIONS, summary: 'sweep a stretch of live bookings' }, [{
      graceSeconds: request.graceSeconds ?? 30, limit: request.limit ?? ORPHANS_PER_RUN, overdueSeconds: request.overdueSeconds,
      sweep: { ...from, after },
    }]);
    report.checked += found.checked;
    report.repaired.push(...await repair(found.orphans));
    if (!found.next) break;
    after = found.next;
    if (step >= SWEEP_STEPS_PER_RUN || workflowInfo().continueAsNewSuggested) {
      await continueAsNew<typeof reconcileBookingsWorkflow>({ ...request, sweep: { ...from, after } });
    }
  }
  setCurrentDetails(`swept: checked ${report.checked} live booking(s); repaired ${report.repaired.length}`);
  return report;
}

async function repair(orphans: OrphanedBooking[]): Promise<ReconcileReport['repaired']> {
  const now = Date.now();
  // Past its deadline: the ending it would have reached. Otherwise a fresh workflow adopts it.
  // A stalled workflow is overdue by definition: its ending is written for it to follow.
  const ended = orphans.filter((orphan) => orphan.workflow === 'stalled' || isPastDue(orphan, now));
  const resumable = orphans.filter((orphan) => !ended.includes(orphan));
  const endings = await Promise.all(ended.map(end));
  const resumed = new Set(resumable.length === 0 ? [] : await adoptBookings.executeWithOptions(
    { ...FIND_OPTIONS, summary: `start ${resumable.length} adopting workflow(s)` }, [resumable, 'resumed from the database'],
  ));
  return [
    ...endings.filter((entry) => entry !== null),
    ...resumable.filter((orphan) => resumed.has(orphan.booking.id)).map((orphan) => {
      const entry = { bookingId: orphan.booking.id, workflow: orphan.workflow, status: orphan.booking.status, action: 'resumed' as const };
      log.info('reconciler resumed a booking', entry);
      return entry;
    }),
  ];
}

/** Reminders do not end a booking (the adopting workflow plans those still ahead); deadlines do. */
function isPastDue({ booking }: OrphanedBooking, now: number): boolean {
  return Date.parse(nextDue(booking.status, booking, []).at) <= now;
}

async function end(orphan: OrphanedBooking): Promise<ReconcileReport['repaired'][number] | null> {
  const { booking, organizationId } = orphan;
  const due = nextDue(booking.status, booking, []);
  const to = due.to!;
  const outcome = await recordTransition.executeWithOptions({ ...WRITE_OPTIONS, summary: `record ${to}` }, [{
    bookingId: booking.id, step: `reconciled:${to}`, from: [booking.status], to, actor: 'reconciler',
    reason: `${due.reason} (its workflow was ${orphan.workflow})`, releaseCapacity: isIn(FREES_CAPACITY_STATUSES, to),
  }]);
  // Moved meanwhile (an API call repaired it first): nothing left to do.
  if (!outcome.ok) return null;
  await Promise.all([
    ...(outcome.eventId ? [announce(outcome.eventId, organizationId)] : []),
    ...tellPromoted(outcome.promoted, organizationId),
  ]);
  const entry = { bookingId: booking.id, workflow: orphan.workflow, status: booking.status, action: to as RepairAction };
  log.info('reconciler ended a booking', entry);
  return entry;
}
