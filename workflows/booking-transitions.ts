import {
  CANCELLABLE_STATUSES, RESCHEDULABLE_STATUSES, SEATED_STATUSES, TERMINAL_STATUSES, type BookingStatus,
} from '../domain/booking-status';
import type { WorkflowBookingStatus } from './messages';

/**
 * The booking's state diagram as data: for each message (an Update, a signal, a deadline), the
 * statuses it is accepted in, the status it leads to and the condition that picks that edge. The
 * Update validators and handlers ask this table which statuses a message is accepted in, the
 * handlers take their edge's `to` and `from` (the activity writes the change only if the row is
 * still in one of them), the deadlines (booking-timeline.ts) take their `to` from it, and the
 * README's diagram is generated from it.
 */

/** What moves a booking: its Updates and signals by name, and the workflow's own events. */
export type BookingMessage =
  | 'reserve' | 'submitDetails' | 'confirm' | 'decline' | 'cancel' | 'checkIn' | 'reduceSpaces' | 'reschedule'
  | 'suspend' | 'accept' | 'promoted' | 'sessionCancelled' | 'deadline' | 'cancelledInTemporal';

/**
 * The conditions that choose between edges of one message, as the diagram says them. A caller of
 * `acceptedIn` states the ones it knows; one it does not state does not rule an edge out. Some are
 * decided elsewhere: the session guards by the validators' own checks (a refusal of the details,
 * not of the status), the promotion mode by the activity that writes the promotion.
 */
export const GUARDS = {
  requiresApproval: 'the service requires approval',
  noApproval: 'no approval needed',
  checkInWindowOpen: 'check-in window open',
  present: 'present',
  absent: 'absent',
  recordedAbsent: 'recorded absent',
  notRecordedAbsent: 'not recorded absent',
  offer: 'promotion offer',
  autoConfirm: 'promotion auto_confirm',
  sessionBooking: 'session booking',
  notSessionBooking: 'not a session booking',
} as const;
export type Guard = keyof typeof GUARDS;
export type Facts = Partial<Record<Guard, boolean>>;

/** The status before a reserve has an answer: the workflow's own, never a row's. */
type Source = BookingStatus | 'requested';
/** `unchanged`: the message changes the booking but not its status. */
type Target = WorkflowBookingStatus | 'unchanged';

export interface Transition {
  readonly on: BookingMessage;
  readonly from: readonly Source[];
  readonly to: Target;
  readonly when?: readonly Guard[];
  /** What the diagram says on the edge, when the message's name alone would not. */
  readonly label?: string;
  /** The refusal's verb: `cannot <verb> a booking that is …`. */
  readonly verb?: string;
}

/** After the end, presence or absence may still be recorded within the service's check-in window. */
const CHECK_IN_AFTER_END = ['completed', 'no_show'] as const satisfies readonly BookingStatus[];

