import {
  ApplicationFailure, CancellationScope, allHandlersFinished, condition, isCancellation, log, patched, proxyActivities,
  proxyLocalActivities, setCurrentDetails, setHandler, upsertSearchAttributes, workflowInfo, type ActivityOptions,
} from '@temporalio/workflow';
import type { BookingActivities, BookingSnapshot, HoldOutcome, TransitionRequest } from '../activities';
import type { BookingStatus } from '../db/schema';
import { announce, tellPromoted } from './announcements';
import { describeProgress, FREES_CAPACITY, LIVE, nextDue, planReminders } from './booking-deadlines';
import { HOLD_OPTIONS, WRITE_OPTIONS } from './local-activity-options';
import {
  acceptUpdate, bookingStateQuery, cancelUpdate, checkInUpdate, confirmUpdate, declineUpdate, INVALID_DETAILS, INVALID_TRANSITION,
  promotedSignal, reduceSpacesUpdate, rescheduleUpdate, reserveUpdate, sessionCancelledSignal, submitDetailsUpdate, suspendUpdate,
  TIME_REFUSED, type BookingState, type HostAnswer, type BookingWorkflowInput, type CheckIn, type PlannedReminder, type Reschedule, type WorkflowBookingStatus,
} from './messages';
import {
  cancellationCheck, checkInCheck, checkPayload, customerDetailsCheck, hostAnswerCheck, promotedCheck, rescheduleCheck,
  spacesChangeCheck,
} from './payload-checks';
import { BookingStatusKey, searchAttributesOf } from './search-attributes';

const { placeHold } = proxyLocalActivities<BookingActivities>(HOLD_OPTIONS);
// A reschedule and an adoption are idempotent by step like a transition, so they retry the same way.
const { recordTransition, rescheduleBooking, resumeBooking } = proxyLocalActivities<BookingActivities>(WRITE_OPTIONS);
// The reason only annotates the audit event: without an answer soon, the cancellation goes ahead without it.
const { cancellationReason } = proxyLocalActivities<BookingActivities>({
  startToCloseTimeout: '5 seconds', scheduleToCloseTimeout: '15 seconds', summary: 'read the cancellation\'s reason',
});
// Suspend and accept are idempotent by step too.
const { suspendSessionBooking, acceptWaitingBooking } = proxyLocalActivities<BookingActivities>(WRITE_OPTIONS);

const REMINDER_OPTIONS: ActivityOptions = {
  // A mail server may be slow or down for a while; a reminder later than this is no reminder.
  startToCloseTimeout: '30 seconds',
  scheduleToCloseTimeout: '1 hour',
  retry: { initialInterval: '1 second', maximumInterval: '5 minutes' },
};
const { sendReminder } = proxyActivities<BookingActivities>(REMINDER_OPTIONS);

const TERMINAL: WorkflowBookingStatus[] = ['completed', 'no_show', 'cancelled', 'expired', 'declined', 'rejected'];
const SEATED: BookingStatus[] = ['held', 'pending_approval', 'confirmed'];
const CANCELLABLE: BookingStatus[] = LIVE;
/** A waiting booking has no time of its own to move. */
const RESCHEDULABLE: BookingStatus[] = SEATED;
/** After the end, presence or absence may still be recorded within the service's check-in window. */
const CHECK_IN_AFTER_END: BookingStatus[] = ['completed', 'no_show'];

function refuseUnless(state: BookingState, allowed: WorkflowBookingStatus[], action: string): void {
  if (!allowed.includes(state.status)) {
    throw ApplicationFailure.create({
      type: INVALID_TRANSITION,
      message: `cannot ${action} a booking that is ${state.status}`,
      details: [state.status],
      nonRetryable: true,
    });
  }
}

