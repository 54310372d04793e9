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

/** The workflow's current details in the Temporal UI: where the booking stands and what comes next. */
export function describeProgress(state: BookingState): string {
  const booking = state.booking;
  if (state.status === 'rejected') {
    return `**Refused** (${state.rejection?.code ?? 'unavailable'}): ${state.rejection?.message ?? ''}\n\nNo booking was kept.`;
  }
  if (!booking) return `**${state.status}**: placing the hold`;
  const lines = [
    `**Status:** ${state.status}`,
    `**Time:** ${booking.start} – ${booking.end} (UTC)`,
    `**Resources:** ${booking.resourceIds.join(', ') || '—'}${booking.sessionId ? ` · **Session:** ${booking.sessionId} · **Spaces:** ${booking.spaces}` : ''}`,
  ];
  if (isIn(LIVE_STATUSES, state.status)) {
    const due = nextDue(state.status, booking, state.reminders);
    lines.push(`**Next:** ${due.summary} at ${due.at}${due.to ? ` → ${due.to}` : ''}`);
  }
  if (booking.checkedIn !== null) lines.push(`**Checked in:** ${booking.checkedIn ? 'present' : 'absent'}`);
  if ((state.status === 'completed' || state.status === 'no_show') && booking.checkInClosesAt) {
    lines.push(`**Check-in window closes:** ${booking.checkInClosesAt}`);
  }
  return lines.join('\n\n');
}
