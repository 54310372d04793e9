import { sql, type Kysely, type Transaction } from 'kysely';
import { LIVE_STATUSES } from '../domain/booking-status';
import { returnGroupSeats } from './group-slots';
import type { Booking, BookingStatus, Database, NewBooking, Resource } from './schema';

type Db = Kysely<Database> | Transaction<Database>;

export function findBooking(db: Db, organizationId: string, bookingId: string): Promise<Booking | undefined> {
  return db.selectFrom('bookings').selectAll()
    .where('organization_id', '=', organizationId).where('id', '=', bookingId)
    .executeTakeFirst();
}

export function findBookingById(db: Db, bookingId: string): Promise<Booking | undefined> {
  return db.selectFrom('bookings').selectAll().where('id', '=', bookingId).executeTakeFirst();
}

/** Takes a Transaction: the row lock only means something inside one. */
export function lockBooking(trx: Transaction<Database>, bookingId: string): Promise<Booking | undefined> {
  return trx.selectFrom('bookings').selectAll().where('id', '=', bookingId).forUpdate().executeTakeFirst();
}

/**
 * Serialises writers per resource before the exclusion constraint is consulted: racing inserts
 * then queue on a row lock instead of deadlocking inside the constraint check. Sorted ids keep
 * the lock order the same in every transaction. Returns the locked rows, as this transaction sees them.
 */
export async function lockResources(trx: Transaction<Database>, resourceIds: string[]): Promise<Resource[]> {
  if (resourceIds.length === 0) return [];
  return trx.selectFrom('resources').selectAll()
    .where('id', 'in', [...resourceIds].sort()).orderBy('id').forNoKeyUpdate().execute();
}

/** Epoch milliseconds, as the scheduling engine takes them. */
export interface OccupiedRange { resourceId: string; start: number; end: number }

/**
 * The length of the periods a resource's synced busy time is kept in (external_busy_time, written
 * by refreshBusyTime): a 60-day availability query reads three rows per host, a hold one or two.
 */
export const BUSY_PERIOD_SECONDS = 30 * 24 * 60 * 60;

/**
 * The active allocations of these resources that touch [from, to), by the exclusion constraint's
 * GiST index, and the busy time synced from their hosts' calendars, by its primary key. Both come
 * as rows of text `start,end,start,end…`: parsing thousands of timestamptz strings into Dates cost
 * more than the engine's whole answer for a busy 60-day window, and even as numbers, 4,400 rows of
 * (uuid, float8, float8) took the driver twice as long as 50 rows of one string each. Allocations
 * are formatted here in epoch milliseconds (`date_part` is float8 arithmetic, `extract` numeric and
 * several times slower; the int8 cast rounds to the millisecond); they are few.
 *
 * A synced calendar holds one row per occurrence and hosts' events overlap and abut, so its busy
 * time is kept coalesced per resource and 30-day period, already as text (external_busy_time,
 * rewritten by each sync in the transaction that changes it), in seconds from the period's start:
 * formatting every range per query (unnest, date_part, string_agg) cost a 50-host 60-day query
 * more than the engine's whole work, and seconds halve what is sent and read. A period's text holds
 * every range that touches it, so ranges outside [from, to) are skipped here and one that spans
 * periods comes once per period (the engine merges blocking time anyway). Allocations are not
 * coalesced with it: a group booking's allocation must stay whole and exact to be joinable.
 */