/**
 * One booking's life: requested → held → (pending_approval →) confirmed → completed, or
 * cancelled / declined / expired on the way; a session booking may wait first (waitlisted) until
 * freed seats promote it. Every transition is written to Postgres by an activity before the
 * caller hears of it; deadlines are durable timers. A cancellation requested through Temporal (UI,
 * CLI, client) is the booking's cancellation by an operator. A workflow started to adopt an
 * existing booking (the reconciler's repair) carries it on from the database's state.
 */
export async function bookingWorkflow(input: BookingWorkflowInput): Promise<BookingState> {
  const state: BookingState = { status: 'requested', booking: null, rejection: null, reminders: [] };
  // The SDK hands the first task's Updates and signals to their handlers as they are registered,
  // before the body below runs: a placed hold is the state they are judged against (the API answers
  // before any worker ran the workflow, so the customer's details may come in that same task).
  if (input.placed) {
    state.booking = input.placed.booking;
    state.status = input.placed.booking.status;
  }
  const bookingId = input.hold?.bookingId ?? input.adopt!.bookingId;
  const organizationId = input.hold?.organizationId ?? input.adopt!.organizationId;
  // An adopting run's steps must not meet the steps of the runs before it (each is written once).
  const stepPrefix = input.adopt ? `${workflowInfo().runId}/` : '';
  let transitions = 0;
  let transitioning = false;
  const announcements: Promise<unknown>[] = [];

  function publish(): void {
    setCurrentDetails(describeProgress(state));
    if (state.booking) publishSearchAttributes(state);
  }

  /** Follows the database: the booking's new state, as a transition or a promotion wrote it. */
  function adopt(booking: BookingSnapshot): void {
    const wasConfirmed = state.status === 'confirmed';
    state.booking = booking;
    state.status = booking.status;
    if (state.status === 'confirmed' && !wasConfirmed) state.reminders = planReminders(booking, Date.now());
    publish();
  }

  // One change at a time: a deadline firing while an Update is being written waits its turn.
  async function exclusively<T>(change: () => Promise<T>): Promise<T> {
    await condition(() => !transitioning);
    transitioning = true;
    try {
      return await change();
    } finally {
      transitioning = false;
    }
  }

  function transition(
    allowed: BookingStatus[], to: BookingStatus, actor: string, reason: string | null,
    extra: Partial<TransitionRequest> = {},
  ): Promise<BookingSnapshot> {
    return exclusively(async () => {
      refuseUnless(state, allowed, `move to ${to}`);
      transitions += 1;
      const outcome = await recordTransition.executeWithOptions({ ...WRITE_OPTIONS, summary: `record ${to}` }, [{
        bookingId, organizationId, step: `${stepPrefix}${transitions}:${to}`, from: allowed, to, actor, reason,
        releaseCapacity: FREES_CAPACITY.includes(to), ...extra,
      }]);
      if (!outcome.ok) {
        if (outcome.refusal) {
          throw ApplicationFailure.create({ type: TIME_REFUSED, message: outcome.refusal.message, details: [outcome.refusal.code], nonRetryable: true });
        }
        // The database is the source of truth; follow it if it moved without us (a promotion).
        if (outcome.booking && outcome.booking.status !== state.status) adopt(outcome.booking);
        throw ApplicationFailure.create({
          type: INVALID_TRANSITION, message: `booking is ${outcome.currentStatus}`,
          details: [outcome.currentStatus], nonRetryable: true,
        });
      }
      adopt(outcome.booking);
      announceUnlessHandedOver(outcome);
      announcements.push(...tellPromoted(outcome.promoted ?? [], organizationId, outcome.handedOver));
      return outcome.booking;
    });
  }

  /**
   * The activity that wrote an event normally starts its delivery workflow itself, outside this
   * history; results recorded before it did (or by a worker without a Temporal client) are
   * announced from here as a child, as they always were.
   */
  function announceUnlessHandedOver(outcome: { eventId?: string | null; handedOver?: true }): void {
    if (outcome.eventId && !outcome.handedOver) announcements.push(announce(outcome.eventId, organizationId));
  }

  /**
   * Moves the booking to another time (one transaction: new allocations in, old ones out). The
   * status stays; the main loop sees the new start and re-plans its timers, and a confirmed
   * booking's reminders are planned afresh for the new start (those already due are not sent).
   */
  function reschedule(request: Reschedule): Promise<BookingSnapshot> {
    return exclusively(async () => {
      refuseUnless(state, RESCHEDULABLE, 'reschedule');
      transitions += 1;
      const outcome = await rescheduleBooking.executeWithOptions({ ...WRITE_OPTIONS, summary: 'record reschedule' }, [{
        bookingId, organizationId, step: `${stepPrefix}${transitions}:reschedule`, from: RESCHEDULABLE,
        start: request.start, durationMinutes: request.durationMinutes, resourceIds: request.resourceIds, actor: request.actor,
      }]);
      if (outcome.outcome === 'invalid_status') {
        throw ApplicationFailure.create({
          type: INVALID_TRANSITION, message: `booking is ${outcome.currentStatus}`,
          details: [outcome.currentStatus], nonRetryable: true,
        });
      }
      if (outcome.outcome === 'refused') {
        throw ApplicationFailure.create({ type: TIME_REFUSED, message: outcome.message, details: [outcome.code], nonRetryable: true });
      }
      state.booking = outcome.booking;
      if (state.status === 'confirmed') state.reminders = planReminders(outcome.booking, Date.now());
      publish();
      announceUnlessHandedOver(outcome);
      return outcome.booking;
    });
  }

  // Handlers first, before any await: Update-with-Start delivers `reserve` with the first task.
  // Every validator checks its payload first (as the API's schemas would), so nothing malformed
  // (the UI's empty default included) is accepted into history or can fail a workflow task.
  setHandler(bookingStateQuery, () => state);
  let holdOutcome: HoldOutcome | null = null;
  setHandler(reserveUpdate, async () => {
    await condition(() => holdOutcome !== null);
    return holdOutcome!;
  });
  setHandler(submitDetailsUpdate, (details) => transition(
    ['held'], state.booking?.requiresApproval ? 'pending_approval' : 'confirmed', 'customer', null,
    {
      customer: details,
      approvalExpiresAt: state.booking?.requiresApproval
        ? new Date(Date.now() + state.booking.approvalTtlSeconds * 1000).toISOString()
        : undefined,
    },
  ), {
    validator: (details) => {
      checkPayload(customerDetailsCheck, details);
      refuseUnless(state, ['held'], 'submit details for');
    },
  });
  setHandler(confirmUpdate, (answer) => transition(['pending_approval'], 'confirmed', answer.actor, answer.reason ?? null), {
    validator: (answer) => {
      checkPayload(hostAnswerCheck, answer);
      refuseUnless(state, ['pending_approval'], 'confirm');
    },
  });
  setHandler(declineUpdate, (answer) => transition(['pending_approval'], 'declined', answer.actor, answer.reason ?? null), {
    validator: (answer) => {
      checkPayload(hostAnswerCheck, answer);
      refuseUnless(state, ['pending_approval'], 'decline');
    },
  });
  setHandler(checkInUpdate, (checkIn) => recordCheckIn(checkIn), {
    validator: (checkIn) => {
      checkPayload(checkInCheck, checkIn);
      refuseUnless(state, checkInWindowOpen() ? ['confirmed', ...CHECK_IN_AFTER_END] : ['confirmed'], 'check in');
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
  setHandler(rescheduleUpdate, (request) => reschedule(request), {
    validator: (request) => {
      checkPayload(rescheduleCheck, request);
      refuseUnless(state, RESCHEDULABLE, 'reschedule');
      if (state.booking?.sessionId) {
        throw ApplicationFailure.create({
          type: INVALID_DETAILS, nonRetryable: true, message: 'a session booking has its session\'s time: book another session instead',
        });
      }
    },
  });
  setHandler(cancelUpdate, (cancellation) => transition(CANCELLABLE, 'cancelled', cancellation.actor, cancellation.reason ?? null), {
    validator: (cancellation) => {
      checkPayload(cancellationCheck, cancellation);
      refuseUnless(state, CANCELLABLE, 'cancel');
    },
  });
  setHandler(reduceSpacesUpdate, (change) => transition(SEATED, state.status as BookingStatus, change.actor,
    `spaces reduced from ${state.booking!.spaces} to ${change.spaces}`, { spaces: change.spaces }), {
    validator: (change) => {
      checkPayload(spacesChangeCheck, change);
      refuseUnless(state, SEATED, 'change the spaces of');
      if (!state.booking?.sessionId || !(change.spaces >= 1 && change.spaces < state.booking.spaces)) {
        throw ApplicationFailure.create({
          type: INVALID_DETAILS, nonRetryable: true,
          message: `spaces must be at least 1 and fewer than the ${state.booking?.spaces} this session booking holds`,
        });
      }
    },
  });
  /** Until the end the booking stays confirmed; after it, presence makes it completed and absence no_show. */
  function recordCheckIn(checkIn: CheckIn): Promise<BookingSnapshot> {
    const reason = checkIn.present ? 'checked in' : `absent${checkIn.reason ? `: ${checkIn.reason}` : ''}`;
    const extra = { checkIn: { present: checkIn.present, reason: checkIn.reason ?? null } };
    if (state.status === 'confirmed') return transition(['confirmed'], 'confirmed', checkIn.actor, reason, extra);
    return transition(CHECK_IN_AFTER_END, checkIn.present ? 'completed' : 'no_show', checkIn.actor, reason, extra);
  }

  function checkInWindowOpen(): boolean {
    const closes = state.booking?.checkInClosesAt;
    return closes !== undefined && Date.now() < Date.parse(closes);
  }

  /** The host's seat moves in a session: suspend (seated → waiting list) and accept (waiting → seats). */
  function moveSeat(kind: 'suspend' | 'accept', answer: HostAnswer): Promise<BookingSnapshot> {
    return exclusively(async () => {
      refuseUnless(state, kind === 'suspend' ? SEATED : ['waitlisted'], kind);
      transitions += 1;
      const activity = kind === 'suspend' ? suspendSessionBooking : acceptWaitingBooking;
      const outcome = await activity.executeWithOptions({ ...WRITE_OPTIONS, summary: `record ${kind}` }, [{
        bookingId, organizationId, step: `${stepPrefix}${transitions}:${kind}`, actor: answer.actor, reason: answer.reason ?? null,
      }]);
      if (!outcome.ok) {
        if (outcome.refusal) {
          throw ApplicationFailure.create({ type: TIME_REFUSED, message: outcome.refusal.message, details: [outcome.refusal.code], nonRetryable: true });
        }
        throw ApplicationFailure.create({
          type: INVALID_TRANSITION, message: `booking is ${outcome.currentStatus}`, details: [outcome.currentStatus], nonRetryable: true,
        });
      }
      adopt(outcome.booking);
      announceUnlessHandedOver(outcome);
      announcements.push(...tellPromoted(outcome.promoted, organizationId, outcome.handedOver));
      return outcome.booking;
    });
  }
  for (const [update, kind, allowed] of [[suspendUpdate, 'suspend', SEATED], [acceptUpdate, 'accept', ['waitlisted']]] as const) {
    setHandler(update, (answer) => moveSeat(kind, answer), {
      validator: (answer) => {
        checkPayload(hostAnswerCheck, answer);
        refuseUnless(state, [...allowed], kind);
        if (!state.booking?.sessionId) {
          throw ApplicationFailure.create({ type: INVALID_DETAILS, nonRetryable: true, message: `only a session booking can be ${kind}ed` });
        }
      },
    });
  }

  // Signals have no validator: a malformed one is logged and ignored rather than failing a task.
  const wellFormed = (signal: string, check: () => void): boolean => {
    try {
      check();
      return true;
    } catch (error) {
      log.warn(`ignored a malformed ${signal} signal`, { bookingId, error: (error as Error).message });
      return false;
    }
  };
  // A signal can overtake the answer of the hold's own activity: act once the hold is known.
  const holdKnown = () => condition(() => state.status !== 'requested');
  setHandler(promotedSignal, async (promoted) => {
    if (!wellFormed('promoted', () => checkPayload(promotedCheck, promoted))) return;
    await holdKnown();
    if (promoted.id === bookingId && state.status === 'waitlisted' && promoted.status !== 'waitlisted') adopt(promoted);
  });
  setHandler(sessionCancelledSignal, async (cancellation) => {
    if (!wellFormed('sessionCancelled', () => checkPayload(cancellationCheck, cancellation))) return;
    await holdKnown();
    await transition(CANCELLABLE, 'cancelled', cancellation.actor, cancellation.reason ?? null).catch((error) => {
      // Already ended (or ending): nothing left to cancel.
      if (!(error instanceof ApplicationFailure && error.type === INVALID_TRANSITION)) throw error;
    });
  });

  try {
    await live();
  } catch (error) {
    if (!isCancellation(error)) throw error;
    await CancellationScope.nonCancellable(endAsCancelled);
    throw error;
  }
  return state;

  /** From the hold (or the adopted row) to the booking's ending. */
  async function live(): Promise<void> {
    setCurrentDetails(describeProgress(state));
    const hold = input.placed ?? (input.hold
      ? await placeHold.executeWithOptions({ ...HOLD_OPTIONS, summary: 'place hold' }, [input.hold]).catch((error) => {
        if (isCancellation(error)) throw error;
        return null;
      })
      : await adoptBooking());
    if (!hold || hold.outcome === 'rejected') {
      state.rejection = hold ?? { outcome: 'rejected', code: 'unavailable', message: 'the booking store did not answer in time' };
      state.status = 'rejected';
      holdOutcome = state.rejection;
      if (!hold) await abandonHold('expired', 'system', 'hold could not be confirmed');
      setCurrentDetails(describeProgress(state));
      upsertSearchAttributes([{ key: BookingStatusKey, value: 'rejected' }]);
      return;
    }
    state.booking = hold.booking;
    state.status = hold.booking.status;
    if (input.adopt && state.status === 'confirmed') state.reminders = planReminders(hold.booking, Date.now());
    holdOutcome = hold;
    // A hold the API placed came with its search attributes at start.
    if (input.placed) setCurrentDetails(describeProgress(state));
    else publish();
    if (hold.eventId) announcements.push(announce(hold.eventId, organizationId));

    while (!TERMINAL.includes(state.status)) {
      const observed = state.status;
      const observedStart = state.booking!.start;
      const due = nextDue(observed as BookingStatus, state.booking!, state.reminders);
      const remaining = Date.parse(due.at) - Date.now();
      const moved = remaining > 0
        ? await condition(() => state.status !== observed || state.booking!.start !== observedStart, remaining, { summary: due.summary })
        : false;
      if (moved) continue;
      // Looked at again now that it is due: a check-in since the timer was set decides the ending.
      const fired = nextDue(observed as BookingStatus, state.booking!, state.reminders);
      if (fired.reminder) {
        await remind(fired.reminder);
        continue;
      }
      await transition([observed as BookingStatus], fired.to, 'system', fired.reason).catch((error) => {
        // An Update won the race for this status; the loop looks again.
        if (!(error instanceof ApplicationFailure && error.type === INVALID_TRANSITION)) throw error;
      });
    }
    // Open for late check-ins until the window closes; histories from before the window end here.
    // (The patch stays: without the call, histories that have its marker fail to replay.)
    if (CHECK_IN_AFTER_END.includes(state.status as BookingStatus) && patched('check-in-window')) {
      const remaining = Date.parse(state.booking!.checkInClosesAt ?? state.booking!.end) - Date.now();
      if (remaining > 0) await condition(() => false, remaining, { summary: 'check-in window closes' });
    }
    await condition(allHandlersFinished);
    await Promise.all(announcements);
  }

  /** An adopted booking answers `reserve` as its hold did; an ended one has nothing to carry on. */
  async function adoptBooking(): Promise<HoldOutcome> {
    const booking = await resumeBooking.executeWithOptions({ ...WRITE_OPTIONS, summary: 'load booking' }, [{
      bookingId, step: `${stepPrefix}adopted`, actor: input.adopt!.actor, reason: input.adopt!.reason,
    }]);
    if (!booking) return { outcome: 'rejected', code: 'unavailable', message: `booking ${bookingId} does not exist` };
    return { outcome: booking.status === 'waitlisted' ? 'waitlisted' : 'held', booking, eventId: null };
  }

  /**
   * The hold may have committed before its answer was lost (or before a cancellation stopped it):
   * make sure no capacity stays taken, and that seats it frees reach the waiting list's workflows.
   */
  async function abandonHold(to: BookingStatus, actor: string, reason: string): Promise<void> {
    const abandoned = await recordTransition.executeWithOptions({ ...WRITE_OPTIONS, summary: 'release abandoned hold' }, [{
      bookingId, organizationId, step: 'abandon-hold', from: CANCELLABLE, to, actor, reason, releaseCapacity: true,
    }]);
    // None were promoted before sessions existed, so older histories replay unchanged.
    if (abandoned.ok) await Promise.all(tellPromoted(abandoned.promoted ?? [], organizationId, abandoned.handedOver));
  }

  /**
   * A cancellation requested through Temporal: the booking is cancelled by an operator like any
   * other cancellation (capacity freed, waiting list promoted, event and callbacks announced).
   */
  async function endAsCancelled(): Promise<void> {
    const { workflowId, runId } = workflowInfo();
    const reason = await cancellationReason({ workflowId, runId }).catch(() => 'cancellation requested in Temporal');
    if (state.status === 'requested') {
      holdOutcome = { outcome: 'rejected', code: 'unavailable', message: 'the reservation was cancelled by an operator' };
      await abandonHold('cancelled', 'operator', reason);
    } else if (CANCELLABLE.includes(state.status as BookingStatus)) {
      await transition(CANCELLABLE, 'cancelled', 'operator', reason).catch((error) => {
        if (!(error instanceof ApplicationFailure && error.type === INVALID_TRANSITION)) throw error;
      });
    }
    setCurrentDetails(describeProgress(state));
    await condition(allHandlersFinished);
    await Promise.all(announcements);
  }

  async function remind(reminder: PlannedReminder): Promise<void> {
    reminder.sent = true;
    // A reminder that cannot be delivered is logged in the outbox; it never fails the booking.
    const outcome = await sendReminder.executeWithOptions({ ...REMINDER_OPTIONS, summary: `send reminder ${reminder.offsetSeconds} s before` }, [
      { bookingId, organizationId, offsetSeconds: reminder.offsetSeconds, start: state.booking!.start },
    ]).catch((error) => {
      if (isCancellation(error)) throw error;
      return null;
    });
    // Histories from before `booking.reminder_sent` existed started no delivery workflow here.
    if (outcome?.eventId && !outcome.handedOver && patched('announce-reminder-sent')) announcements.push(announce(outcome.eventId, organizationId));
    setCurrentDetails(describeProgress(state));
  }
}

function publishSearchAttributes(state: BookingState): void {
  upsertSearchAttributes(searchAttributesOf(state.status, state.booking!));
}
