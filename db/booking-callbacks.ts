import type { Kysely, Transaction } from 'kysely';
import type { BookingCallbackDelivery, Database } from './schema';

type Db = Kysely<Database> | Transaction<Database>;

export interface CallbackAttempt {
  organizationId: string;
  bookingId: string;
  eventId: string;
  url: string;
  attempt: number;
  statusCode: number | null;
  durationMs: number;
  error: string | null;
  delivered: boolean;
}

/** Temporal numbers the attempts, so an activity that crashed after logging logs its attempt once. */
export async function recordCallbackAttempt(db: Db, attempt: CallbackAttempt): Promise<void> {
  await db.insertInto('booking_callback_deliveries').values({
    organization_id: attempt.organizationId,
    booking_id: attempt.bookingId,
    event_id: attempt.eventId,
    url: attempt.url,
    attempt: attempt.attempt,
    status_code: attempt.statusCode,
    duration_ms: attempt.durationMs,
    error: attempt.error,
    delivered: attempt.delivered,
  }).onConflict((oc) => oc.columns(['event_id', 'attempt']).doNothing()).execute();
}

/** A booking's callback attempts, oldest first: a short list, never paged. */
export function listCallbackDeliveries(db: Db, organizationId: string, bookingId: string): Promise<BookingCallbackDelivery[]> {
  return db.selectFrom('booking_callback_deliveries').selectAll()
    .where('organization_id', '=', organizationId).where('booking_id', '=', bookingId)
    .orderBy('created_at').orderBy('id').execute();
}
