import { sql, type Kysely, type Transaction } from 'kysely';
import type { Booking, BookingStatus, Database, NewSession, Session } from './schema';

type Db = Kysely<Database> | Transaction<Database>;

/** When booking opens: `opens_before_seconds` before the start; null = as soon as the session exists. */
export function bookingOpensAt(session: Pick<Session, 'start_at' | 'opens_before_seconds'>): Date | null {
  return session.opens_before_seconds === null ? null : new Date(session.start_at.getTime() - session.opens_before_seconds * 1000);
}

/** When booking closes, and waiting bookings expire: `closes_before_seconds` before the start. */
export function bookingClosesAt(session: Pick<Session, 'start_at' | 'closes_before_seconds'>): Date {
  return new Date(session.start_at.getTime() - session.closes_before_seconds * 1000);
}

export function findSession(db: Db, organizationId: string, sessionId: string): Promise<Session | undefined> {
  return db.selectFrom('sessions').selectAll()
    .where('organization_id', '=', organizationId).where('id', '=', sessionId).executeTakeFirst();
}

export function findSessions(db: Db, organizationId: string, sessionIds: string[]): Promise<Session[]> {
  if (sessionIds.length === 0) return Promise.resolve([]);
  return db.selectFrom('sessions').selectAll()
    .where('organization_id', '=', organizationId).where('id', 'in', sessionIds).execute();
}

/**
 * Every change to a session's seats or queue takes this lock first, before any booking row, so
 * claims, releases and promotions of one session run one after another and never deadlock.
 */
export function lockSession(trx: Transaction<Database>, sessionId: string): Promise<Session | undefined> {
  return trx.selectFrom('sessions').selectAll().where('id', '=', sessionId).forUpdate().executeTakeFirst();
}

export async function insertSessions(trx: Transaction<Database>, sessions: NewSession[]): Promise<Session[]> {
  return trx.insertInto('sessions').values(sessions).returningAll().execute();
}

export async function occupySessionResources(trx: Transaction<Database>, session: Session): Promise<void> {
  if (session.resource_ids.length === 0) return;
  await trx.insertInto('allocations').values(session.resource_ids.map((resourceId) => ({
    booking_id: null,
    session_id: session.id,
    resource_id: resourceId,
    organization_id: session.organization_id,
    during: sql<string>`tstzrange(${session.start_at}, ${session.end_at}, '[)')`,
  }))).execute();
}

export async function releaseSessionResources(trx: Transaction<Database>, sessionId: string): Promise<void> {
  await trx.updateTable('allocations').set({ released_at: sql`now()` })
    .where('session_id', '=', sessionId).where('released_at', 'is', null).execute();
}

/** Moves the session's counters by the given amounts; the CHECKs refuse overfilling. */
export async function adjustSessionCounters(
  trx: Transaction<Database>, sessionId: string, change: { seats?: number; waitlist?: number },
): Promise<void> {
  await trx.updateTable('sessions')
    .set((eb) => ({
      seats_taken: eb('seats_taken', '+', change.seats ?? 0),
      waitlist_taken: eb('waitlist_taken', '+', change.waitlist ?? 0),
      updated_at: new Date(),
    }))
    .where('id', '=', sessionId).execute();
}

export function updateSessionSettings(
  trx: Transaction<Database>, sessionId: string,
  changes: Partial<Pick<Session, 'capacity' | 'waitlist_size' | 'status' | 'cancel_reason'>>,
): Promise<Session> {
  return trx.updateTable('sessions').set({ ...changes, updated_at: new Date() })
    .where('id', '=', sessionId).returningAll().executeTakeFirstOrThrow();
}

/** The session's waiting bookings in queue order, locked: only the session lock's holder calls this. */
export function lockWaitingQueue(trx: Transaction<Database>, sessionId: string): Promise<Booking[]> {
  return trx.selectFrom('bookings').selectAll()
    .where('session_id', '=', sessionId).where('status', '=', 'waitlisted')
    .orderBy('waitlist_seq').forUpdate().execute();
}

export async function nextWaitlistSeq(trx: Transaction<Database>): Promise<string> {
  const { rows } = await sql<{ seq: string }>`SELECT nextval('bookings_waitlist_seq')::text AS seq`.execute(trx);
  return rows[0].seq;
}

