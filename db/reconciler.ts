import { sql, type Kysely } from 'kysely';
import { LIVE_STATUSES } from '../domain/booking-status';
import type { Booking, Database } from './schema';

type Db = Kysely<Database>;

/**
 * A live booking's next deadline (the hold's, the approval's, its end): the expression
 * bookings_live_deadline_idx holds, written the same way so the planner uses it. A waiting
 * booking has none its workflow could be late for.
 */
const NEXT_DEADLINE = sql<Date | null>`(CASE status WHEN 'held' THEN hold_expires_at WHEN 'pending_approval' THEN approval_expires_at WHEN 'confirmed' THEN end_at END)`;

/** Live bookings whose deadline passed before `before`, the longest overdue first. */
export function liveBookingsPastDeadline(db: Db, before: Date, limit: number): Promise<Booking[]> {
  return db.selectFrom('bookings').selectAll().where('status', 'in', LIVE_STATUSES)
    .where(sql<boolean>`${NEXT_DEADLINE} < ${before}`)
    .orderBy(NEXT_DEADLINE).limit(limit).execute();
}

/**
 * Live bookings created before `createdBefore` whose workflow nobody has yet seen running, oldest
 * first, after the cursor (bookings_live_unstarted_idx).
 */
export function liveBookingsUnconfirmed(
  db: Db, createdBefore: Date, limit: number, after: { createdAt: Date; id: string } | null,
): Promise<Booking[]> {
  let query = db.selectFrom('bookings').selectAll().where('status', 'in', LIVE_STATUSES)
    .where('workflow_started_at', 'is', null).where('created_at', '<', createdBefore);
  if (after) query = query.where(sql<boolean>`(created_at, id) > (${after.createdAt}, ${after.id}::uuid)`);
  return query.orderBy('created_at').orderBy('id').limit(limit).execute();
}

/** Those of these bookings that are live. */
export function liveBookingsAmong(db: Db, bookingIds: string[]): Promise<Booking[]> {
  if (bookingIds.length === 0) return Promise.resolve([]);
  return db.selectFrom('bookings').selectAll().where('status', 'in', LIVE_STATUSES)
    .where('id', 'in', bookingIds).orderBy('id').execute();
}

/** A page of live bookings by id, after the cursor: the full sweep's step. */
export function liveBookingsAfter(db: Db, after: string | null, limit: number, bookingIds?: string[]): Promise<Booking[]> {
  let query = db.selectFrom('bookings').selectAll().where('status', 'in', LIVE_STATUSES);
  if (after) query = query.where('id', '>', after);
  if (bookingIds) query = query.where('id', 'in', bookingIds);
  return query.orderBy('id').limit(limit).execute();
}

/** Their workflows were seen running: the reconciler need not ask about them again unless one closes. */
export async function recordWorkflowsRunning(db: Db, bookingIds: string[]): Promise<void> {
  if (bookingIds.length === 0) return;
  await db.updateTable('bookings').set({ workflow_started_at: sql<Date>`now()` })
    .where('id', 'in', bookingIds).where('workflow_started_at', 'is', null).execute();
}

/**
 * Their workflows were found closed or missing: they stay among the unconfirmed until a new
 * workflow adopts them, so a repair that fails is tried again by the next pass.
 */
export async function forgetWorkflowsRunning(db: Db, bookingIds: string[]): Promise<void> {
  if (bookingIds.length === 0) return;
  await db.updateTable('bookings').set({ workflow_started_at: null }).where('id', 'in', bookingIds).execute();
}

export async function readClosedMark(db: Db, name: string): Promise<Date | null> {
  const row = await db.selectFrom('reconciler_marks').select('closed_since').where('name', '=', name).executeTakeFirst();
  return row?.closed_since ?? null;
}

export async function writeClosedMark(db: Db, name: string, closedSince: Date): Promise<void> {
  await db.insertInto('reconciler_marks').values({ name, closed_since: closedSince })
    .onConflict((oc) => oc.column('name').doUpdateSet({ closed_since: closedSince })).execute();
}
