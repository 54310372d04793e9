import { createHash } from 'node:crypto';
import { WorkflowNotFoundError, type Client } from '@temporalio/client';
import { log } from '@temporalio/activity';
import type { Kysely } from 'kysely';
import { bookingEventId, recordBookingEvent } from '../bookings/booking-event';
import { startEventDelivery } from '../bookings/event-delivery';
import { appendBookingEvent, findBookingById } from '../db/bookings';
import {
  dropBusyOutside, findBookingsUnderBusy, findCalendarConnectionById, recordSyncOutcome, refreshBusyTime, replaceBusyObjects, type BusyObject,
} from '../db/calendar-connections';
import type { CalendarConnection, CalendarConnectionType, Database } from '../db/schema';
import { busyTimeOf } from '../calendars/busy-time';
import { unsealCredentials } from '../calendars/credentials';
import { CalendarAuthError, CalendarRefusedError, type CalendarProvider } from '../calendars/provider';
import { OutboundRefused } from '../outbound/request';
import { bookingWorkflowId, calendarConflictSignal, type CalendarSyncOutcome } from '../workflows/messages';

const DAY_MS = 86_400_000;
/** Without a service that says otherwise, busy time is kept this far ahead. */
const DEFAULT_HORIZON_DAYS = 365;
/** The sync state's key for the window's end the busy time was expanded to. */
const WINDOW_KEY = '#window_to';

export type CalendarProviders = Record<CalendarConnectionType, CalendarProvider>;

/** How far ahead the resource can be booked: the longest horizon of its services (a year if none says). */
async function horizonDays(db: Kysely<Database>, resourceId: string): Promise<number> {
  const row = await db.selectFrom('service_resources as sr').innerJoin('services as s', 's.id', 'sr.service_id')
    .select((eb) => [eb.fn.max('s.horizon_days').as('days'), eb.fn.count<string>('s.id').as('services'),
      eb.fn.count<string>('s.horizon_days').as('bounded')])
    .where('sr.resource_id', '=', resourceId).executeTakeFirst();
  // A service without a horizon books without end: a year of busy time stands for it.
  if (!row || Number(row.services) === 0 || Number(row.bounded) < Number(row.services)) return DEFAULT_HORIZON_DAYS;
  return Math.min(Math.max(Number(row.days ?? DEFAULT_HORIZON_DAYS), 1), 3 * DEFAULT_HORIZON_DAYS);
}

/** An error as the connection's last_error: our own words, never a credential (URLs carry none). */
function describe(error: unknown): string {
  if (error instanceof CalendarAuthError || error instanceof CalendarRefusedError || error instanceof OutboundRefused) return error.message;
  const message = error instanceof Error ? error.message : String(error);
  return message.replace(/(authorization|password|token)[^,;]*/gi, '$1 …').slice(0, 500);
}

function conflictStep(uid: string, start: Date): string {
  return `calendar-conflict:${createHash('sha256').update(`${uid}\n${start.toISOString()}`).digest('hex').slice(0, 16)}`;
}

/**
 * Each booking an external event newly overlaps gets one `booking.calendar_conflict` (audit and
 * webhook): the booking stands, since the customer holds it; the host decides what gives.
 */
async function reportConflicts(
  db: Kysely<Database>, temporal: Client | null, taskQueue: string | null, connection: CalendarConnection, hrefs: string[],
): Promise<number> {
  const found = await findBookingsUnderBusy(db, connection.id, hrefs);
  let reported = 0;
  for (const conflict of found) {
    const step = conflictStep(conflict.uid, conflict.start);
    const eventId = await db.transaction().execute(async (trx) => {
      const already = await trx.selectFrom('booking_events').select('id')
        .where('booking_id', '=', conflict.bookingId).where('step', '=', step).executeTakeFirst();
      if (already) return undefined;
      const booking = await findBookingById(trx, conflict.bookingId);
      if (!booking) return undefined;
      await appendBookingEvent(trx, {
        organizationId: booking.organization_id, bookingId: booking.id, step, from: booking.status, to: booking.status,
        actor: 'calendar-sync', reason: `an event in the host's calendar now overlaps this booking (connection ${connection.id}); the booking stands`,
      });
      return recordBookingEvent(trx, booking, step, 'booking.calendar_conflict', new Date());
    });
    if (eventId === undefined) continue;
    reported++;
    if (eventId && temporal && taskQueue) await startEventDelivery(db, temporal, taskQueue, eventId, conflict.organizationId);
    // The operator sees it on the booking's run too. The audit event and the webhook are the
    // durable record; a run that has ended needs no news, and a signal lost to an outage does not
    // fail the sync that found the conflict.
    await temporal?.workflow.getHandle(bookingWorkflowId(conflict.bookingId)).signal(calendarConflictSignal).catch((error: unknown) => {
      if (!(error instanceof WorkflowNotFoundError)) log.warn('calendar conflict not shown on the booking\'s run', { bookingId: conflict.bookingId, error: String(error) });
    });
  }
  return reported;
}