export async function findOccupiedRanges(db: Db, resourceIds: string[], from: Date, to: Date): Promise<OccupiedRange[]> {
  if (resourceIds.length === 0) return [];
  const fromMs = from.getTime();
  const toMs = to.getTime();
  const allocations = db.selectFrom('allocations')
    .select([
      'resource_id',
      sql<string | null>`null`.as('period'),
      sql<string>`string_agg((date_part('epoch', lower(during)) * 1000)::int8 || ',' || (date_part('epoch', upper(during)) * 1000)::int8, ',')`
        .as('ranges'),
    ])
    .where('resource_id', 'in', resourceIds)
    .where('released_at', 'is', null)
    .where(sql<boolean>`during && tstzrange(${from}, ${to}, '[)')`)
    .groupBy('resource_id');
  // The hosts' own calendars' busy time (synced into PostgreSQL) occupies the resource like an
  // allocation: the engine puts the service's buffers around it the same way.
  const rows = await allocations
    .unionAll(db.selectFrom('external_busy_time').select(['resource_id', 'period', 'bounds as ranges'])
      .where('resource_id', 'in', resourceIds)
      .where('period', '>=', String(Math.floor(fromMs / 1000 / BUSY_PERIOD_SECONDS)))
      .where('period', '<=', String(Math.floor((toMs - 1) / 1000 / BUSY_PERIOD_SECONDS))))
    .execute();
  const occupied: OccupiedRange[] = [];
  for (const row of rows) {
    if (row.period === null) readRanges(row.ranges, 0, 1, row.resource_id, fromMs, toMs, occupied);
    else readRanges(row.ranges, Number(row.period) * BUSY_PERIOD_SECONDS * 1000, 1000, row.resource_id, fromMs, toMs, occupied);
  }
  return occupied;
}

const COMMA = 44;
const MINUS = 45;
const ZERO = 48;

/**
 * Appends the ranges of `start,end,start,end…` (integers, in units of `unitMs` after `originMs`)
 * that touch [from, to). Read digit by digit: splitting and converting each piece cost twice as
 * much for a host's thousands of ranges.
 */
function readRanges(
  text: string, originMs: number, unitMs: number, resourceId: string, from: number, to: number, into: OccupiedRange[],
): void {
  let value = 0;
  let negative = false;
  let start = 0;
  let isStart = true;
  for (let i = 0; i <= text.length; i++) {
    const code = i < text.length ? text.charCodeAt(i) : COMMA;
    if (code === COMMA) {
      const bound = originMs + (negative ? -value : value) * unitMs;
      if (isStart) start = bound;
      else if (bound > from && start < to) into.push({ resourceId, start, end: bound });
      isStart = !isStart;
      value = 0;
      negative = false;
    } else if (code === MINUS) {
      negative = true;
    } else {
      value = value * 10 + (code - ZERO);
    }
  }
}

export async function insertBooking(trx: Transaction<Database>, booking: NewBooking): Promise<Booking> {
  return trx.insertInto('bookings').values(booking).returningAll().executeTakeFirstOrThrow();
}

export async function insertAllocations(
  trx: Transaction<Database>,
  allocation: {
    bookingId: string; organizationId: string; resourceIds: string[]; start: Date; end: Date;
    /** The group slot shared with other bookings (seats per slot > 1); absent for one-to-one. */
    slotKey?: string | null;
  },
): Promise<void> {
  await trx.insertInto('allocations').values(allocation.resourceIds.map((resourceId) => ({
    booking_id: allocation.bookingId,
    resource_id: resourceId,
    organization_id: allocation.organizationId,
    during: sql<string>`tstzrange(${allocation.start}, ${allocation.end}, '[)')`,
    slot_key: allocation.slotKey ?? null,
  })))
    // One row per booking and resource: a rescheduled booking takes over, for a resource it keeps,
    // the row its old time released earlier in the same transaction (callers release first).
    .onConflict((oc) => oc.columns(['booking_id', 'resource_id']).doUpdateSet((eb) => ({
      during: eb.ref('excluded.during'),
      slot_key: eb.ref('excluded.slot_key'),
      released_at: null,
    })))
    .execute();
}

/**
 * Frees the booking's time. In a group slot the other bookings' allocations keep the time
 * occupied, so the slot's time frees only when its last active booking leaves; this booking's
 * spaces go back to the slot's seat counter. Only rows released by this very call give seats
 * back, so a second call changes nothing.
 */
export async function releaseAllocations(trx: Transaction<Database>, bookingId: string): Promise<void> {
  const released = await trx.updateTable('allocations').set({ released_at: sql`now()` })
    .where('booking_id', '=', bookingId).where('released_at', 'is', null)
    .returning(['resource_id', 'slot_key']).execute();
  const shared = released.filter((row): row is { resource_id: string; slot_key: string } => row.slot_key !== null);
  if (shared.length === 0) return;
  const { spaces } = await trx.selectFrom('bookings').select('spaces').where('id', '=', bookingId).executeTakeFirstOrThrow();
  await returnGroupSeats(trx, spaces, shared);
}

