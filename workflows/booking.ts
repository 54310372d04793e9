import {
  ApplicationFailure, allHandlersFinished, condition, patched, proxyActivities, proxyLocalActivities, setHandler, upsertSearchAttributes,
} from '@temporalio/workflow';
import type { BookingActivities, BookingSnapshot, HoldOutcome, TransitionRequest } from '../activities';
import type { BookingStatus } from '../db/schema';
import { announce, tellPromoted } from './announcements';
import { HOLD_OPTIONS, WRITE_OPTIONS } from './local-activity-options';
import {
  bookingStateQuery, cancelUpdate, checkInUpdate, confirmUpdate, declineUpdate, INVALID_DETAILS, INVALID_TRANSITION,
  promotedSignal, reduceSpacesUpdate, rescheduleUpdate, reserveUpdate, sessionCancelledSignal, submitDetailsUpdate, TIME_REFUSED,
  type BookingState, type BookingWorkflowInput, type PlannedReminder, type Reschedule, type WorkflowBookingStatus,
} from './messages';
import { BookingStatusKey, searchAttributesOf } from './search-attributes';

const { placeHold } = proxyLocalActivities<BookingActivities>(HOLD_OPTIONS);
// A reschedule is idempotent by step like a transition, so it retries the same way.
const { recordTransition, rescheduleBooking } = proxyLocalActivities<BookingActivities>(WRITE_OPTIONS);

const { sendReminder } = proxyActivities<BookingActivities>({
  // A mail server may be slow or down for a while; a reminder later than this is no reminder.
  startToCloseTimeout: '30 seconds',
  scheduleToCloseTimeout: '1 hour',
  retry: { initialInterval: '1 second', maximumInterval: '5 minutes' },
});

const TERMINAL: WorkflowBookingStatus[] = ['completed', 'no_show', 'cancelled', 'expired', 'declined', 'rejected'];
const SEATED: BookingStatus[] = ['held', 'pending_approval', 'confirmed'];
const CANCELLABLE: BookingStatus[] = ['waitlisted', ...SEATED];
/** A waiting booking has no time of its own to move. */
const RESCHEDULABLE: BookingStatus[] = SEATED;
/** Endings that give the time back; a completed (or no-show) booking keeps its allocation as history. */
const FREES_CAPACITY: BookingStatus[] = ['cancelled', 'expired', 'declined'];

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
 * caller hears of it; deadlines are durable timers.
 */
