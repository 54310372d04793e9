import {
  CancellationScope, allHandlersFinished, condition, isCancellation, patched, setCurrentDetails, upsertSearchAttributes,
} from '@temporalio/workflow';
import { isIn, TERMINAL_STATUSES, type BookingStatus } from '../domain/booking-status';
import { BookingRun, placeHold, unlessMovedOn } from './booking-run';
import { registerSignals } from './booking-signals';
import { describeProgress, nextDue, planReminders } from './booking-timeline';
import { acceptedIn, BOOKING_TRANSITIONS as EDGE } from './booking-transitions';
import { registerUpdates } from './booking-updates';
import { announce } from './announcements';
import { HOLD_OPTIONS } from './local-activity-options';
import type { BookingState, BookingWorkflowInput } from './messages';
import { BookingStatusKey } from './search-attributes';

/**
 * One booking's life (the README's diagram, generated from workflows/booking-transitions.ts):
 * requested → held → (pending_approval →) confirmed → completed, or cancelled / declined / expired
 * on the way; a session booking may wait first (waitlisted) until freed seats promote it. Every
 * transition is written to Postgres by an activity before the caller hears of it; deadlines are
 * durable timers. A cancellation requested through Temporal (UI, CLI, client) is the booking's
 * cancellation by an operator. A workflow started to adopt an existing booking (the reconciler's
 * repair) carries it on from the database's state.
 */
export async function bookingWorkflow(input: BookingWorkflowInput): Promise<BookingState> {
  const run = new BookingRun(input);
  // Handlers first, before any await: Update-with-Start delivers `reserve` with the first task.
  registerUpdates(run);
  registerSignals(run);
  try {
    await live(run);
  } catch (error) {
    if (!isCancellation(error)) throw error;
    await CancellationScope.nonCancellable(() => endAsCancelled(run));
    throw error;
  }
  return run.state;
}

/** From the hold (or the adopted row) to the booking's ending. */
async function live(run: BookingRun): Promise<void> {
  const { input, state } = run;
  setCurrentDetails(describeProgress(state));
  const hold = input.placed ?? (input.hold
    ? await placeHold.executeWithOptions({ ...HOLD_OPTIONS, summary: 'place hold' }, [input.hold]).catch((error) => {
      if (isCancellation(error)) throw error;
      return null;
    })
    : await run.adoptBooking());
  // requested → rejected: refused, or unanswered (then a hold that did commit is released).
  if (!hold || hold.outcome === 'rejected') {
    state.rejection = hold ?? { outcome: 'rejected', code: 'unavailable', message: 'the booking store did not answer in time' };
    state.status = 'rejected';
    run.holdOutcome = state.rejection;
    if (!hold) await run.abandonHold('expired', 'system', 'hold could not be confirmed');
    setCurrentDetails(describeProgress(state));
    upsertSearchAttributes([{ key: BookingStatusKey, value: 'rejected' }]);
    return;
  }
  // requested → held or waitlisted (or, adopted, wherever the row stands).
  state.booking = hold.booking;
  state.status = hold.booking.status;
  if (input.adopt && state.status === 'confirmed') state.reminders = planReminders(hold.booking, Date.now());
  run.holdOutcome = hold;
  // A hold the API placed came with its search attributes at start.
  if (input.placed) setCurrentDetails(describeProgress(state));
  else run.publish();
  if (hold.eventId) run.announcements.push(announce(hold.eventId, run.organizationId, hold.delivery));

  // Until an ending, the Updates and signals move the booking; a deadline moves it if they do not.
  while (!isIn(TERMINAL_STATUSES, state.status)) {
    const observed = state.status as BookingStatus;
    const observedStart = state.booking!.start;
    const due = nextDue(observed, state.booking!, state.reminders);
    const remaining = Date.parse(due.at) - Date.now();
    const moved = remaining > 0
      ? await condition(() => state.status !== observed || state.booking!.start !== observedStart, remaining, { summary: due.summary })
      : false;
    if (moved) continue;
    // Looked at again now that it is due: a check-in since the timer was set decides the ending.
    const fired = nextDue(observed, state.booking!, state.reminders);
    if (fired.reminder) {
      await run.remind(fired.reminder);
      continue;
    }
    // An Update won the race for this status; the loop looks again.
    await run.transition([observed], fired.to, 'system', fired.reason).catch(unlessMovedOn);
  }
  // Open for late check-ins until the window closes; histories from before the window end here
  // (the patch is listed in docs/operations.md with the date it can be deprecated).
  if (isIn(EDGE.checkInPresentAfterEnd.from, state.status) && patched('check-in-window')) {
    const remaining = Date.parse(state.booking!.checkInClosesAt ?? state.booking!.end) - Date.now();
    if (remaining > 0) await condition(() => false, remaining, { summary: 'check-in window closes' });
  }
  await condition(allHandlersFinished);
  await Promise.all(run.announcements);
}

/**
 * A cancellation requested through Temporal: the booking is cancelled by an operator like any
 * other cancellation (capacity freed, waiting list promoted, event and callbacks announced).
 */
async function endAsCancelled(run: BookingRun): Promise<void> {
  const reason = await run.cancellationReason();
  if (run.status === 'requested') {
    run.holdOutcome = { outcome: 'rejected', code: 'unavailable', message: 'the reservation was cancelled by an operator' };
    await run.abandonHold(EDGE.cancelledWhileRequested.to, 'operator', reason);
  } else if (isIn(acceptedIn('cancelledInTemporal'), run.status)) {
    await run.transition(EDGE.cancelledInTemporal.from, EDGE.cancelledInTemporal.to, 'operator', reason).catch(unlessMovedOn);
  }
  setCurrentDetails(describeProgress(run.state));
  await condition(allHandlersFinished);
  await Promise.all(run.announcements);
}
