import { sql, type Kysely, type Transaction } from 'kysely';
import { SEATED_STATUSES } from '../domain/booking-status';
import { BUSY_PERIOD_SECONDS, lockResources } from './bookings';
import type {
  CalendarConnection, CalendarConnectionState, CalendarConnectionType, ConnectedCalendar, Database,
} from './schema';

type Db = Kysely<Database> | Transaction<Database>;

export interface NewCalendarConnection {
  organizationId: string;
  resourceId: string;
  type: CalendarConnectionType;
  url: string;
  calendars: ConnectedCalendar[];
  pollIntervalSeconds?: number;
  includeTentative?: boolean;
}

export async function insertCalendarConnection(db: Db, connection: NewCalendarConnection): Promise<CalendarConnection> {
  return db.insertInto('calendar_connections').values({
    organization_id: connection.organizationId,
    resource_id: connection.resourceId,
    type: connection.type,
    url: connection.url,
    credentials_sealed: null,
    last_synced_at: null,
    last_error: null,
    calendars: JSON.stringify(connection.calendars),
    ...(connection.pollIntervalSeconds !== undefined && { poll_interval_seconds: connection.pollIntervalSeconds }),
    ...(connection.includeTentative !== undefined && { include_tentative: connection.includeTentative }),
  }).returningAll().executeTakeFirstOrThrow();
}

export async function findCalendarConnection(db: Db, organizationId: string, id: string): Promise<CalendarConnection | undefined> {
  return db.selectFrom('calendar_connections').selectAll()
    .where('organization_id', '=', organizationId).where('id', '=', id).executeTakeFirst();
}

/** The connection by id alone: the sync workflow's activities carry no organization. */
export async function findCalendarConnectionById(db: Db, id: string): Promise<CalendarConnection | undefined> {
  return db.selectFrom('calendar_connections').selectAll().where('id', '=', id).executeTakeFirst();
}

export async function listCalendarConnections(db: Db, organizationId: string, resourceId: string): Promise<CalendarConnection[]> {
  return db.selectFrom('calendar_connections').selectAll()
    .where('organization_id', '=', organizationId).where('resource_id', '=', resourceId)
    .orderBy('created_at').orderBy('id').execute();
}

export interface CalendarConnectionChange {
  calendars?: ConnectedCalendar[];
  pollIntervalSeconds?: number;
  includeTentative?: boolean;
  credentialsSealed?: Buffer | null;
}

export async function updateCalendarConnection(
  db: Db, organizationId: string, id: string, change: CalendarConnectionChange,
): Promise<CalendarConnection | undefined> {
  return db.updateTable('calendar_connections').set({
    updated_at: new Date(),
    ...(change.calendars !== undefined && { calendars: JSON.stringify(change.calendars) }),
    ...(change.pollIntervalSeconds !== undefined && { poll_interval_seconds: change.pollIntervalSeconds }),
    ...(change.includeTentative !== undefined && { include_tentative: change.includeTentative }),
    ...(change.credentialsSealed !== undefined && { credentials_sealed: change.credentialsSealed }),
    // What counts as busy changed: the next sync reads every calendar whole, not only what changed on the server.
    ...((change.calendars !== undefined || change.includeTentative !== undefined) && { sync_state: '{}' }),
  }).where('organization_id', '=', organizationId).where('id', '=', id).returningAll().executeTakeFirst();
}

/** Deletes the connection; its key, and so its sealed credentials, and its busy time go with it. */
export async function deleteCalendarConnection(db: Kysely<Database>, organizationId: string, id: string): Promise<boolean> {
  return db.transaction().execute(async (trx) => {
    const deleted = await trx.deleteFrom('calendar_connections')
      .where('organization_id', '=', organizationId).where('id', '=', id).returning('resource_id').executeTakeFirst();
    if (!deleted) return false;
    await refreshBusyTime(trx, deleted.resource_id);
    return true;
  });
}

/**
 * Recomputes the resource's coalesced busy time (what availability and holds read) from its
 * connections' busy occurrences; called in the transaction that changed them. The ranges are
 * written as findOccupiedRanges reads them (text, in seconds from their period's start), so no
 * query formats them again. The resource's row lock, which holds take too, keeps two connections
 * of one host from each writing a sum that misses the other's rows, and a hold from reading busy
 * time half-replaced.
 */
export async function refreshBusyTime(trx: Transaction<Database>, resourceId: string): Promise<void> {
  await lockResources(trx, [resourceId]);
  await trx.deleteFrom('external_busy_time').where('resource_id', '=', resourceId).execute();
  await sql`insert into external_busy_time (resource_id, period, bounds)
    select ${resourceId}::uuid, period, string_agg((lo - period * ${BUSY_PERIOD_SECONDS}::int8) || ',' || (hi - period * ${BUSY_PERIOD_SECONDS}::int8), ',' order by lo)
    from (
      select floor(date_part('epoch', lower(r)))::int8 as lo, ceil(date_part('epoch', upper(r)))::int8 as hi
      from unnest((select range_agg(during) from external_busy_intervals where resource_id = ${resourceId}::uuid)) as r
    ) ranges,
      generate_series(floor(lo / ${BUSY_PERIOD_SECONDS}::float8)::int8, floor((hi - 1) / ${BUSY_PERIOD_SECONDS}::float8)::int8) as period
    group by period`.execute(trx);
}

