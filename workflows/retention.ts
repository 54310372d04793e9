import { proxyActivities, setCurrentDetails, type ActivityOptions } from '@temporalio/workflow';
import type { BookingActivities } from '../activities';
import { announce } from './announcements';

// Each anonymization is a database transaction and a few calls to Temporal; retried like any write.
const ERASE_OPTIONS: ActivityOptions = { startToCloseTimeout: '2 minutes', retry: { maximumInterval: '1 minute', maximumAttempts: 10 } };
const { findBookingsPastRetention, anonymizeBooking } = proxyActivities<BookingActivities>(ERASE_OPTIONS);

export interface RetentionReport { anonymized: string[] }

/**
 * Anonymizes the ended bookings whose organization keeps personal data for a limited time
 * (`retention_days`) once that time has passed, oldest first, at most `limit` per run (the next
 * run of the Schedule takes the rest). Each is announced (`booking.anonymized`) like one asked for
 * through the API.
 */
export async function anonymizeExpiredBookingsWorkflow(request: { limit?: number } = {}): Promise<RetentionReport> {
  setCurrentDetails('looking for ended bookings past their organization\'s retention period');
  const due = await findBookingsPastRetention.executeWithOptions({ ...ERASE_OPTIONS, summary: 'find bookings past retention' }, [
    { limit: request.limit ?? 200 },
  ]);
  const anonymized: string[] = [];
  for (const booking of due) {
    const outcome = await anonymizeBooking.executeWithOptions({ ...ERASE_OPTIONS, summary: 'anonymize booking' }, [booking]);
    // The activity hands its event over itself; results recorded before it did are announced here.
    if (outcome.eventId && !outcome.handedOver) await announce(outcome.eventId, booking.organizationId);
    anonymized.push(booking.bookingId);
  }
  setCurrentDetails(`anonymized ${anonymized.length} booking(s)`);
  return { anonymized };
}
