import { ApplicationFailure, condition, setHandler } from '@temporalio/workflow';
import type { BookingSnapshot } from '../activities';
import type { BookingStatus } from '../domain/booking-status';
import { refuseUnless, type BookingRun } from './booking-run';
import { acceptedIn, BOOKING_TRANSITIONS as EDGE, verbOf, type Transition } from './booking-transitions';
import {
  acceptUpdate, bookingStateQuery, cancelUpdate, personalDataErasedUpdate, checkInUpdate, confirmUpdate, declineUpdate, INVALID_DETAILS, reduceSpacesUpdate,
  rescheduleUpdate, reserveUpdate, submitDetailsUpdate, suspendUpdate, TIME_REFUSED, type CheckIn,
} from './messages';
import {
  cancellationCheck, checkInCheck, checkNoExtraArguments, checkPayload, customerDetailsCheck, hostAnswerCheck, rescheduleCheck, spacesChangeCheck,
} from './payload-checks';

/**
 * The booking's query and Updates. Each validator checks its payload first (as the API's schemas
 * would), so nothing malformed (the UI's empty default included) is accepted into history or can
 * fail a workflow task; then the status, against the statuses the transition table accepts the
 * Update in. Each handler takes its edge of the table: the statuses the activity may find the row
 * in, and the status it writes.
 */
