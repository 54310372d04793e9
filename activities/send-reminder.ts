import type { Kysely } from 'kysely';
import { findBookingById } from '../db/bookings';
import type { StoredNotification } from '../db/notifications';
import type { Database } from '../db/schema';
import { recordBookingEvent } from '../bookings/booking-event';
import { deliverAll } from '../bookings/mail-outbox';
import { mailContext, manageUrlOf, queueMail, readerZone, type MailLinks } from './send-booking-mails';
import type { Mailer } from '../outbound/mailer';

export interface ReminderRequest {
  bookingId: string;
  /** Which reminder of which start: a retried or replayed activity finds its own row. */
  offsetSeconds: number;
  start: string;
  /** The booking's organization: the activity hands the events it writes to their delivery workflows under it (absent in older requests). */
  organizationId?: string;
}

export type ReminderOutcome = {
  /** True once every recipient's mail went out; without a mailer they stay queued in the outbox. */
  sent: boolean; channel: 'outbox' | 'email'; skipped?: string;
  /** The `booking.reminder_sent` event, when a subscription wants it (absent in older results). */
  eventId?: string | null;
  /** The event went to its delivery workflow from the activity (absent in older results). */
  handedOver?: true;
};

/**
 * Writes the reminder, with the booking's full content and an .ics, to the outbox for the customer
 * and each of the booking's extra addresses, and e-mails them when there is a mailer. Idempotent
 * per booking, start, offset and recipient, so a rescheduled booking gets its reminders again for
 * the new time.
 */
export async function sendReminder(
  db: Kysely<Database>, mailer: Mailer | null, links: MailLinks | null, request: ReminderRequest, now: Date,
): Promise<ReminderOutcome> {
  const booking = await findBookingById(db, request.bookingId);
  if (!booking || booking.status !== 'confirmed') return { sent: false, channel: 'outbox', skipped: 'booking is not confirmed' };
  const { service, branding, resources } = await mailContext(db, booking);
  const key = `reminder:${booking.id}:${request.start}:${request.offsetSeconds}`;
  const recipients = [booking.customer_email, ...booking.extra_emails].filter((address): address is string => Boolean(address));
  const queued: Array<StoredNotification | null> = [];
  for (const [index, recipient] of recipients.entries()) {
    const mail = await queueMail(db, mailer, links, now, {
      kind: 'reminder', booking, service, branding, hosts: resources, zone: readerZone(booking),
      manageUrl: manageUrlOf(links, booking.id), offsetSeconds: request.offsetSeconds, recipient,
      // The customer's key is the one reminders always had.
      dedupeKey: index === 0 && recipient === booking.customer_email ? key : `${key}:${recipient}`,
    });
    // Anonymized meanwhile: the reminder names nobody any more and goes to nobody.
    if (mail) queued.push(mail);
  }
  // A failure throws: the activity's retry policy tries the mail server again.
  const delivered = await deliverAll(db, mailer, queued);
  const eventId = await db.transaction().execute((trx) =>
    recordBookingEvent(trx, booking, `reminder:${request.start}:${request.offsetSeconds}`, 'booking.reminder_sent', now));
  return { sent: queued.length > 0 && delivered === queued.length, channel: mailer && queued.length > 0 ? 'email' : 'outbox', eventId };
}
