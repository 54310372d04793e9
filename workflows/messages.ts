import { defineQuery, defineSignal, defineUpdate } from '@temporalio/workflow';
import type { BookingSnapshot, CustomerDetails, DeliveryPlan, HoldOutcome, HoldRequest } from '../domain/booking-types';
import type { BookingStatus } from '../domain/booking-status';

// The Update payloads' types come from their one definition, the schemas in domain/booking-payloads.ts.
import type { Cancellation, CheckIn, HostAnswer, Reschedule, SpacesChange } from '../domain/booking-payloads';

export type WorkflowBookingStatus = BookingStatus | 'requested' | 'rejected';

/**
 * A booking's workflow either places its hold, or adopts a booking row that already exists (its
 * workflow was lost, terminated or never started) and carries it on from the database's state.
 */
export type BookingWorkflowInput =
  | { hold: HoldRequest; placed?: PlacedHold; adopt?: never }
  | { adopt: AdoptRequest; hold?: never; placed?: never };

/**
 * The hold the API has already placed (and committed) for this request: the workflow adopts it
 * as it is, without reading it again, and answers `reserve` in its first task. Without it, the
 * workflow places the hold itself (or finds the row already there, e.g. a waiting-list place,
 * and follows it).
 */
export interface PlacedHold { outcome: 'held'; booking: BookingSnapshot; eventId: string | null; delivery?: DeliveryPlan }

export interface AdoptRequest {
  bookingId: string;
  organizationId: string;
  /** Who gave the booking a new workflow, for its audit log (e.g. `reconciler`). */
  actor: string;
  reason: string;
}

export interface PlannedReminder {
  at: string;
  offsetSeconds: number;
  sent: boolean;
}

export interface BookingState {
  status: WorkflowBookingStatus;
  booking: BookingSnapshot | null;
  rejection: Extract<HoldOutcome, { outcome: 'rejected' }> | null;
  /** Reminders still to come for the current start; planned at confirmation. */
  reminders: PlannedReminder[];
  /** Events in a host's own calendar found over this booking (the booking stands; the host decides). */
  calendarConflicts?: { count: number; lastReportedAt: string };
}

export type { Cancellation, CheckIn, HostAnswer, Reschedule, SpacesChange };

/** ApplicationFailure type of an Update refused because the booking is not in a fitting status. */
export const INVALID_TRANSITION = 'InvalidTransition';
export const INVALID_DETAILS = 'InvalidDetails';
/**
 * ApplicationFailure type of an Update the booking's rules refuse: a reschedule's time that is
 * not available, details naming a customer who already holds an overlapping booking (exclusive
 * customers). details[0] is the refusal code.
 */
export const TIME_REFUSED = 'TimeRefused';

// Names are part of the deployed contract: never rename them.
export const reserveUpdate = defineUpdate<HoldOutcome>('reserve');
export const submitDetailsUpdate = defineUpdate<BookingSnapshot, [CustomerDetails]>('submitDetails');
export const confirmUpdate = defineUpdate<BookingSnapshot, [HostAnswer]>('confirm');
export const declineUpdate = defineUpdate<BookingSnapshot, [HostAnswer]>('decline');
export const cancelUpdate = defineUpdate<BookingSnapshot, [Cancellation]>('cancel');
export const checkInUpdate = defineUpdate<BookingSnapshot, [CheckIn]>('checkIn');
export const reduceSpacesUpdate = defineUpdate<BookingSnapshot, [SpacesChange]>('reduceSpaces');
export const rescheduleUpdate = defineUpdate<BookingSnapshot, [Reschedule]>('reschedule');
/** The host moves a seated session booking back to the waiting list, or a waiting one onto seats ahead of its turn. */
export const suspendUpdate = defineUpdate<BookingSnapshot, [HostAnswer]>('suspend');
export const acceptUpdate = defineUpdate<BookingSnapshot, [HostAnswer]>('accept');
/**
 * The booking was anonymized: the run stops naming the customer in its search attributes (the
 * `CustomerEmail` visibility record), before anonymize terminates it. Takes no arguments.
 */
