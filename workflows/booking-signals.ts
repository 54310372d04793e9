import { condition, log, setHandler } from '@temporalio/workflow';
import { isIn } from '../domain/booking-status';
import { unlessMovedOn, type BookingRun } from './booking-run';
import { acceptedIn, BOOKING_TRANSITIONS as EDGE } from './booking-transitions';
import { calendarConflictSignal, promotedSignal, sessionCancelledSignal } from './messages';
import { cancellationCheck, checkPayload, promotedCheck } from './payload-checks';

/**
 * The booking's signals: news of what the database already says (a promotion, a conflict with a
 * host's calendar) or of a change decided elsewhere (its session's cancellation). Signals have no validator: a malformed one is
 * logged and ignored rather than failing a task.
 */
export function registerSignals(run: BookingRun): void {
  const wellFormed = (signal: string, check: () => void): boolean => {
    try {
      check();
      return true;
    } catch (error) {
      log.warn(`ignored a malformed ${signal} signal`, { bookingId: run.bookingId, error: (error as Error).message });
      return false;
    }
  };
  // A signal can overtake the answer of the hold's own activity: act once the hold is known.
  const holdKnown = () => condition(() => run.status !== 'requested');

  setHandler(promotedSignal, async (promoted) => {
    if (!wellFormed('promoted', () => checkPayload(promotedCheck, promoted))) return;
    await holdKnown();
    if (promoted.id === run.bookingId && isIn(acceptedIn('promoted'), run.status) && promoted.status !== 'waitlisted') run.adopt(promoted);
  });
  setHandler(calendarConflictSignal, () => run.noteCalendarConflict());
  setHandler(sessionCancelledSignal, async (cancellation) => {
    if (!wellFormed('sessionCancelled', () => checkPayload(cancellationCheck, cancellation))) return;
    await holdKnown();
    // Already ended (or ending): nothing left to cancel.
    await run.transition(EDGE.sessionCancelled.from, EDGE.sessionCancelled.to, cancellation.actor, cancellation.reason ?? null)
      .catch(unlessMovedOn);
  });
}
