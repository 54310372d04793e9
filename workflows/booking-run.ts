import {
  ApplicationFailure, condition, isCancellation, patched, proxyActivities, proxyLocalActivities, setCurrentDetails,
  upsertSearchAttributes, workflowInfo, type ActivityOptions,
} from '@temporalio/workflow';
import type { BookingActivities, BookingSnapshot, HoldOutcome, TransitionRequest } from '../activities';
import { CANCELLABLE_STATUSES, FREES_CAPACITY_STATUSES, isIn, type BookingStatus } from '../domain/booking-status';
import { announce, tellPromoted } from './announcements';
import { BOOKING_TRANSITIONS as EDGE } from './booking-transitions';
import { describeProgress, planReminders, withKnownNames } from './booking-timeline';
import { HOLD_OPTIONS, WRITE_OPTIONS } from './local-activity-options';
import {
  INVALID_TRANSITION, TIME_REFUSED, type BookingState, type BookingWorkflowInput, type HostAnswer, type PlannedReminder,
  type Reschedule, type WorkflowBookingStatus,
} from './messages';
import { CustomerEmailKey, searchAttributesOf } from './search-attributes';

export const { placeHold } = proxyLocalActivities<BookingActivities>(HOLD_OPTIONS);
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

/** An Update is refused when the booking's status is not one the transition table accepts it in. */
export function refuseUnless(state: BookingState, allowed: readonly WorkflowBookingStatus[], action: string): void {
  if (!allowed.includes(state.status)) {
    throw ApplicationFailure.create({
      type: INVALID_TRANSITION,
      message: `cannot ${action} a booking that is ${state.status}`,
      details: [state.status],
      nonRetryable: true,
    });
  }
}

/** Swallows the refusal of a change that lost its race (the booking moved on first). */
export function unlessMovedOn(error: unknown): void {
  if (!(error instanceof ApplicationFailure && error.type === INVALID_TRANSITION)) throw error;
}

/**
 * What one run of a booking's workflow knows, and the changes it writes: every change goes to
 * Postgres through an activity, one at a time, and the state follows what the database answered.
 */
export class BookingRun {
  readonly state: BookingState = { status: 'requested', booking: null, rejection: null, reminders: [] };
  readonly bookingId: string;
  readonly organizationId: string;
  /** The answer to `reserve`, once the hold is placed (or refused). */
  holdOutcome: HoldOutcome | null = null;
  /** Deliveries started from this run; the run ends after they have started. */
  readonly announcements: Promise<unknown>[] = [];
  // An adopting run's steps must not meet the steps of the runs before it (each is written once).
  private readonly stepPrefix: string;
  private transitions = 0;
  private transitioning = false;

  constructor(readonly input: BookingWorkflowInput) {
    // The SDK hands the first task's Updates and signals to their handlers as they are registered,
    // before the body runs: a placed hold is the state they are judged against (the API answers
    // before any worker ran the workflow, so the customer's details may come in that same task).
    if (input.placed) {
      this.state.booking = input.placed.booking;
      this.state.status = input.placed.booking.status;
    }
    this.bookingId = input.hold?.bookingId ?? input.adopt!.bookingId;
    this.organizationId = input.hold?.organizationId ?? input.adopt!.organizationId;
    this.stepPrefix = input.adopt ? `${workflowInfo().runId}/` : '';
  }

  get status(): WorkflowBookingStatus {
    return this.state.status;
  }

  publish(): void {
    setCurrentDetails(describeProgress(this.state));
    if (this.state.booking) upsertSearchAttributes(searchAttributesOf(this.state.status, this.state.booking));
  }

  /**
   * A host's calendar now has an event over this booking: the operator sees it in the run's
   * current details (metadata, not a command, so histories without it replay the same).
   */
  noteCalendarConflict(): void {
    this.state.calendarConflicts = {
      count: (this.state.calendarConflicts?.count ?? 0) + 1, lastReportedAt: new Date().toISOString(),
    };
    setCurrentDetails(describeProgress(this.state));
  }

  /**
   * The booking was anonymized: its customer's address leaves the run's state and its visibility
   * record (a null value removes a search attribute), and no later upsert brings it back.
   */
  forgetCustomer(): void {
    if (this.state.booking) this.state.booking = { ...this.state.booking, customerEmail: null };
    upsertSearchAttributes([{ key: CustomerEmailKey, value: null }]);
  }