export const BOOKING_TRANSITIONS = {
  reserved: { on: 'reserve', from: ['requested'], to: 'held', label: 'reserve (hold placed in Postgres)' },
  waitlisted: { on: 'reserve', from: ['requested'], to: 'waitlisted', label: 'reserve, session full, waiting list open' },
  refused: { on: 'reserve', from: ['requested'], to: 'rejected', label: 'reserve refused or unanswered (no booking kept)' },
  cancelledWhileRequested: { on: 'cancelledInTemporal', from: ['requested'], to: 'cancelled', label: 'cancelled in Temporal (hold released)' },

  submitDetailsForApproval: { on: 'submitDetails', from: ['held'], to: 'pending_approval', when: ['requiresApproval'], verb: 'submit details for' },
  submitDetails: { on: 'submitDetails', from: ['held'], to: 'confirmed', when: ['noApproval'], verb: 'submit details for' },
  confirm: { on: 'confirm', from: ['pending_approval'], to: 'confirmed', verb: 'confirm' },
  decline: { on: 'decline', from: ['pending_approval'], to: 'declined', verb: 'decline' },

  promotedToHold: { on: 'promoted', from: ['waitlisted'], to: 'held', when: ['offer'], label: 'seats free' },
  promotedToConfirmed: { on: 'promoted', from: ['waitlisted'], to: 'confirmed', when: ['autoConfirm'], label: 'seats free' },
  acceptedToHold: { on: 'accept', from: ['waitlisted'], to: 'held', when: ['sessionBooking', 'offer'], verb: 'accept' },
  acceptedToConfirmed: { on: 'accept', from: ['waitlisted'], to: 'confirmed', when: ['sessionBooking', 'autoConfirm'], verb: 'accept' },
  suspend: { on: 'suspend', from: SEATED_STATUSES, to: 'waitlisted', when: ['sessionBooking'], verb: 'suspend' },
  reduceSpaces: { on: 'reduceSpaces', from: SEATED_STATUSES, to: 'unchanged', when: ['sessionBooking'], verb: 'change the spaces of' },
  reschedule: { on: 'reschedule', from: RESCHEDULABLE_STATUSES, to: 'unchanged', when: ['notSessionBooking'], verb: 'reschedule' },

  checkIn: { on: 'checkIn', from: ['confirmed'], to: 'unchanged', label: 'checkIn (from the start)', verb: 'check in' },
  checkInPresentAfterEnd: { on: 'checkIn', from: CHECK_IN_AFTER_END, to: 'completed', when: ['checkInWindowOpen', 'present'], verb: 'check in' },
  checkInAbsentAfterEnd: { on: 'checkIn', from: CHECK_IN_AFTER_END, to: 'no_show', when: ['checkInWindowOpen', 'absent'], verb: 'check in' },

  cancel: { on: 'cancel', from: CANCELLABLE_STATUSES, to: 'cancelled', verb: 'cancel' },
  sessionCancelled: { on: 'sessionCancelled', from: CANCELLABLE_STATUSES, to: 'cancelled' },
  cancelledInTemporal: { on: 'cancelledInTemporal', from: CANCELLABLE_STATUSES, to: 'cancelled', label: 'cancelled in Temporal' },

  waitingListCloses: { on: 'deadline', from: ['waitlisted'], to: 'expired', label: 'booking window closes' },
  holdExpires: { on: 'deadline', from: ['held'], to: 'expired', label: 'hold TTL elapses' },
  approvalDeadline: { on: 'deadline', from: ['pending_approval'], to: 'expired', label: 'approval deadline passes' },
  ends: { on: 'deadline', from: ['confirmed'], to: 'completed', when: ['notRecordedAbsent'], label: 'end passes' },
  endsAbsent: { on: 'deadline', from: ['confirmed'], to: 'no_show', when: ['recordedAbsent'], label: 'end passes' },
} as const satisfies Record<string, Transition>;

export type TransitionName = keyof typeof BOOKING_TRANSITIONS;
export const TRANSITIONS: readonly Transition[] = Object.values(BOOKING_TRANSITIONS);

function holds(transition: Transition, facts: Facts): boolean {
  return (transition.when ?? []).every((guard) => facts[guard] !== false);
}

/**
 * The statuses a message is accepted in, given what the caller knows (in the table's order, so
 * an activity's `from` is the same list every time).
 */
export function acceptedIn(message: BookingMessage, facts: Facts = {}): BookingStatus[] {
  const statuses: BookingStatus[] = [];
  for (const transition of TRANSITIONS) {
    if (transition.on !== message || !holds(transition, facts)) continue;
    for (const status of transition.from) if (status !== 'requested' && !statuses.includes(status)) statuses.push(status);
  }
  return statuses;
}

/** The transition a message takes from a status under the given facts, if it is accepted there. */
export function transitionOf(message: BookingMessage, status: WorkflowBookingStatus, facts: Facts = {}): Transition | undefined {
  return TRANSITIONS.find((transition) => transition.on === message
    && (transition.from as readonly string[]).includes(status) && holds(transition, facts));
}

/** The refusal's verb for a message: `cannot <verb> a booking that is …`. */
export function verbOf(message: BookingMessage): string {
  return TRANSITIONS.find((transition) => transition.on === message && transition.verb)?.verb ?? message;
}

/**
 * The table as a Mermaid state diagram (the README shows it). Edges with the same ends are drawn
 * once, their labels joined.
 */
export function bookingStateDiagram(): string {
  const edges = new Map<string, string[]>();
  for (const transition of TRANSITIONS) {
    const guard = transition.when?.length ? ` [${transition.when.map((name) => GUARDS[name]).join(', ')}]` : '';
    const label = `${transition.label ?? transition.on}${guard}`;
    for (const from of transition.from) {
      const to = transition.to === 'unchanged' ? from : transition.to;
      const key = `${from} --> ${to}`;
      const labels = edges.get(key) ?? [];
      if (!labels.includes(label)) labels.push(label);
      edges.set(key, labels);
    }
  }
  const ends = [...TERMINAL_STATUSES, 'rejected'].map((status) => `    ${status} --> [*]`);
  return [
    'stateDiagram-v2',
    '    [*] --> requested',
    ...[...edges].map(([key, labels]) => `    ${key}: ${labels.join(' · ')}`),
    ...ends,
  ].join('\n');
}
