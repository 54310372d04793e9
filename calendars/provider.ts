/**
 * The seam between calendar sync and the servers it talks to. The sync workflow's activities know
 * only this interface; a provider per connection type (CalDAV, ICS feed; later Google's or
 * Microsoft's native APIs) implements it.
 */

/** One calendar object as the server holds it: an iCalendar text with its href and ETag. */
export interface RemoteCalendarObject {
  href: string;
  etag: string | null;
  ics: string;
}

export interface CalendarChanges {
  changed: RemoteCalendarObject[];
  /** hrefs of objects removed since `syncState`. */
  removed: string[];
  /** true: `changed` is the whole calendar (in the window), so anything not in it is gone. */
  complete: boolean;
  /** Opaque state for the next incremental call (a sync token, a ctag, an ETag map), or null. */
  syncState: string | null;
}

export interface DiscoveredCalendar {
  url: string;
  displayName: string | null;
  writable: boolean;
}

export interface CalendarCredentials {
  username?: string;
  password?: string;
  bearerToken?: string;
}

export interface CalendarProvider {
  discover(url: string, credentials: CalendarCredentials): Promise<DiscoveredCalendar[]>;
  fetchChanges(
    calendarUrl: string,
    credentials: CalendarCredentials,
    syncState: string | null,
    window: { from: Date; to: Date },
  ): Promise<CalendarChanges>;
  putEvent?(
    calendarUrl: string,
    credentials: CalendarCredentials,
    uid: string,
    ics: string,
    etag: string | null,
  ): Promise<{ href: string; etag: string | null }>;
  deleteEvent?(href: string, credentials: CalendarCredentials, etag: string | null): Promise<void>;
}

/** The server refused the credentials (401/403): the connection goes to `auth_failed`, no retries. */
export class CalendarAuthError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'CalendarAuthError';
  }
}

/** The server or feed answered something this service refuses (too large, not iCalendar, …). */
export class CalendarRefusedError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'CalendarRefusedError';
  }
}

/**
 * The UID of the VEVENT this service writes for a booking. The sync recognises its own events by
 * this shape and does not count them as busy (the booking already is).
 */
const BOOKING_UID_SUFFIX = '@bookings.orchestrator';

export function bookingEventUid(bookingId: string): string {
  return `booking-${bookingId}${BOOKING_UID_SUFFIX}`;
}

/** The booking id a UID was derived from, or null when the event is not one of ours. */
export function bookingIdFromUid(uid: string): string | null {
  const m = /^booking-(.+)@bookings\.orchestrator$/.exec(uid);
  return m ? m[1]! : null;
}

/** The Authorization header a calendar server is sent: a bearer token (Google's CalDAV) or Basic. */
export function authorization(credentials: CalendarCredentials): Record<string, string> {
  if (credentials.bearerToken) return { authorization: `Bearer ${credentials.bearerToken}` };
  if (credentials.username !== undefined) {
    return { authorization: `Basic ${Buffer.from(`${credentials.username}:${credentials.password ?? ''}`).toString('base64')}` };
  }
  return {};
}