export async function recordSyncOutcome(
  db: Db, id: string, outcome: { state: CalendarConnectionState; error: string | null; syncedAt: Date | null; syncState?: Record<string, string> },
): Promise<void> {
  await db.updateTable('calendar_connections').set({
    state: outcome.state,
    last_error: outcome.error,
    ...(outcome.syncedAt && { last_synced_at: outcome.syncedAt }),
    ...(outcome.syncState && { sync_state: JSON.stringify(outcome.syncState) }),
  }).where('id', '=', id).execute();
}

/** The calendar of a resource's connections that receives its confirmed bookings, if any. */
export function receivingCalendar(connection: CalendarConnection): ConnectedCalendar | null {
  return connection.calendars.find((calendar) => calendar.receives) ?? null;
}

/** Whether another connection of the resource already has a receiving calendar. */
export async function otherReceivingConnection(db: Db, resourceId: string, exceptId: string | null): Promise<boolean> {
  let query = db.selectFrom('calendar_connections').select('id')
    .where('resource_id', '=', resourceId)
    .where(sql<boolean>`calendars @> '[{"receives": true}]'::jsonb`);
  if (exceptId) query = query.where('id', '!=', exceptId);
  return Boolean(await query.executeTakeFirst());
}

export interface BusyObject {
  calendarUrl: string;
  href: string;
  uid: string;
  etag: string | null;
  intervals: { start: Date; end: Date }[];
}

/**
 * Replaces the busy time of the objects given (and removes that of the hrefs given) in one
 * statement set; `complete` drops, for the calendars named, every object not among `objects`.
 */
export async function replaceBusyObjects(
  trx: Transaction<Database>,
  connection: { id: string; resourceId: string },
  change: { objects: BusyObject[]; removed: { calendarUrl: string; href: string }[]; completeCalendars: string[] },
): Promise<void> {
  // A calendar read whole loses all its rows at once: its objects need no delete of their own
  // (on a first sync of thousands of events they would scan for rows already gone).
  const whole = new Set(change.completeCalendars);
  const touched = [...change.objects.map((o) => ({ calendarUrl: o.calendarUrl, href: o.href })), ...change.removed]
    .filter((t) => !whole.has(t.calendarUrl));
  if (change.completeCalendars.length > 0) {
    await trx.deleteFrom('external_busy_intervals').where('connection_id', '=', connection.id)
      .where('calendar_url', 'in', change.completeCalendars).execute();
  }
  for (let i = 0; i < touched.length; i += 500) {
    const batch = touched.slice(i, i + 500);
    await trx.deleteFrom('external_busy_intervals').where('connection_id', '=', connection.id)
      .where((eb) => eb.or(batch.map((t) => eb.and([eb('calendar_url', '=', t.calendarUrl), eb('href', '=', t.href)]))))
      .execute();
  }
  const rows = change.objects.flatMap((object) => object.intervals.map((interval) => ({
    connection_id: connection.id,
    resource_id: connection.resourceId,
    calendar_url: object.calendarUrl,
    href: object.href,
    uid: object.uid,
    etag: object.etag,
    during: sql<string>`tstzrange(${interval.start}, ${interval.end}, '[)')` as unknown as string,
  })));
  for (let i = 0; i < rows.length; i += 1000) {
    await trx.insertInto('external_busy_intervals').values(rows.slice(i, i + 1000)).execute();
  }
}

/** Drops the busy time of calendars that no longer block (or are no longer listed); answers how many rows went. */
export async function dropBusyOutside(db: Db, connectionId: string, blockingCalendars: string[]): Promise<number> {
  let query = db.deleteFrom('external_busy_intervals').where('connection_id', '=', connectionId);
  if (blockingCalendars.length > 0) query = query.where('calendar_url', 'not in', blockingCalendars);
  const deleted = await query.executeTakeFirst();
  return Number(deleted.numDeletedRows);
}

export interface BusyOverBooking {
  bookingId: string;
  organizationId: string;
  uid: string;
  start: Date;
  end: Date;
}

/**
 * Held, pending or confirmed bookings of the resource that the connection's busy time now
 * overlaps, with the external event over them: conflicts for the host to decide.
 */
export async function findBookingsUnderBusy(db: Db, connectionId: string, hrefs: string[]): Promise<BusyOverBooking[]> {
  if (hrefs.length === 0) return [];
  const rows = await db.selectFrom('external_busy_intervals as x')
    .innerJoin('allocations as a', (join) => join.onRef('a.resource_id', '=', 'x.resource_id'))
    .innerJoin('bookings as b', 'b.id', 'a.booking_id')
    .select(['b.id as bookingId', 'b.organization_id as organizationId', 'x.uid as uid', 'b.start_at as start', 'b.end_at as end'])
    .where('x.connection_id', '=', connectionId)
    .where('x.href', 'in', hrefs)
    .where('a.released_at', 'is', null)
    .where(sql<boolean>`a.during && x.during`)
    .where('b.status', 'in', SEATED_STATUSES)
    .distinct()
    .execute();
  return rows;
}