function outcomeOf(connection: CalendarConnection, label: string, busyIntervals: number, conflicts: number): CalendarSyncOutcome {
  return {
    gone: false, state: connection.state, lastSyncedAt: connection.last_synced_at?.toISOString() ?? null,
    lastError: connection.last_error, pollIntervalSeconds: connection.poll_interval_seconds, label, busyIntervals, conflicts,
  };
}

export interface CalendarSyncDeps {
  db: Kysely<Database>;
  providers: CalendarProviders;
  temporal: Client | null;
  /** Where conflict events' delivery workflows run. */
  taskQueue: string | null;
  now: () => Date;
}

/**
 * One sync of a connection: each blocking calendar's changes since its sync state (or all of it
 * in the window), expanded into busy intervals that replace the objects' earlier ones in one
 * transaction, so availability never sees half a calendar. Failures are the connection's state
 * (`failing`, or `auth_failed` for refused credentials), answered rather than thrown: the workflow
 * decides when to look again, so a wrong password is not retried in a storm.
 */
export async function syncCalendarConnection(deps: CalendarSyncDeps, connectionId: string): Promise<CalendarSyncOutcome> {
  const { db } = deps;
  const connection = await findCalendarConnectionById(db, connectionId);
  if (!connection) {
    return { gone: true, state: 'pending', lastSyncedAt: null, lastError: null, pollIntervalSeconds: 60, label: connectionId, busyIntervals: 0, conflicts: 0 };
  }
  const resource = await db.selectFrom('resources').select(['name', 'timezone']).where('id', '=', connection.resource_id).executeTakeFirstOrThrow();
  const label = `${resource.name} ← ${new URL(connection.url).host} (${connection.type})`;
  const now = deps.now();
  const horizon = await horizonDays(db, connection.resource_id);
  const window = { from: new Date(now.getTime() - DAY_MS), to: new Date(now.getTime() + (horizon + 1) * DAY_MS) };
  const blocking = connection.calendars.filter((calendar) => calendar.blocks).map((calendar) => calendar.url);
  // The window moves on with the days: once a day the calendars are read whole again, so that
  // recurring events' occurrences entering the horizon become busy time.
  const windowTo = connection.sync_state[WINDOW_KEY];
  const refresh = !windowTo || Date.parse(windowTo) < window.to.getTime() - DAY_MS;
  const syncState: Record<string, string> = { [WINDOW_KEY]: refresh ? window.to.toISOString() : windowTo };
  try {
    const provider = deps.providers[connection.type];
    if (!provider) throw new Error(`no provider for ${connection.type} connections in this worker`);
    const credentials = await unsealCredentials(db, connection);
    const changed: BusyObject[] = [];
    const removed: { calendarUrl: string; href: string }[] = [];
    const completeCalendars: string[] = [];
    for (const calendarUrl of blocking) {
      const changes = await provider.fetchChanges(calendarUrl, credentials, refresh ? null : connection.sync_state[calendarUrl] ?? null, window);
      for (const object of changes.changed) {
        const busyObjects = busyTimeOf(object.ics, { window, includeTentative: connection.include_tentative, resourceTimeZone: resource.timezone });
        for (const busy of busyObjects) {
          changed.push({ calendarUrl, href: object.href, uid: busy.uid, etag: object.etag, intervals: busy.intervals });
        }
        if (busyObjects.length === 0) {
          // An object with no busy time left (now transparent, cancelled, our own) still replaces its old rows.
          removed.push({ calendarUrl, href: object.href });
        }
      }
      removed.push(...changes.removed.map((href) => ({ calendarUrl, href })));
      if (changes.complete) completeCalendars.push(calendarUrl);
      if (changes.syncState) syncState[calendarUrl] = changes.syncState;
    }
    await db.transaction().execute(async (trx) => {
      const dropped = await dropBusyOutside(trx, connection.id, blocking);
      await replaceBusyObjects(trx, { id: connection.id, resourceId: connection.resource_id }, { objects: changed, removed, completeCalendars });
      // Most polls find nothing changed: the coalesced busy time then stands as it is.
      if (dropped > 0 || changed.length > 0 || removed.length > 0 || completeCalendars.length > 0) {
        await refreshBusyTime(trx, connection.resource_id);
      }
      await recordSyncOutcome(trx, connection.id, { state: 'ok', error: null, syncedAt: now, syncState });
    });
    const conflicts = await reportConflicts(db, deps.temporal, deps.taskQueue, connection, [...new Set(changed.map((c) => c.href))]);
    const busy = await db.selectFrom('external_busy_intervals').select((eb) => eb.fn.countAll<string>().as('n'))
      .where('connection_id', '=', connection.id).executeTakeFirstOrThrow();
    return outcomeOf({ ...connection, state: 'ok', last_error: null, last_synced_at: now }, label, Number(busy.n), conflicts);
  } catch (error) {
    const state = error instanceof CalendarAuthError ? 'auth_failed' : 'failing';
    const message = describe(error);
    // What was synced before stays busy: a server that is down does not free the host's time.
    await recordSyncOutcome(db, connection.id, { state, error: message, syncedAt: null });
    return outcomeOf({ ...connection, state, last_error: message }, label, 0, 0);
  }
}
