import type { Kysely } from 'kysely';
import { findBookingById } from '../db/bookings';
import { findWriteBackConnections, lockCalendarBookingEvent, recordCalendarBookingEvent } from '../db/calendar-booking-events';
import { receivingCalendar, recordSyncOutcome } from '../db/calendar-connections';
import type { Database } from '../db/schema';
import { findService } from '../db/services';
import { findWebhookEvent } from '../db/webhooks';
import { bookingCalendarEvent } from '../bookings/booking-calendar-event';
import { WRITE_BACK_EVENTS } from '../bookings/booking-event';
import { unsealCredentials } from '../calendars/credentials';
import { bookingEventUid, CalendarAuthError, type CalendarProvider } from '../calendars/provider';

export interface CalendarWriteBackRequest { eventId: string }
export interface CalendarWriteBackOutcome { written: number; deleted: number; authFailed: number }

/**
 * Brings the booking's event in each receiving CalDAV calendar of its resources to the booking as
 * it is now: PUT while it is confirmed (created with If-None-Match, replaced with If-Match and a
 * higher SEQUENCE when it changed), DELETE once it is not (or its resource no longer receives).
 * Each booking-and-calendar pair is written under a row lock, and what the server answered is
 * recorded in the same transaction, so a retry after a crash or an outage does what is left, once.
 * A server that is down fails the attempt (the retry policy tries again); refused credentials
 * put the connection in auth_failed and are not tried again for this event: the host has to
 * give new ones, and retrying would only repeat the refusal.
 */
export async function writeBookingToCalendars(
  db: Kysely<Database>, provider: Pick<CalendarProvider, 'putEvent' | 'deleteEvent'> | undefined, request: CalendarWriteBackRequest, now: Date,
): Promise<CalendarWriteBackOutcome> {
  const putEvent = provider?.putEvent?.bind(provider);
  const deleteEvent = provider?.deleteEvent?.bind(provider);
  const event = await findWebhookEvent(db, request.eventId);
  if (!putEvent || !deleteEvent || !event || !WRITE_BACK_EVENTS.includes(event.type)) return { written: 0, deleted: 0, authFailed: 0 };
  const booking = await findBookingById(db, event.booking_id);
  if (!booking) return { written: 0, deleted: 0, authFailed: 0 };
  const connections = await findWriteBackConnections(db, booking.id, booking.resource_ids);
  const outcome = { written: 0, deleted: 0, authFailed: 0 };
  let failure: unknown = null;
  for (const connection of connections) {
    const calendar = receivingCalendar(connection);
    // an anonymized booking keeps its status, but its event (with the customer's name) goes
    const wanted = booking.status === 'confirmed' && booking.anonymized_at === null && calendar !== null && booking.resource_ids.includes(connection.resource_id);
    try {
      await db.transaction().execute(async (trx) => {
        const row = await lockCalendarBookingEvent(trx, booking.id, connection.id, calendar?.url ?? '');
        const movedCalendar = row.state === 'written' && calendar !== null && row.calendar_url !== calendar.url;
        if (row.state === 'written' && row.href && (!wanted || movedCalendar)) {
          await deleteEvent(row.href, await unsealCredentials(trx, connection), row.etag);
          await recordCalendarBookingEvent(trx, booking.id, connection.id, {
            calendarUrl: row.calendar_url, href: null, etag: null, sequence: row.sequence, writtenVersion: null, state: 'deleted',
          }, now);
          outcome.deleted += 1;
        }
        const current = row.state === 'written' && !movedCalendar && row.written_version?.getTime() === booking.updated_at.getTime();
        if (!wanted || !calendar || current) return;
        const service = await findService(trx, booking.organization_id, booking.service_id);
        if (!service) return;
        const replacing = row.state === 'written' && !movedCalendar;
        const sequence = replacing ? row.sequence + 1 : row.sequence;
        const uid = bookingEventUid(booking.id);
        const ics = bookingCalendarEvent({ booking, service, uid, sequence, now });
        const put = await putEvent(calendar.url, await unsealCredentials(trx, connection), uid, ics, replacing ? row.etag : null);
        await recordCalendarBookingEvent(trx, booking.id, connection.id, {
          calendarUrl: calendar.url, href: put.href, etag: put.etag, sequence, writtenVersion: booking.updated_at, state: 'written',
        }, now);
        outcome.written += 1;
      });
    } catch (error) {
      // one calendar down or refusing does not hold up the others; the retry finds those done
      if (error instanceof CalendarAuthError) {
        await recordSyncOutcome(db, connection.id, { state: 'auth_failed', error: error.message, syncedAt: null });
        outcome.authFailed += 1;
      } else {
        failure ??= error;
      }
    }
  }
  if (failure) throw failure;
  return outcome;
}