  /** Follows the database: the booking's new state, as a transition or a promotion wrote it. */
  adopt(booking: BookingSnapshot): void {
    const wasConfirmed = this.state.status === 'confirmed';
    this.state.booking = withKnownNames(booking, this.state.booking);
    this.state.status = booking.status;
    if (this.state.status === 'confirmed' && !wasConfirmed) this.state.reminders = planReminders(booking, Date.now());
    this.publish();
  }

  /** The check-in window after the end is still open. */
  checkInWindowOpen(): boolean {
    const closes = this.state.booking?.checkInClosesAt;
    return closes !== undefined && Date.now() < Date.parse(closes);
  }

  // One change at a time: a deadline firing while an Update is being written waits its turn.
  private async exclusively<T>(change: () => Promise<T>): Promise<T> {
    await condition(() => !this.transitioning);
    this.transitioning = true;
    try {
      return await change();
    } finally {
      this.transitioning = false;
    }
  }

  private nextStep(name: string): string {
    this.transitions += 1;
    return `${this.stepPrefix}${this.transitions}:${name}`;
  }

  /** Writes a change of status (or of the booking in its status) if the row is still in one of `allowed`. */
  transition(
    allowed: readonly BookingStatus[], to: BookingStatus, actor: string, reason: string | null,
    extra: Partial<TransitionRequest> = {},
  ): Promise<BookingSnapshot> {
    return this.exclusively(async () => {
      refuseUnless(this.state, allowed, `move to ${to}`);
      const outcome = await recordTransition.executeWithOptions({ ...WRITE_OPTIONS, summary: `record ${to}` }, [{
        bookingId: this.bookingId, organizationId: this.organizationId, step: this.nextStep(to), from: [...allowed], to, actor, reason,
        releaseCapacity: isIn(FREES_CAPACITY_STATUSES, to), ...extra,
      }]);
      if (!outcome.ok) {
        if (outcome.refusal) {
          throw ApplicationFailure.create({ type: TIME_REFUSED, message: outcome.refusal.message, details: [outcome.refusal.code], nonRetryable: true });
        }
        // The database is the source of truth; follow it if it moved without us (a promotion).
        if (outcome.booking && outcome.booking.status !== this.state.status) this.adopt(outcome.booking);
        throw ApplicationFailure.create({
          type: INVALID_TRANSITION, message: `booking is ${outcome.currentStatus}`,
          details: [outcome.currentStatus], nonRetryable: true,
        });
      }
      this.adopt(outcome.booking);
      this.announceUnlessHandedOver(outcome);
      this.announcements.push(...tellPromoted(outcome.promoted ?? [], this.organizationId, outcome.handedOver));
      return outcome.booking;
    });
  }