export const personalDataErasedUpdate = defineUpdate<void>('personalDataErased');
export const bookingStateQuery = defineQuery<BookingState>('bookingState');
/** A waiting booking was promoted in the database (by whoever freed the seats); here is its new state. */
export const promotedSignal = defineSignal<[BookingSnapshot]>('promoted');
/** Its session was cancelled: end the booking, whatever state it is in, with the session's reason. */
export const sessionCancelledSignal = defineSignal<[Cancellation]>('sessionCancelled');
/**
 * An event in a host's own calendar now overlaps the booking (recorded as booking.calendar_conflict
 * by the calendar's sync): the run shows it in its current details. Takes no arguments, so no
 * message can be malformed; whatever one carries is ignored.
 */
export const calendarConflictSignal = defineSignal('calendarConflict');

// The workflows' ids and inputs, here with their messages so that the code starting them
// (activities, use cases, the worker's Schedules) imports definitions, never workflow code.

/** One delivery workflow per event, so starting it twice for the same event is refused by Temporal. */
export function webhookDeliveryWorkflowId(eventId: string): string {
  return `webhook-${eventId}`;
}

export interface DeliverBookingEventInput {
  /** The webhook_events row, written in the transition's transaction (`${bookingId}:${step}`). */
  eventId: string;
  organizationId: string;
  /**
   * What to send, decided when the event was written: the workflow schedules exactly these. Absent
   * in inputs from before plans (and for events written before them): the workflow then reads the
   * event's subscriptions itself and tries mails and calendars for every event.
   */
  plan?: DeliveryPlan;
  /**
   * First retry delay; each next one doubles, up to an hour, for 24 hours. Tests shorten it; the
   * schedule is still Temporal's retry policy.
   */
  retryInitialInterval?: import('@temporalio/common').Duration;
}

/**
 * Orphans one reconciler run hands back at most (its default, and the cap on any limit asked): an
 * orphan (its snapshot and label) is about a kilobyte, and a run's answer, then the adoption's
 * input, must stay far below the 2 MB Temporal refuses. The next run takes the rest.
 */
export const ORPHANS_PER_RUN = 200;

export function reconcilerWorkflowId(taskQueue: string): string {
  return `reconciler-${taskQueue}`;
}

export function retentionWorkflowId(taskQueue: string): string {
  return `personal-data-retention-${taskQueue}`;
}

export function bookingWorkflowId(bookingId: string): string {
  return `booking-${bookingId}`;
}

/** One cancellation workflow per session: a second cancel while the first runs joins it. */
export function sessionCancellationWorkflowId(sessionId: string): string {
  return `session-${sessionId}-cancel`;
}

/** One sync workflow per calendar connection. */
export function calendarSyncWorkflowId(connectionId: string): string {
  return `calendar-sync-${connectionId}`;
}

export interface CalendarSyncInput {
  connectionId: string;
  /** Failed syncs in a row so far, carried across continueAsNew for the backoff. */
  failures?: number;
}

/** What one sync did, as the API shows it (no secrets: errors are written by this service). */
export interface CalendarSyncOutcome {
  /** The connection is gone: the workflow ends. */
  gone: boolean;
  state: 'pending' | 'ok' | 'failing' | 'auth_failed';
  lastSyncedAt: string | null;
  lastError: string | null;
  pollIntervalSeconds: number;
  /** For the Temporal UI's current details. */
  label: string;
  /** Busy intervals the calendars hold in the window now. */
  busyIntervals: number;
  /** Bookings an external event newly overlaps (each reported once as booking.calendar_conflict). */
  conflicts: number;
}

/** Sync at once (the manual POST .../sync); answers when that sync is done. */
export const calendarSyncNowUpdate = defineUpdate<CalendarSyncOutcome>('syncNow');
/** The connection changed (PATCH) or was deleted: look again now, and end if it is gone. */
export const calendarConnectionChangedSignal = defineSignal('connectionChanged');
