import fs from 'node:fs';
import path from 'node:path';
import {
  BOOKING_STATUSES, CANCELLABLE_STATUSES, LIVE_STATUSES, RESCHEDULABLE_STATUSES, SEATED_STATUSES, TERMINAL_STATUSES,
} from '../../domain/booking-status';
import { acceptedIn, bookingStateDiagram, TRANSITIONS, type BookingMessage, type Facts } from '../../workflows/booking-transitions';

const README = fs.readFileSync(path.resolve(__dirname, '..', '..', 'README.md'), 'utf8');

/** The README's diagram is the table's: regenerate it with `npx tsx scripts/booking-state-diagram.ts`. */
test('the README shows the state diagram the workflow runs', () => {
  const block = /\x3C!-- booking-states:begin[^>]*-->\n```mermaid\n([\s\S]*?)\n```\n\x3C!-- booking-states:end -->/.exec(README);
  expect(block?.[1]).toBe(bookingStateDiagram());
});

/**
 * The statuses each message is accepted in are the ones the workflow has always checked, in the
 * same order: they are the `from` its activities write with, and a change here is a change of
 * behaviour (and of the activities' inputs in histories).
 */
const ACCEPTED: Array<[BookingMessage, readonly string[], Facts?]> = [
  ['submitDetails', ['held']],
  ['confirm', ['pending_approval']],
  ['decline', ['pending_approval']],
  ['cancel', CANCELLABLE_STATUSES],
  ['sessionCancelled', CANCELLABLE_STATUSES],
  ['cancelledInTemporal', CANCELLABLE_STATUSES],
  ['reschedule', RESCHEDULABLE_STATUSES],
  ['reduceSpaces', SEATED_STATUSES],
  ['suspend', SEATED_STATUSES],
  ['accept', ['waitlisted']],
  ['promoted', ['waitlisted']],
  ['checkIn', ['confirmed'], { checkInWindowOpen: false }],
  ['checkIn', ['confirmed', 'completed', 'no_show'], { checkInWindowOpen: true }],
  ['deadline', LIVE_STATUSES],
];
test('each message is accepted in the statuses it always was, in the same order', () => {
  for (const [message, statuses, facts] of ACCEPTED) {
    expect({ message, facts, accepted: acceptedIn(message, facts) }).toEqual({ message, facts, accepted: [...statuses] });
  }
});

test('every status is reached, and only live statuses have a deadline', () => {
  const reached = new Set(TRANSITIONS.map((transition) => transition.to));
  expect(BOOKING_STATUSES.filter((status) => !reached.has(status))).toEqual([]);
  for (const status of LIVE_STATUSES) {
    expect(TRANSITIONS.some((transition) => transition.on === 'deadline' && (transition.from as readonly string[]).includes(status))).toBe(true);
  }
  for (const status of TERMINAL_STATUSES) expect(acceptedIn('deadline')).not.toContain(status);
});

test('an ended booking takes no message but a late check-in within its window', () => {
  const messages = [...new Set(TRANSITIONS.map((transition) => transition.on))];
  for (const message of messages) {
    const ended = acceptedIn(message).filter((status) => (TERMINAL_STATUSES as readonly string[]).includes(status));
    expect([message, ended]).toEqual([message, message === 'checkIn' ? ['completed', 'no_show'] : []]);
  }
});