  /**
   * Moves the booking to another time (one transaction: new allocations in, old ones out). The
   * status stays; the main loop sees the new start and re-plans its timers, and a confirmed
   * booking's reminders are planned afresh for the new start (those already due are not sent).
   */
  reschedule(request: Reschedule): Promise<BookingSnapshot> {
    const allowed = EDGE.reschedule.from;
    return this.exclusively(async () => {
      refuseUnless(this.state, allowed, 'reschedule');
      const outcome = await rescheduleBooking.executeWithOptions({ ...WRITE_OPTIONS, summary: 'record reschedule' }, [{
        bookingId: this.bookingId, organizationId: this.organizationId, step: this.nextStep('reschedule'), from: [...allowed],
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
      this.state.booking = withKnownNames(outcome.booking, this.state.booking);
      if (this.state.status === 'confirmed') this.state.reminders = planReminders(outcome.booking, Date.now());
      this.publish();
      this.announceUnlessHandedOver(outcome);
      return outcome.booking;
    });
  }

  /** The host's seat moves in a session: suspend (seated → waiting list) and accept (waiting → seats). */
  moveSeat(kind: 'suspend' | 'accept', allowed: readonly BookingStatus[], answer: HostAnswer): Promise<BookingSnapshot> {
    return this.exclusively(async () => {
      refuseUnless(this.state, allowed, kind);
      const activity = kind === 'suspend' ? suspendSessionBooking : acceptWaitingBooking;
      const outcome = await activity.executeWithOptions({ ...WRITE_OPTIONS, summary: `record ${kind}` }, [{
        bookingId: this.bookingId, organizationId: this.organizationId, step: this.nextStep(kind), actor: answer.actor, reason: answer.reason ?? null,
      }]);
      if (!outcome.ok) {
        if (outcome.refusal) {
          throw ApplicationFailure.create({ type: TIME_REFUSED, message: outcome.refusal.message, details: [outcome.refusal.code], nonRetryable: true });
        }
        throw ApplicationFailure.create({
          type: INVALID_TRANSITION, message: `booking is ${outcome.currentStatus}`, details: [outcome.currentStatus], nonRetryable: true,
        });
      }
      this.adopt(outcome.booking);
      this.announceUnlessHandedOver(outcome);
      this.announcements.push(...tellPromoted(outcome.promoted, this.organizationId, outcome.handedOver));
      return outcome.booking;
    });
  }

  /**
   * The activity that wrote an event normally starts its delivery workflow itself, outside this
   * history; results recorded before it did (or by a worker without a Temporal client) are
   * announced from here as a child.
   */
  announceUnlessHandedOver(outcome: { eventId?: string | null; handedOver?: true }): void {
    if (outcome.eventId && !outcome.handedOver) this.announcements.push(announce(outcome.eventId, this.organizationId));
  }

  /** An adopted booking answers `reserve` as its hold did; an ended one has nothing to carry on. */
  async adoptBooking(): Promise<HoldOutcome> {
    const adopt = this.input.adopt!;
    const booking = await resumeBooking.executeWithOptions({ ...WRITE_OPTIONS, summary: 'load booking' }, [{
      bookingId: this.bookingId, step: `${this.stepPrefix}adopted`, actor: adopt.actor, reason: adopt.reason,
    }]);
    if (!booking) return { outcome: 'rejected', code: 'unavailable', message: `booking ${this.bookingId} does not exist` };
    return { outcome: booking.status === 'waitlisted' ? 'waitlisted' : 'held', booking, eventId: null };
  }

  /**
   * The hold may have committed before its answer was lost (or before a cancellation stopped it):
   * make sure no capacity stays taken (whatever live status the row reached), and that seats it
   * frees reach the waiting list's workflows.
   */
  async abandonHold(to: BookingStatus, actor: string, reason: string): Promise<void> {
    const abandoned = await recordTransition.executeWithOptions({ ...WRITE_OPTIONS, summary: 'release abandoned hold' }, [{
      bookingId: this.bookingId, organizationId: this.organizationId, step: 'abandon-hold', from: [...CANCELLABLE_STATUSES], to,
      actor, reason, releaseCapacity: true,
    }]);
    // None were promoted before sessions existed, so older histories replay unchanged.
    if (abandoned.ok) await Promise.all(tellPromoted(abandoned.promoted ?? [], this.organizationId, abandoned.handedOver));
  }

  /** The reason an operator gave for cancelling the workflow in Temporal, if it can be read soon. */
  cancellationReason(): Promise<string> {
    const { workflowId, runId } = workflowInfo();
    return cancellationReason({ workflowId, runId }).catch(() => 'cancellation requested in Temporal');
  }

  async remind(reminder: PlannedReminder): Promise<void> {
    reminder.sent = true;
    // A reminder that cannot be delivered is logged in the outbox; it never fails the booking.
    const outcome = await sendReminder.executeWithOptions({ ...REMINDER_OPTIONS, summary: `send reminder ${reminder.offsetSeconds} s before` }, [
      { bookingId: this.bookingId, organizationId: this.organizationId, offsetSeconds: reminder.offsetSeconds, start: this.state.booking!.start },
    ]).catch((error) => {
      if (isCancellation(error)) throw error;
      return null;
    });
    // Histories from before `booking.reminder_sent` existed started no delivery workflow here (see docs/operations.md).
    if (outcome?.eventId && !outcome.handedOver && patched('announce-reminder-sent')) {
      this.announcements.push(announce(outcome.eventId, this.organizationId));
    }
    setCurrentDetails(describeProgress(this.state));
  }
}