/** 1 for the first in line; null when the booking is not waiting. */
export async function waitlistPosition(db: Db, booking: Pick<Booking, 'session_id' | 'status' | 'waitlist_seq'>): Promise<number | null> {
  if (booking.status !== 'waitlisted' || !booking.session_id || booking.waitlist_seq === null) return null;
  const row = await db.selectFrom('bookings').select((eb) => eb.fn.countAll<string>().as('ahead'))
    .where('session_id', '=', booking.session_id).where('status', '=', 'waitlisted')
    .where('waitlist_seq', '<=', booking.waitlist_seq)
    .executeTakeFirstOrThrow();
  return Number(row.ahead);
}

/** The attendee list: bookings that are not waiting by when they were made, then the queue in its order. */
export function findSessionBookings(db: Db, sessionId: string, statuses?: readonly BookingStatus[]): Promise<Booking[]> {
  let query = db.selectFrom('bookings').selectAll().where('session_id', '=', sessionId);
  if (statuses) query = query.where('status', 'in', statuses);
  return query
    .orderBy(sql`status = 'waitlisted'`)
    .orderBy(sql`CASE WHEN status = 'waitlisted' THEN waitlist_seq END`)
    .orderBy('created_at').orderBy('id').execute();
}

export interface SessionFilter {
  organizationId: string;
  serviceId?: string;
  seriesId?: string;
  from?: Date;
  to?: Date;
  after?: { startAt: Date; id: string };
  limit: number;
}

export type SessionWithQueue = Session & { waitlist_length: number };

/** Ordered by start then id; each with the number of bookings waiting. */
export async function listSessions(db: Db, filter: SessionFilter): Promise<SessionWithQueue[]> {
  let query = db.selectFrom('sessions').selectAll('sessions')
    .select((eb) => eb.selectFrom('bookings').select((inner) => inner.fn.countAll<string>().as('n'))
      .whereRef('bookings.session_id', '=', 'sessions.id').where('bookings.status', '=', 'waitlisted')
      .as('waitlist_length'))
    .where('sessions.organization_id', '=', filter.organizationId);
  if (filter.serviceId) query = query.where('sessions.service_id', '=', filter.serviceId);
  if (filter.seriesId) query = query.where('sessions.series_id', '=', filter.seriesId);
  if (filter.from) query = query.where('sessions.end_at', '>', filter.from);
  if (filter.to) query = query.where('sessions.start_at', '<', filter.to);
  if (filter.after) {
    const { startAt, id } = filter.after;
    // The plain bound is the index condition (sessions_org_start_idx); the truncated pair sets aside the cursor's millisecond.
    query = query.where(sql<boolean>`sessions.start_at >= ${startAt}::timestamptz AND (date_trunc('milliseconds', sessions.start_at), sessions.id) > (${startAt}::timestamptz, ${id}::uuid)`);
  }
  const rows = await query.orderBy('sessions.start_at').orderBy('sessions.id').limit(filter.limit).execute();
  return rows.map((row) => ({ ...row, waitlist_length: Number(row.waitlist_length ?? 0) }));
}

export async function waitlistLength(db: Db, sessionId: string): Promise<number> {
  const row = await db.selectFrom('bookings').select((eb) => eb.fn.countAll<string>().as('n'))
    .where('session_id', '=', sessionId).where('status', '=', 'waitlisted').executeTakeFirstOrThrow();
  return Number(row.n);
}

export function insertPromotion(
  trx: Transaction<Database>, promotion: { bookingId: string; organizationId: string; sessionId: string; cause: string },
) {
  return trx.insertInto('promotions').values({
    booking_id: promotion.bookingId, organization_id: promotion.organizationId,
    session_id: promotion.sessionId, cause: promotion.cause,
  }).execute();
}

export function findPromotedBy(db: Db, cause: string): Promise<Booking[]> {
  return db.selectFrom('promotions').innerJoin('bookings', 'bookings.id', 'promotions.booking_id')
    .selectAll('bookings').where('promotions.cause', '=', cause).orderBy('bookings.waitlist_seq').execute();
}
