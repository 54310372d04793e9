/**
 * The one home of a booking's statuses and of the sets the rules speak of. The database type,
 * the CHECK constraint, the API's enum, the workflow's transition table and the pages derive from
 * here; nothing else spells a status list.
 */
export const BOOKING_STATUSES = [
  'waitlisted',
  'held',
  'pending_approval',
  'confirmed',
  'completed',
  'no_show',
  'cancelled',
  'expired',
  'declined',
] as const;

export type BookingStatus = (typeof BOOKING_STATUSES)[number];

/** Holding capacity now: seats of a session or time of a resource. */
export const SEATED_STATUSES = ['held', 'pending_approval', 'confirmed'] as const satisfies readonly BookingStatus[];

/** A booking with a future: it has a running workflow, or the reconciler gives it one or ends it. */
export const LIVE_STATUSES = ['waitlisted', ...SEATED_STATUSES] as const satisfies readonly BookingStatus[];

/** Ended for good: no workflow runs for it and no message changes it. */
export const TERMINAL_STATUSES = ['completed', 'no_show', 'cancelled', 'expired', 'declined'] as const satisfies readonly BookingStatus[];

/** Endings that give the time back; a completed or no-show booking keeps its allocation as history. */
export const FREES_CAPACITY_STATUSES = ['cancelled', 'expired', 'declined'] as const satisfies readonly BookingStatus[];

/** The time was promised to the customer: confirmed, or an ending that kept the promise (attended or not). */
export const PROMISED_STATUSES = ['confirmed', 'completed', 'no_show'] as const satisfies readonly BookingStatus[];

/** It takes place, or took place: what a host's calendar feed shows. */
export const TAKES_PLACE_STATUSES = ['confirmed', 'completed'] as const satisfies readonly BookingStatus[];

/** A customer or an operator may cancel it. */
export const CANCELLABLE_STATUSES = LIVE_STATUSES;

/** It can move to another time (a waiting-list place has no time of its own to move). */
export const RESCHEDULABLE_STATUSES = SEATED_STATUSES;

/** A membership test that narrows: `isIn(LIVE_STATUSES, row.status)`. */
export function isIn<S extends BookingStatus>(set: readonly S[], status: string): status is S {
  return (set as readonly string[]).includes(status);
}