export async function bookingWorkflow(input: BookingWorkflowInput): Promise<BookingState> {
  const state: BookingState = { status: 'requested', booking: null, rejection: null, reminders: [] };
  let transitions = 0;
  let transitioning = false;
  const announcements: Promise<unknown>[] = [];
  const organizationId = input.hold.organizationId;

  /** Follows the database: the booking's new state, as a transition or a promotion wrote it. */
  function adopt(booking: BookingSnapshot): void {
    const wasConfirmed = state.status === 'confirmed';
    state.booking = booking;
    state.status = booking.status;
    if (state.status === 'confirmed' && !wasConfirmed) state.reminders = planReminders(booking);
    publishSearchAttributes(state);
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
      const outcome = await recordTransition({
        bookingId: input.hold.bookingId, step: `${transitions}:${to}`, from: allowed, to, actor, reason,
        releaseCapacity: FREES_CAPACITY.includes(to), ...extra,
      });
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
      if (outcome.eventId) announcements.push(announce(outcome.eventId, organizationId));
      announcements.push(...tellPromoted(outcome.promoted ?? [], organizationId));
      return outcome.booking;
    });
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
      const outcome = await rescheduleBooking({
        bookingId: input.hold.bookingId, step: `${transitions}:reschedule`, from: RESCHEDULABLE,
        start: request.start, durationMinutes: request.durationMinutes, resourceIds: request.resourceIds, actor: request.actor,
      });
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
      if (state.status === 'confirmed') state.reminders = planReminders(outcome.booking);
      publishSearchAttributes(state);
      if (outcome.eventId) announcements.push(announce(outcome.eventId, organizationId));
      return outcome.booking;
    });
  }

  // Handlers first, before any await: Update-with-Start delivers `reserve` with the first task.
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
      refuseUnless(state, ['held'], 'submit details for');
      if (!details?.name?.trim() || !details?.email?.includes('@')) {
        throw ApplicationFailure.create({ type: INVALID_DETAILS, message: 'name and email are required', nonRetryable: true });
      }
    },
  });
  setHandler(confirmUpdate, (answer) => transition(['pending_approval'], 'confirmed', answer.actor, answer.reason ?? null), {
    validator: (_answer) => refuseUnless(state, ['pending_approval'], 'confirm'),
  });
  setHandler(declineUpdate, (answer) => transition(['pending_approval'], 'declined', answer.actor, answer.reason ?? null), {
    validator: (_answer) => refuseUnless(state, ['pending_approval'], 'decline'),
  });
  setHandler(checkInUpdate, (checkIn) => transition(['confirmed'], 'confirmed', checkIn.actor,
    checkIn.present ? 'checked in' : `absent${checkIn.reason ? `: ${checkIn.reason}` : ''}`,
    { checkIn: { present: checkIn.present, reason: checkIn.reason ?? null } }), {
    validator: (_checkIn) => refuseUnless(state, ['confirmed'], 'check in'),
  });
  setHandler(rescheduleUpdate, (request) => reschedule(request), {
    validator: (_request) => {
      refuseUnless(state, RESCHEDULABLE, 'reschedule');
      if (state.booking?.sessionId) {
        throw ApplicationFailure.create({
          type: INVALID_DETAILS, nonRetryable: true, message: 'a session booking has its session\'s time: book another session instead',
        });
      }
    },
  });
  setHandler(cancelUpdate, (cancellation) => transition(CANCELLABLE, 'cancelled', cancellation.actor, cancellation.reason ?? null), {
    validator: (_cancellation) => refuseUnless(state, CANCELLABLE, 'cancel'),
  });
  setHandler(reduceSpacesUpdate, (change) => transition(SEATED, state.status as BookingStatus, change.actor,
    `spaces reduced from ${state.booking!.spaces} to ${change.spaces}`, { spaces: change.spaces }), {
    validator: (change) => {
      refuseUnless(state, SEATED, 'change the spaces of');
      if (!state.booking?.sessionId || !(change.spaces >= 1 && change.spaces < state.booking.spaces)) {
        throw ApplicationFailure.create({
          type: INVALID_DETAILS, nonRetryable: true,
          message: `spaces must be at least 1 and fewer than the ${state.booking?.spaces} this session booking holds`,
        });
      }
    },
  });
  // A signal can overtake the answer of the hold's own activity: act once the hold is known.
  const holdKnown = () => condition(() => state.status !== 'requested');
  setHandler(promotedSignal, async (promoted) => {
    await holdKnown();
    if (promoted.id === input.hold.bookingId && state.status === 'waitlisted' && promoted.status !== 'waitlisted') adopt(promoted);
  });
  setHandler(sessionCancelledSignal, async (cancellation) => {
    await holdKnown();
    await transition(CANCELLABLE, 'cancelled', cancellation.actor, cancellation.reason ?? null).catch((error) => {
      // Already ended (or ending): nothing left to cancel.
      if (!(error instanceof ApplicationFailure && error.type === INVALID_TRANSITION)) throw error;
    });
  });

  const hold = input.placed ?? await placeHold(input.hold).catch(() => null);
  if (!hold || hold.outcome === 'rejected') {
    state.rejection = hold ?? { outcome: 'rejected', code: 'unavailable', message: 'the booking store did not answer in time' };
    state.status = 'rejected';
    holdOutcome = state.rejection;
    if (!hold) {
      // The hold may have committed before its answer was lost: make sure no capacity stays taken,
      // and that seats it frees reach the waiting list's workflows (none before sessions existed,
      // so older histories replay unchanged).
      const abandoned = await recordTransition({
        bookingId: input.hold.bookingId, step: 'abandon-hold', from: CANCELLABLE, to: 'expired',
        actor: 'system', reason: 'hold could not be confirmed', releaseCapacity: true,
      });
      if (abandoned.ok) await Promise.all(tellPromoted(abandoned.promoted ?? [], organizationId));
    }
    upsertSearchAttributes([{ key: BookingStatusKey, value: 'rejected' }]);
    return state;
  }
  state.booking = hold.booking;
  state.status = hold.booking.status;
  holdOutcome = hold;
  // A hold the API placed came with its search attributes at start.
  if (!input.placed) publishSearchAttributes(state);
  if (hold.eventId) announcements.push(announce(hold.eventId, organizationId));

  while (!TERMINAL.includes(state.status)) {
    const observed = state.status;
    const observedStart = state.booking!.start;
    const due = nextDue(state);
    const remaining = Date.parse(due.at) - Date.now();
    const moved = remaining > 0
      ? await condition(() => state.status !== observed || state.booking!.start !== observedStart, remaining)
      : false;
    if (moved) continue;
    // Looked at again now that it is due: a check-in since the timer was set decides the ending.
    const fired = nextDue(state);
    if (fired.reminder) {
      await remind(fired.reminder);
      continue;
    }
    await transition([observed as BookingStatus], fired.to, 'system', fired.reason).catch((error) => {
      // An Update won the race for this status; the loop looks again.
      if (!(error instanceof ApplicationFailure && error.type === INVALID_TRANSITION)) throw error;
    });
  }
  await condition(allHandlersFinished);
  await Promise.all(announcements);
  return state;

  async function remind(reminder: PlannedReminder): Promise<void> {
    reminder.sent = true;
    // A reminder that cannot be delivered is logged in the outbox; it never fails the booking.
    const outcome = await sendReminder({ bookingId: input.hold.bookingId, offsetSeconds: reminder.offsetSeconds, start: state.booking!.start })
      .catch(() => null);
    // Histories from before `booking.reminder_sent` existed started no delivery workflow here.
    if (outcome?.eventId && patched('announce-reminder-sent')) announcements.push(announce(outcome.eventId, organizationId));
  }
}

