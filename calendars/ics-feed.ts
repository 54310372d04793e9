import type { OutboundPolicy } from '../outbound/address-policy';
import { requestWithinPolicy } from '../outbound/request';
import {
  authorization,
  CalendarAuthError, CalendarRefusedError,
  type CalendarChanges, type CalendarCredentials, type CalendarProvider, type DiscoveredCalendar,
} from './provider';

/** A feed larger than this is refused whole, not read in part (a part would drop busy time silently). */
export const MAX_FEED_BYTES = 5 * 1024 * 1024;
const FEED_TIMEOUT_MS = 20_000;
const MAX_REDIRECTS = 3;

/**
 * A read-only iCalendar feed (a "secret address" of Google, Outlook, iCloud or any .ics URL):
 * the whole feed is one object, fetched under the outbound policy (each redirect checked again),
 * bounded in time and size; an unchanged feed (304 to its ETag) costs no parse.
 */
export function createIcsFeedProvider(policy: OutboundPolicy, limits = { maxBytes: MAX_FEED_BYTES, timeoutMs: FEED_TIMEOUT_MS }): CalendarProvider {
  return {
    async discover(url: string): Promise<DiscoveredCalendar[]> {
      return [{ url, displayName: null, writable: false }];
    },

    async fetchChanges(calendarUrl, credentials, syncState): Promise<CalendarChanges> {
      let url = calendarUrl;
      for (let redirects = 0; ; redirects++) {
        const answer = await requestWithinPolicy(policy, {
          method: 'GET', url,
          headers: { accept: 'text/calendar', ...authorization(credentials), ...(syncState && { 'if-none-match': syncState }) },
        }, { timeoutMs: limits.timeoutMs, maxResponseBytes: limits.maxBytes });
        if (answer.statusCode === 304) return { changed: [], removed: [], complete: false, syncState };
        if (answer.statusCode === 401 || answer.statusCode === 403) {
          throw new CalendarAuthError(`the feed answered ${answer.statusCode}: its credentials are refused`);
        }
        if (answer.statusCode >= 300 && answer.statusCode < 400 && answer.headers.location) {
          if (redirects >= MAX_REDIRECTS) throw new Error(`the feed redirects more than ${MAX_REDIRECTS} times`);
          url = new URL(answer.headers.location, url).toString();
          continue;
        }
        if (answer.statusCode < 200 || answer.statusCode >= 300) throw new Error(`the feed answered ${answer.statusCode}`);
        if (answer.truncated) {
          throw new CalendarRefusedError(`the feed is larger than ${limits.maxBytes / 1024 / 1024} MB; it is refused, not read in part`);
        }
        if (!/^\s*BEGIN:VCALENDAR/i.test(answer.body.slice(0, 1000))) {
          throw new CalendarRefusedError('the feed is not an iCalendar text (it does not begin with BEGIN:VCALENDAR)');
        }
        const etag = typeof answer.headers.etag === 'string' ? answer.headers.etag : null;
        return { changed: [{ href: calendarUrl, etag, ics: answer.body }], removed: [], complete: true, syncState: etag };
      }
    },
  };
}
