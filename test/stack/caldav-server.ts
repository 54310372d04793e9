import { randomBytes } from 'node:crypto';
import type { CalendarCredentials } from '../../calendars/provider';
import type { OutboundPolicy } from '../../outbound/address-policy';

/**
 * The run's Radicale (started by the global setup) as a test sees it: its root, the host's
 * credentials, a policy that lets 127.0.0.1 through, and raw WebDAV calls that play the host
 * editing their calendar in another client.
 */
export interface CalDavFixture {
  url: string;
  credentials: CalendarCredentials & { username: string; password: string };
  policy: OutboundPolicy;
  /** A new calendar collection of its own under the host's home; its URL ends with a slash. */
  newCalendar(displayName: string): Promise<string>;
  putIcs(calendarUrl: string, name: string, ics: string): Promise<string>;
  deleteObject(href: string): Promise<number>;
  /** The iCalendar texts in a collection, by href. */
  objects(calendarUrl: string): Promise<Map<string, string>>;
}

export function caldavFixture(base: { url?: string; username?: string; password?: string } = {}): CalDavFixture {
  const url = base.url ?? process.env.TEST_CALDAV_URL;
  const username = base.username ?? process.env.TEST_CALDAV_USER;
  const password = base.password ?? process.env.TEST_CALDAV_PASSWORD;
  if (!url || !username || !password) throw new Error('CalDAV tests run under the jest global setup (npm test)');
  const authorization = `Basic ${Buffer.from(`${username}:${password}`).toString('base64')}`;
  const host = new URL(url).hostname;
  const call = (method: string, target: string, body?: string, headers: Record<string, string> = {}) =>
    fetch(target, { method, body, headers: { authorization, ...headers } });
  return {
    url,
    credentials: { username, password },
    policy: { allowedHosts: [host], allowHttp: true },
    async newCalendar(displayName) {
      const calendarUrl = new URL(`/${username}/${displayName.replace(/\W/g, '-').toLowerCase()}-${randomBytes(4).toString('hex')}/`, url).toString();
      const answer = await call('MKCALENDAR', calendarUrl, `<?xml version="1.0" encoding="utf-8"?>
<c:mkcalendar xmlns:d="DAV:" xmlns:c="urn:ietf:params:xml:ns:caldav"><d:set><d:prop>
<d:displayname>${displayName.replace(/&/g, "&amp;").replace(/</g, "&lt;")}</d:displayname>
<c:supported-calendar-component-set><c:comp name="VEVENT"/></c:supported-calendar-component-set>
</d:prop></d:set></c:mkcalendar>`, { 'content-type': 'application/xml' });
      if (answer.status !== 201) throw new Error(`MKCALENDAR answered ${answer.status}: ${await answer.text()}`);
      return calendarUrl;
    },
    async putIcs(calendarUrl, name, ics) {
      const href = new URL(`${name}.ics`, calendarUrl).toString();
      const answer = await call('PUT', href, ics, { 'content-type': 'text/calendar' });
      if (answer.status !== 201 && answer.status !== 204) throw new Error(`PUT answered ${answer.status}: ${await answer.text()}`);
      return href;
    },
    async deleteObject(href) {
      return (await call('DELETE', href)).status;
    },
    async objects(calendarUrl) {
      const answer = await call('REPORT', calendarUrl, `<?xml version="1.0" encoding="utf-8"?>
<c:calendar-query xmlns:d="DAV:" xmlns:c="urn:ietf:params:xml:ns:caldav"><d:prop><c:calendar-data/></d:prop>
<c:filter><c:comp-filter name="VCALENDAR"/></c:filter></c:calendar-query>`, { depth: '1', 'content-type': 'application/xml' });
      const text = await answer.text();
      const found = new Map<string, string>();
      for (const match of text.matchAll(/<(?:\w+:)?href>([^<]+)<\/(?:\w+:)?href>[\s\S]*?<(?:\w+:)?calendar-data[^>]*>([\s\S]*?)<\/(?:\w+:)?calendar-data>/g)) {
        found.set(new URL(match[1]!, calendarUrl).toString(), match[2]!.replace(/&#13;/g, '').replace(/&lt;/g, '<').replace(/&gt;/g, '>').replace(/&amp;/g, '&'));
      }
      return found;
    },
  };
}

/** A minimal VEVENT as another calendar client would write it. */
export function plainEvent(uid: string, start: string, end: string, summary = 'Busy'): string {
  return [
    'BEGIN:VCALENDAR', 'VERSION:2.0', 'PRODID:-//test//caldav//EN', 'BEGIN:VEVENT', `UID:${uid}`,
    'DTSTAMP:20260101T000000Z', `DTSTART:${start}`, `DTEND:${end}`, `SUMMARY:${summary}`, 'END:VEVENT', 'END:VCALENDAR', '',
  ].join('\r\n');
}
