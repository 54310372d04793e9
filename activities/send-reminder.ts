import { DateTime } from 'luxon';
import type { Kysely } from 'kysely';
import { findBookingById } from '../db/bookings';
import { insertNotification, markNotification } from '../db/notifications';
import type { Database } from '../db/schema';
import { recordBookingEvent } from './booking-event';
import type { Mailer } from './mailer';

export interface ReminderRequest {
  bookingId: string;
  /** Which reminder of which start: a retried or replayed activity finds its own row. */
  offsetSeconds: number;
  start: string;
}

export type ReminderOutcome = {
  sent: boolean; channel: 'outbox' | 'email'; skipped?: string;
  /** The `booking.reminder_sent` event, when a subscription wants it (absent in older results). */
  eventId?: string | null;
};

function describeOffset(seconds: number): string {
  return seconds % 86_400 === 0 ? `${seconds / 86_400} day(s)` : seconds % 3600 === 0 ? `${seconds / 3600} hour(s)` : `${Math.round(seconds / 60)} minute(s)`;
}

/**
 * Writes the reminder to the outbox and, with a mailer, e-mails it. Idempotent per booking,
 * start and offset, so a rescheduled booking gets its reminders again for the new time.
 */
export async function sendReminder(db: Kysely<Database>, mailer: Mailer | null, request: ReminderRequest): Promise<ReminderOutcome> {
  const booking = await findBookingById(db, request.bookingId);
  if (!booking || booking.status !== 'confirmed') return { sent: false, channel: 'outbox', skipped: 'booking is not confirmed' };
  const when = DateTime.fromJSDate(booking.start_at, { zone: booking.timezone }).toFormat("cccc d LLLL yyyy 'at' HH:mm (ZZZZ)");
  const channel = mailer && booking.customer_email ? 'email' : 'outbox';
  const notification = await insertNotification(db, {
    organization_id: booking.organization_id,
    booking_id: booking.id,
    kind: 'reminder',
    dedupe_key: `reminder:${booking.id}:${request.start}:${request.offsetSeconds}`,
    channel,
    recipient: booking.customer_email,
    subject: `Reminder: your booking on ${when}`,
    body: `Hello ${booking.customer_name ?? ''},\n\nthis is a reminder of your booking in ${describeOffset(request.offsetSeconds)}, on ${when}.\n`,
    status: 'pending',
  });
  if (notification.status !== 'sent' && channel === 'email') {
    // A failure throws: the activity's retry policy tries the mail server again.
    await mailer!.send({ to: notification.recipient!, subject: notification.subject, text: notification.body });
  }
  // Marked sent and announced together; the event id is the reminder's, so a retry writes it once.
  const eventId = await db.transaction().execute(async (trx) => {
    if (notification.status !== 'sent') await markNotification(trx, notification.id, { status: 'sent' });
    return recordBookingEvent(trx, booking, `reminder:${request.start}:${request.offsetSeconds}`, 'booking.reminder_sent', new Date());
  });
  return { sent: true, channel, eventId };
}