export function registerUpdates(run: BookingRun): void {
  const { state } = run;
  /** The edge's next status; an edge that keeps the status writes the one the booking is in. */
  const next = (edge: Transition): BookingStatus => (edge.to === 'unchanged' ? state.status : edge.to) as BookingStatus;

  setHandler(bookingStateQuery, () => state);
  setHandler(reserveUpdate, async () => {
    await condition(() => run.holdOutcome !== null);
    return run.holdOutcome!;
  }, {
    // Asks for the hold's outcome, in any status: only its arguments can be wrong (it takes none).
    validator: (...extra: unknown[]) => checkNoExtraArguments(0, extra),
  });
  // Old histories never received it, so the upsert it makes changes none of their commands.
  setHandler(personalDataErasedUpdate, () => run.forgetCustomer(), {
    validator: (...extra: unknown[]) => checkNoExtraArguments(0, extra),
  });
  setHandler(submitDetailsUpdate, (details) => {
    const edge = state.booking?.requiresApproval ? EDGE.submitDetailsForApproval : EDGE.submitDetails;
    return run.transition(edge.from, next(edge), 'customer', null, {
      customer: details,
      approvalExpiresAt: state.booking?.requiresApproval
        ? new Date(Date.now() + state.booking.approvalTtlSeconds * 1000).toISOString()
        : undefined,
    });
  }, {
    validator: (details, ...extra: unknown[]) => {
      checkNoExtraArguments(1, extra);
      checkPayload(customerDetailsCheck, details);
      refuseUnless(state, acceptedIn('submitDetails'), verbOf('submitDetails'));
    },
  });
  setHandler(confirmUpdate, (answer) => run.transition(EDGE.confirm.from, next(EDGE.confirm), answer.actor, answer.reason ?? null), {
    validator: (answer, ...extra: unknown[]) => {
      checkNoExtraArguments(1, extra);
      checkPayload(hostAnswerCheck, answer);
      refuseUnless(state, acceptedIn('confirm'), verbOf('confirm'));
    },
  });
  setHandler(declineUpdate, (answer) => run.transition(EDGE.decline.from, next(EDGE.decline), answer.actor, answer.reason ?? null), {
    validator: (answer, ...extra: unknown[]) => {
      checkNoExtraArguments(1, extra);
      checkPayload(hostAnswerCheck, answer);
      refuseUnless(state, acceptedIn('decline'), verbOf('decline'));
    },
  });
  setHandler(checkInUpdate, (checkIn) => recordCheckIn(checkIn), {
    validator: (checkIn, ...extra: unknown[]) => {
      checkNoExtraArguments(1, extra);
      checkPayload(checkInCheck, checkIn);
      refuseUnless(state, acceptedIn('checkIn', { checkInWindowOpen: run.checkInWindowOpen() }), verbOf('checkIn'));
      // From the start on (until the window after the end closes): nobody is present or absent before.
      // Validators do not run on replay, so histories with earlier check-ins still replay.
      if (state.booking && Date.now() < Date.parse(state.booking.start)) {
        throw ApplicationFailure.create({
          type: TIME_REFUSED, nonRetryable: true, details: ['check_in_not_open'],
          message: `check-in opens at the booking's start, ${state.booking.start}`,
        });
      }
    },
  });
  setHandler(rescheduleUpdate, (request) => run.reschedule(request), {
    validator: (request, ...extra: unknown[]) => {
      checkNoExtraArguments(1, extra);
      checkPayload(rescheduleCheck, request);
      refuseUnless(state, acceptedIn('reschedule'), verbOf('reschedule'));
      if (state.booking?.sessionId) {
        throw ApplicationFailure.create({
          type: INVALID_DETAILS, nonRetryable: true, message: 'a session booking has its session\'s time: book another session instead',
        });
      }
    },
  });
  setHandler(cancelUpdate, (cancellation) => run.transition(
    EDGE.cancel.from, next(EDGE.cancel), cancellation.actor, cancellation.reason ?? null,
  ), {
    validator: (cancellation, ...extra: unknown[]) => {
      checkNoExtraArguments(1, extra);
      checkPayload(cancellationCheck, cancellation);
      refuseUnless(state, acceptedIn('cancel'), verbOf('cancel'));
    },
  });
  setHandler(reduceSpacesUpdate, (change) => run.transition(EDGE.reduceSpaces.from, next(EDGE.reduceSpaces), change.actor,
    `spaces reduced from ${state.booking!.spaces} to ${change.spaces}`, { spaces: change.spaces }), {
    validator: (change, ...extra: unknown[]) => {
      checkNoExtraArguments(1, extra);
      checkPayload(spacesChangeCheck, change);
      refuseUnless(state, acceptedIn('reduceSpaces'), verbOf('reduceSpaces'));
      if (!state.booking?.sessionId || !(change.spaces >= 1 && change.spaces < state.booking.spaces)) {
        throw ApplicationFailure.create({
          type: INVALID_DETAILS, nonRetryable: true,
          message: `spaces must be at least 1 and fewer than the ${state.booking?.spaces} this session booking holds`,
        });
      }
    },
  });
  for (const [update, kind] of [[suspendUpdate, 'suspend'], [acceptUpdate, 'accept']] as const) {
    setHandler(update, (answer) => run.moveSeat(kind, acceptedIn(kind), answer), {
      validator: (answer, ...extra: unknown[]) => {
      checkNoExtraArguments(1, extra);
        checkPayload(hostAnswerCheck, answer);
        refuseUnless(state, acceptedIn(kind), verbOf(kind));
        if (!state.booking?.sessionId) {
          throw ApplicationFailure.create({ type: INVALID_DETAILS, nonRetryable: true, message: `only a session booking can be ${kind}ed` });
        }
      },
    });
  }

  /** Until the end the booking stays confirmed; after it, presence makes it completed and absence no_show. */
  function recordCheckIn(checkIn: CheckIn): Promise<BookingSnapshot> {
    const reason = checkIn.present ? 'checked in' : `absent${checkIn.reason ? `: ${checkIn.reason}` : ''}`;
    const extra = { checkIn: { present: checkIn.present, reason: checkIn.reason ?? null } };
    const edge = state.status === 'confirmed'
      ? EDGE.checkIn
      : checkIn.present ? EDGE.checkInPresentAfterEnd : EDGE.checkInAbsentAfterEnd;
    return run.transition(edge.from, next(edge), checkIn.actor, reason, extra);
  }
}
