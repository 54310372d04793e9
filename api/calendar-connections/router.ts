import { Router } from 'express';
import type { Client } from '@temporalio/client';
import type { Kysely } from 'kysely';
import {
  deleteCalendarConnection, findCalendarConnection, insertCalendarConnection, listCalendarConnections,
  otherReceivingConnection, updateCalendarConnection,
} from '../../db/calendar-connections';
import { findResource } from '../../db/resources';
import type { CalendarConnectionType, ConnectedCalendar, Database } from '../../db/schema';
import { sealCredentials } from '../../calendars/credentials';
import { CalendarAuthError, type CalendarCredentials, type CalendarProvider, type DiscoveredCalendar } from '../../calendars/provider';
import type { OutboundPolicy } from '../../outbound/address-policy';
import { organizationOf } from '../auth';
import { Conflict, InvalidInput, NotFound } from '../errors';
import { requireOutboundUrl } from '../outbound-url';
import { parseInput, pathId } from '../validation';
import {
  createCalendarConnectionBody, toCalendarConnectionResponse, updateCalendarConnectionBody,
} from './schemas';
import { ensureSyncWorkflow, syncNow, tellSyncWorkflow } from './sync-workflow';

export interface CalendarConnectionsDeps {
  db: Kysely<Database>;
  temporal: Client;
  taskQueue: string;
  outbound: OutboundPolicy;
  providers: Record<CalendarConnectionType, CalendarProvider>;
}

function credentialsOf(body: { username?: string; password?: string; bearer_token?: string }): CalendarCredentials {
  return {
    ...(body.username !== undefined && { username: body.username }),
    ...(body.password !== undefined && { password: body.password }),
    ...(body.bearer_token !== undefined && { bearerToken: body.bearer_token }),
  };
}

/** The calendars found at the URL; a refusal by the server is the request's fault, named by field. */
async function discover(provider: CalendarProvider, url: string, credentials: CalendarCredentials): Promise<DiscoveredCalendar[]> {
  try {
    const found = await provider.discover(url, credentials);
    if (found.length === 0) throw new InvalidInput([{ path: 'url', message: 'no calendar was found at this URL' }]);
    return found;
  } catch (error) {
    if (error instanceof InvalidInput) throw error;
    if (error instanceof CalendarAuthError) {
      throw new InvalidInput([{ path: 'password', message: `the server refused the credentials: ${error.message}` }]);
    }
    throw new InvalidInput([{ path: 'url', message: `the calendar server could not be read: ${(error as Error).message}` }]);
  }
}

function sameCalendar(a: string, b: string): boolean {
  const path = (url: string) => new URL(url).pathname.replace(/\/?$/, '/');
  return new URL(a).origin === new URL(b).origin && path(a) === path(b);
}

/**
 * The calendars chosen: as listed by the caller (each must be one discovery found), else every
 * calendar found blocking as `blocks` says, the one at `url` (or the first writable) receiving.
 */
function choose(
  found: DiscoveredCalendar[], url: string,
  wanted: { blocks: boolean; receivesBookings: boolean; calendars?: { url: string; blocks?: boolean; receives_bookings?: boolean }[] },
): ConnectedCalendar[] {
  if (wanted.calendars) {
    const chosen = wanted.calendars.map((choice, index) => {
      const match = found.find((calendar) => sameCalendar(calendar.url, choice.url));
      if (!match) throw new InvalidInput([{ path: `calendars.${index}.url`, message: 'is not one of the calendars found at url' }]);
      if (choice.receives_bookings && !match.writable) {
        throw new InvalidInput([{ path: `calendars.${index}.receives_bookings`, message: 'this calendar cannot be written to' }]);
      }
      return { url: match.url, display_name: match.displayName, blocks: choice.blocks ?? true, receives: choice.receives_bookings ?? false };
    });
    if (chosen.filter((calendar) => calendar.receives).length > 1) {
      throw new InvalidInput([{ path: 'calendars', message: 'at most one calendar receives bookings' }]);
    }
    return chosen;
  }
  const receiving = !wanted.receivesBookings ? null
    : found.find((calendar) => calendar.writable && sameCalendar(calendar.url, url)) ?? found.find((calendar) => calendar.writable);
  if (wanted.receivesBookings && !receiving) {
    throw new InvalidInput([{ path: 'receives_bookings', message: 'no calendar found at url can be written to' }]);
  }
  return found.map((calendar) => ({
    url: calendar.url, display_name: calendar.displayName, blocks: wanted.blocks, receives: calendar === receiving,
  }));
}

