import type { Client } from '@temporalio/client';
import type { Kysely } from 'kysely';
import { findBooking } from '../db/bookings';
import type { Booking, Database } from '../db/schema';
import { NotFound } from './errors';

/** What the booking use cases work with; both faces pass theirs. */
export interface BookingCommandDeps {
  db: Kysely<Database>;
  temporal: Client;
  taskQueue: string;
}

/** The organization's booking a use case acts on; another organization's is not found either. */
export async function requireBooking(db: Kysely<Database>, organizationId: string, bookingId: string): Promise<Booking> {
  const booking = await findBooking(db, organizationId, bookingId);
  if (!booking) throw new NotFound(`booking ${bookingId} not found`);
  return booking;
}