export function findEventByStep(db: Db, bookingId: string, step: string) {
  return db.selectFrom('booking_events').selectAll()
    .where('booking_id', '=', bookingId).where('step', '=', step).executeTakeFirst();
}

export async function appendBookingEvent(
  trx: Transaction<Database>,
  event: { organizationId: string; bookingId: string; step: string; from: BookingStatus | null; to: BookingStatus; actor: string; reason: string | null },
): Promise<void> {
  await trx.insertInto('booking_events').values({
    organization_id: event.organizationId,
    booking_id: event.bookingId,
    step: event.step,
    from_status: event.from,
    to_status: event.to,
    actor: event.actor,
    reason: event.reason,
  }).execute();
}

export function listBookingEvents(db: Db, organizationId: string, bookingId: string) {
  return db.selectFrom('booking_events').selectAll()
    .where('organization_id', '=', organizationId).where('booking_id', '=', bookingId)
    .orderBy('id').execute();
}

export interface BookingFilter {
  organizationId: string;
  statuses?: BookingStatus[];
  serviceId?: string;
  resourceId?: string;
  sessionId?: string;
  externalId?: string;
  /** Compared without case, as the reservation's customer check does (and its index). */
  customerEmail?: string;
  from?: Date;
  to?: Date;
  createdAfter?: Date;
  after?: { startAt: Date; id: string };
  limit: number;
}

/** Ordered by start then id, so a cursor (the last row's start and id) pages without gaps. */
export function listBookings(db: Db, filter: BookingFilter): Promise<Booking[]> {
  let query = db.selectFrom('bookings').selectAll().where('organization_id', '=', filter.organizationId);
  if (filter.statuses?.length) query = query.where('status', 'in', filter.statuses);
  if (filter.serviceId) query = query.where('service_id', '=', filter.serviceId);
  if (filter.customerEmail) query = query.where(sql<boolean>`lower(customer_email) = ${filter.customerEmail.toLowerCase()}`);
  if (filter.createdAfter) query = query.where('created_at', '>', filter.createdAfter);
  if (filter.resourceId) query = query.where(sql<boolean>`resource_ids @> ARRAY[${filter.resourceId}]::uuid[]`);
  if (filter.sessionId) query = query.where('session_id', '=', filter.sessionId);
  if (filter.externalId) query = query.where('external_id', '=', filter.externalId);
  if (filter.from) query = query.where('end_at', '>', filter.from);
  if (filter.to) query = query.where('start_at', '<', filter.to);
  if (filter.after) {
    const { startAt, id } = filter.after;
    // A row-value comparison is an index condition on bookings_org_start_idx: a deep page costs what the first does.
    query = query.where(sql<boolean>`(start_at, id) > (${startAt}::timestamptz, ${id}::uuid)`);
  }
  return query.orderBy('start_at').orderBy('id').limit(filter.limit).execute();
}

/**
 * Another active booking of this customer (by e-mail, any service of the organization) that
 * overlaps [start, end). The advisory lock on the customer serialises two racing reservations of
 * the same person, so the second one sees the first.
 */
export async function findOverlappingCustomerBooking(
  trx: Transaction<Database>, organizationId: string, email: string, start: Date, end: Date, excludeBookingId?: string,
): Promise<Booking | undefined> {
  await sql`SELECT pg_advisory_xact_lock(hashtextextended(${`${organizationId}:${email.toLowerCase()}`}, 0))`.execute(trx);
  let query = trx.selectFrom('bookings').selectAll()
    .where('organization_id', '=', organizationId)
    .where(sql<boolean>`lower(customer_email) = ${email.toLowerCase()}`)
    .where('status', 'in', LIVE_STATUSES)
    .where('start_at', '<', end).where('end_at', '>', start);
  if (excludeBookingId) query = query.where('id', '<>', excludeBookingId);
  return query.executeTakeFirst();
}

/** The booking that replaced this one by cancel-and-rebook, if any. */
export function findRebooking(db: Db, organizationId: string, bookingId: string): Promise<Booking | undefined> {
  return db.selectFrom('bookings').selectAll()
    .where('organization_id', '=', organizationId).where('rebooked_from', '=', bookingId)
    .orderBy('created_at', 'desc').executeTakeFirst();
}