/** A resource's connections to its host's calendars (CalDAV servers, ICS feeds); the organization's API key only. */
export function calendarConnectionsRouter(deps: CalendarConnectionsDeps): Router {
  const { db } = deps;
  const router = Router();

  async function resourceOf(organizationId: string, id: string) {
    const resource = await findResource(db, organizationId, pathId(id, 'resource'));
    if (!resource) throw new NotFound(`resource ${id} not found`);
    return resource;
  }

  async function connectionOf(organizationId: string, resourceId: string, id: string) {
    const connection = await findCalendarConnection(db, organizationId, pathId(id, 'calendar connection'));
    if (!connection || connection.resource_id !== resourceId) throw new NotFound(`calendar connection ${id} not found`);
    return connection;
  }

  router.post('/resources/:id/calendars', async (req, res) => {
    const organizationId = organizationOf(req);
    const resource = await resourceOf(organizationId, req.params.id);
    const body = parseInput(createCalendarConnectionBody, req.body);
    await requireOutboundUrl(deps.outbound, body.url, 'url');
    for (const [index, calendar] of (body.type === 'caldav' ? body.calendars ?? [] : []).entries()) {
      await requireOutboundUrl(deps.outbound, calendar.url, `calendars.${index}.url`);
    }
    const credentials = credentialsOf(body);
    const found = await discover(deps.providers[body.type], body.url, credentials);
    const calendars = body.type === 'caldav'
      ? choose(found, body.url, { blocks: body.blocks, receivesBookings: body.receives_bookings, calendars: body.calendars })
      : found.map((calendar) => ({ url: calendar.url, display_name: calendar.displayName, blocks: true, receives: false }));
    if (calendars.some((calendar) => calendar.receives) && await otherReceivingConnection(db, resource.id, null)) {
      throw new Conflict('receiving_calendar_taken', 'another connection of this resource already receives its bookings');
    }
    const connection = await db.transaction().execute(async (trx) => {
      const inserted = await insertCalendarConnection(trx, {
        organizationId, resourceId: resource.id, type: body.type, url: body.url, calendars,
        pollIntervalSeconds: body.poll_interval_seconds, includeTentative: body.include_tentative,
      });
      const sealed = await sealCredentials(trx, inserted.id, credentials);
      return sealed ? (await updateCalendarConnection(trx, organizationId, inserted.id, { credentialsSealed: sealed }))! : inserted;
    });
    await ensureSyncWorkflow(deps.temporal, deps.taskQueue, connection, resource.name);
    res.status(201).json(toCalendarConnectionResponse(connection));
  });

  router.get('/resources/:id/calendars', async (req, res) => {
    const organizationId = organizationOf(req);
    const resource = await resourceOf(organizationId, req.params.id);
    res.json({ data: (await listCalendarConnections(db, organizationId, resource.id)).map(toCalendarConnectionResponse) });
  });

  router.get('/resources/:id/calendars/:cid', async (req, res) => {
    const organizationId = organizationOf(req);
    const resource = await resourceOf(organizationId, req.params.id);
    res.json(toCalendarConnectionResponse(await connectionOf(organizationId, resource.id, req.params.cid)));
  });

  router.patch('/resources/:id/calendars/:cid', async (req, res) => {
    const organizationId = organizationOf(req);
    const resource = await resourceOf(organizationId, req.params.id);
    const existing = await connectionOf(organizationId, resource.id, req.params.cid);
    const body = parseInput(updateCalendarConnectionBody, req.body);
    const newCredentials = credentialsOf(body);
    const credentialsChange = Object.keys(newCredentials).length > 0;
    let calendars: ConnectedCalendar[] | undefined;
    if (body.calendars) {
      if (existing.type === 'ics') throw new InvalidInput([{ path: 'calendars', message: 'an ICS feed is one calendar; there is nothing to choose' }]);
      for (const [index, calendar] of body.calendars.entries()) await requireOutboundUrl(deps.outbound, calendar.url, `calendars.${index}.url`);
      const found = existing.calendars.map((calendar) => ({ url: calendar.url, displayName: calendar.display_name, writable: true }));
      calendars = choose(found, existing.url, { blocks: true, receivesBookings: false, calendars: body.calendars });
      if (calendars.some((calendar) => calendar.receives) && await otherReceivingConnection(db, resource.id, existing.id)) {
        throw new Conflict('receiving_calendar_taken', 'another connection of this resource already receives its bookings');
      }
    }
    const updated = await db.transaction().execute(async (trx) => updateCalendarConnection(trx, organizationId, existing.id, {
      calendars, pollIntervalSeconds: body.poll_interval_seconds, includeTentative: body.include_tentative,
      ...(credentialsChange && { credentialsSealed: await sealCredentials(trx, existing.id, newCredentials) }),
    }));
    if (!updated) throw new NotFound(`calendar connection ${req.params.cid} not found`);
    await ensureSyncWorkflow(deps.temporal, deps.taskQueue, updated, resource.name);
    await tellSyncWorkflow(deps.temporal, updated.id);
    res.json(toCalendarConnectionResponse(updated));
  });

  router.delete('/resources/:id/calendars/:cid', async (req, res) => {
    const organizationId = organizationOf(req);
    const resource = await resourceOf(organizationId, req.params.id);
    const existing = await connectionOf(organizationId, resource.id, req.params.cid);
    // The row's delete takes its credentials' key (shredding them) and its busy time with it.
    await deleteCalendarConnection(db, organizationId, existing.id);
    await tellSyncWorkflow(deps.temporal, existing.id);
    res.status(204).end();
  });

  router.post('/resources/:id/calendars/:cid/sync', async (req, res) => {
    const organizationId = organizationOf(req);
    const resource = await resourceOf(organizationId, req.params.id);
    const existing = await connectionOf(organizationId, resource.id, req.params.cid);
    await syncNow(deps.temporal, deps.taskQueue, existing, resource.name);
    res.json(toCalendarConnectionResponse((await findCalendarConnection(db, organizationId, existing.id))!));
  });

  return router;
}