/** Reminders whose time has already passed when the booking is confirmed are not sent. */
function planReminders(booking: BookingSnapshot): PlannedReminder[] {
  const start = Date.parse(booking.start);
  return booking.reminderOffsetsSeconds
    .map((offsetSeconds) => ({ at: new Date(start - offsetSeconds * 1000).toISOString(), offsetSeconds, sent: false }))
    .filter((reminder) => Date.parse(reminder.at) > Date.now())
    .sort((a, b) => Date.parse(a.at) - Date.parse(b.at));
}

type Due =
  | { at: string; reminder: PlannedReminder; to?: never; reason?: never }
  | { at: string; reminder?: never; to: BookingStatus; reason: string };

/** What happens next if nobody acts: the state diagram's timed edges. */
function nextDue(state: BookingState): Due {
  const booking = state.booking!;
  switch (state.status) {
    case 'waitlisted':
      return { at: booking.waitlistExpiresAt!, to: 'expired', reason: 'no seat freed up before the booking window closed' };
    case 'held':
      return { at: booking.holdExpiresAt!, to: 'expired', reason: 'hold expired before details were submitted' };
    case 'pending_approval':
      return { at: booking.approvalExpiresAt!, to: 'expired', reason: 'host did not answer before the approval deadline' };
    default: {
      const reminder = state.reminders.find((planned) => !planned.sent);
      if (reminder) return { at: reminder.at, reminder };
      return booking.checkedIn === false
        ? { at: booking.end, to: 'no_show', reason: 'customer was absent' }
        : { at: booking.end, to: 'completed', reason: 'booking ended' };
    }
  }
}

function publishSearchAttributes(state: BookingState): void {
  upsertSearchAttributes(searchAttributesOf(state.status, state.booking!));
}
