import type { BookingSnapshot } from '../domain/booking-types';
import { isIn, LIVE_STATUSES, type BookingStatus } from '../domain/booking-status';
import { BOOKING_TRANSITIONS as EDGE } from './booking-transitions';
import type { BookingState, PlannedReminder } from './messages';

export type Due =
  | { at: string; summary: string; reminder: PlannedReminder; to?: never; reason?: never }
  | { at: string; summary: string; reminder?: never; to: BookingStatus; reason: string };

/** Reminders whose time has already passed when the booking is confirmed are not sent. */
export function planReminders(booking: BookingSnapshot, now: number): PlannedReminder[] {
  const start = Date.parse(booking.start);
  return booking.reminderOffsetsSeconds
    .map((offsetSeconds) => ({ at: new Date(start - offsetSeconds * 1000).toISOString(), offsetSeconds, sent: false }))
    .filter((reminder) => Date.parse(reminder.at) > now)
    .sort((a, b) => Date.parse(a.at) - Date.parse(b.at));
}

function describeOffset(seconds: number): string {
  if (seconds % 86_400 === 0) return `${seconds / 86_400} d`;
  if (seconds % 3600 === 0) return `${seconds / 3600} h`;
  return seconds % 60 === 0 ? `${seconds / 60} min` : `${seconds} s`;
}

/**
 * What happens next to a live booking if nobody acts: the state diagram's timed edges. The
 * booking's workflow waits for it; the reconciler applies it to a booking that lost its workflow.
 */
export function nextDue(status: BookingStatus, booking: BookingSnapshot, reminders: PlannedReminder[]): Due {
  switch (status) {
    case 'waitlisted':
      return { at: booking.waitlistExpiresAt!, summary: 'waiting list closes', to: EDGE.waitingListCloses.to, reason: 'no seat freed up before the booking window closed' };
    case 'held':
      return { at: booking.holdExpiresAt!, summary: 'hold expires', to: EDGE.holdExpires.to, reason: 'hold expired before details were submitted' };
    case 'pending_approval':
      return { at: booking.approvalExpiresAt!, summary: 'approval deadline', to: EDGE.approvalDeadline.to, reason: 'host did not answer before the approval deadline' };
    default: {
      const reminder = reminders.find((planned) => !planned.sent);
      if (reminder) return { at: reminder.at, summary: `reminder ${describeOffset(reminder.offsetSeconds)} before`, reminder };
      return booking.checkedIn === false
        ? { at: booking.end, summary: 'booking ends', to: EDGE.endsAbsent.to, reason: 'customer was absent' }
        : { at: booking.end, summary: 'booking ends', to: EDGE.ends.to, reason: 'booking ended' };
    }
  }
}

/**
 * A snapshot from an activity that did not read the resources (a transition) keeps the names the
 * workflow already knows, as long as the resources are the same ones.
 */
export function withKnownNames(next: BookingSnapshot, previous: BookingSnapshot | null): BookingSnapshot {
  if (next.resourceNames || !previous?.resourceNames) return next;
  const same = previous.resourceIds.length === next.resourceIds.length && previous.resourceIds.every((id, index) => next.resourceIds[index] === id);
  return same ? { ...next, resourceNames: previous.resourceNames } : next;
}

// Building a formatter costs far more than formatting (it showed in the worker's profile on every
// transition's progress line): one per zone, kept. A pure cache: the text is the same either way.
const formatters = new Map<string, Intl.DateTimeFormat>();

function formatterFor(zone: string): Intl.DateTimeFormat {
  let formatter = formatters.get(zone);
  if (!formatter) {
    formatter = new Intl.DateTimeFormat('en-US', {
      timeZone: zone, weekday: 'short', day: 'numeric', month: 'short', year: 'numeric', hour: '2-digit', minute: '2-digit', hourCycle: 'h23',
    });
    formatters.set(zone, formatter);
  }
  return formatter;
}

/** An instant as an operator reads it: in the resources' zone, e.g. `Mon 7 Dec 2026 10:00`. */
export function localTime(iso: string, zone: string): string {
  const parts = Object.fromEntries(formatterFor(zone).formatToParts(new Date(iso)).map((part) => [part.type, part.value]));
  return `${parts.weekday} ${parts.day} ${parts.month} ${parts.year} ${parts.hour}:${parts.minute}`;
}

function localRange(start: string, end: string, zone: string): string {
  const from = localTime(start, zone);
  const to = localTime(end, zone);
  // Same day: only the end's clock time.
  return `${from}–${from.slice(0, -5) === to.slice(0, -5) ? to.slice(-5) : to} (${zone})`;
}

/** Whether the customer's details are in (never the details themselves: current details are not encrypted). */
function customerState(status: string, booking: BookingSnapshot): string {
  if (status === 'held' || status === 'waitlisted') return 'details not submitted yet';
  return booking.customerEmail ? 'details submitted' : 'no details given';
}

/**
 * The workflow's current details in the Temporal UI: where the booking stands, when, with whom and
 * what comes next, written in the resources' zone with their names. Everything that can change
 * lives here (the static summary and details hold only what cannot: service, booking id, routes);
 * no personal data, since current details are not encrypted.
 */
export function describeProgress(state: BookingState): string {
  const booking = state.booking;
  if (state.status === 'rejected') {
    return `**Refused** (${state.rejection?.code ?? 'unavailable'}): ${state.rejection?.message ?? ''}\n\nNo booking was kept.`;
  }
  if (!booking) return `**${state.status}**: placing the hold`;
  const zone = booking.zone ?? 'UTC';
  const resources = booking.resourceNames ?? booking.resourceIds;
  const lines = [
    `**Status:** ${state.status}`,
    `**Time:** ${localRange(booking.start, booking.end, zone)}`,
    `**With:** ${resources.join(', ') || '—'}${booking.sessionId ? ` · **Spaces:** ${booking.spaces}` : ''}`,
    `**Customer:** ${customerState(state.status, booking)}`,
  ];
  if (isIn(LIVE_STATUSES, state.status)) {
    const due = nextDue(state.status, booking, state.reminders);
    lines.push(`**Next:** ${due.summary} at ${localTime(due.at, zone)}${due.to ? ` → ${due.to}` : ''}`);
  }
  if (booking.checkedIn !== null) lines.push(`**Checked in:** ${booking.checkedIn ? 'present' : 'absent'}`);
  if (state.calendarConflicts) {
    const { count, lastReportedAt } = state.calendarConflicts;
    lines.push(`**Calendar conflict:** ${count === 1 ? 'an event' : `${count} events`} in a host's own calendar over this booking (last found ${localTime(lastReportedAt, zone)}); the booking stands, the host decides`);
  }
  if ((state.status === 'completed' || state.status === 'no_show') && booking.checkInClosesAt) {
    lines.push(`**Check-in window closes:** ${localTime(booking.checkInClosesAt, zone)}`);
  }
  return lines.join('\n\n');
}
