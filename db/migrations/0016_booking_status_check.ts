import { sql, type Kysely } from 'kysely';

/**
 * The database holds bookings and their audit log to the statuses the code knows, so a status
 * written by hand, by a script or by a future bug is refused instead of stranding a booking no
 * rule recognises. test/unit/booking-status.test.ts holds this list equal to BOOKING_STATUSES.
 */
// Frozen in time: this migration imports nothing from the app and takes Kysely<any>.
export const STATUSES = ['waitlisted', 'held', 'pending_approval', 'confirmed', 'completed', 'no_show', 'cancelled', 'expired', 'declined'];

const allowed = sql.join(STATUSES.map((status) => sql.lit(status)));

export async function up(db: Kysely<any>): Promise<void> {
  await sql`ALTER TABLE bookings ADD CONSTRAINT bookings_status_check CHECK (status IN (${allowed}))`.execute(db);
  await sql`ALTER TABLE booking_events ADD CONSTRAINT booking_events_from_status_check CHECK (from_status IN (${allowed}))`.execute(db);
  await sql`ALTER TABLE booking_events ADD CONSTRAINT booking_events_to_status_check CHECK (to_status IN (${allowed}))`.execute(db);
}

export async function down(db: Kysely<any>): Promise<void> {
  await sql`ALTER TABLE booking_events DROP CONSTRAINT booking_events_to_status_check`.execute(db);
  await sql`ALTER TABLE booking_events DROP CONSTRAINT booking_events_from_status_check`.execute(db);
  await sql`ALTER TABLE bookings DROP CONSTRAINT bookings_status_check`.execute(db);
}
