import { z } from 'zod';
import type { CalendarConnection } from '../../db/schema';
import { httpUrl, text } from '../common-schemas';

const credentialFields = {
  username: text(500).optional().meta({ description: 'CalDAV user name (with password); never returned' }),
  password: text(1000).optional().meta({ description: 'Password or app password; sealed at rest, never returned or logged' }),
  bearer_token: text(4000).optional().meta({ description: 'OAuth bearer token instead of a password (Google\'s CalDAV endpoint); never returned' }),
};

const pollInterval = z.number().int().min(15).max(86_400)
  .meta({ description: 'Seconds between syncs (default 60); failures back off from it, doubling, up to an hour' });

const chosenCalendar = z.strictObject({
  url: httpUrl.meta({ description: 'A calendar collection URL as discovery listed it' }),
  blocks: z.boolean().optional().meta({ description: 'Its events block the resource (default true)' }),
  receives_bookings: z.boolean().optional().meta({ description: 'Confirmed bookings are written here; at most one calendar per resource' }),
});

const chosenCalendars = z.array(chosenCalendar).min(1).max(50)
  .meta({ description: 'Which of the discovered calendars block and which one receives; absent: every calendar found blocks (as `blocks` says) and the one at `url` (else the first writable) receives if `receives_bookings`' });

export const createCalendarConnectionBody = z.discriminatedUnion('type', [
  z.strictObject({
    type: z.literal('caldav'),
    url: httpUrl.meta({ description: 'A CalDAV server, calendar-home or calendar collection URL' }),
    ...credentialFields,
    blocks: z.boolean().default(true),
    receives_bookings: z.boolean().default(false),
    calendars: chosenCalendars.optional(),
    poll_interval_seconds: pollInterval.optional(),
    include_tentative: z.boolean().optional().meta({ description: 'STATUS:TENTATIVE events block too (default true)' }),
  }).meta({ id: 'CreateCalDavConnection' }),
  z.strictObject({
    type: z.literal('ics'),
    url: httpUrl.meta({ description: 'An iCalendar feed URL (read-only; blocks); webcal:// is written https://' }),
    ...credentialFields,
    poll_interval_seconds: pollInterval.optional(),
    include_tentative: z.boolean().optional(),
  }).meta({ id: 'CreateIcsConnection' }),
]).meta({ id: 'CreateCalendarConnection' });

export const updateCalendarConnectionBody = z.strictObject({
  ...credentialFields,
  calendars: chosenCalendars.optional(),
  poll_interval_seconds: pollInterval.optional(),
  include_tentative: z.boolean().optional(),
}).meta({ id: 'UpdateCalendarConnection' });

export const calendarConnectionResponse = z.object({
  id: z.string(),
  resource_id: z.string(),
  type: z.enum(['caldav', 'ics']),
  url: z.string(),
  calendars: z.array(z.object({
    url: z.string(), display_name: z.string().nullable(), blocks: z.boolean(), receives_bookings: z.boolean(),
  })),
  has_credentials: z.boolean().meta({ description: 'Credentials are stored (sealed); they are never shown' }),
  poll_interval_seconds: z.number().int(),
  include_tentative: z.boolean(),
  state: z.enum(['pending', 'ok', 'failing', 'auth_failed'])
    .meta({ description: 'pending: not synced yet; failing: the last sync failed (retried with backoff); auth_failed: credentials refused (retried hourly, or after a PATCH or POST .../sync)' }),
  last_synced_at: z.string().nullable(),
  last_error: z.string().nullable(),
  created_at: z.string(),
  updated_at: z.string(),
}).meta({ id: 'CalendarConnection' });

export const calendarConnectionList = z.object({ data: z.array(calendarConnectionResponse) }).meta({ id: 'CalendarConnectionList' });

export function toCalendarConnectionResponse(connection: CalendarConnection): z.infer<typeof calendarConnectionResponse> {
  return {
    id: connection.id,
    resource_id: connection.resource_id,
    type: connection.type,
    url: connection.url,
    calendars: connection.calendars.map((calendar) => ({
      url: calendar.url, display_name: calendar.display_name, blocks: calendar.blocks, receives_bookings: calendar.receives,
    })),
    has_credentials: connection.credentials_sealed !== null,
    poll_interval_seconds: connection.poll_interval_seconds,
    include_tentative: connection.include_tentative,
    state: connection.state,
    last_synced_at: connection.last_synced_at?.toISOString() ?? null,
    last_error: connection.last_error,
    created_at: connection.created_at.toISOString(),
    updated_at: connection.updated_at.toISOString(),
  };
}
