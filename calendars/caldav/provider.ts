import { STRICT_POLICY, type OutboundPolicy } from '../../outbound/address-policy';
import { requestWithinPolicy, type OutboundAnswer } from '../../outbound/request';
import {
  authorization,
  CalendarAuthError, CalendarRefusedError,
  type CalendarChanges, type CalendarCredentials, type CalendarProvider, type DiscoveredCalendar, type RemoteCalendarObject,
} from '../provider';
import {
  childNames, componentsOf, escapeXml, hrefOf, namesPrecondition, parseMultistatus, privilegesOf, textOf,
  type DavResponse,
} from './dav-xml';

export interface CalDavOptions {
  /** Where requests may go; loopback servers (Radicale in the tests) need an allow-list entry. */
  policy?: OutboundPolicy;
  /** One exchange, from connecting to the last byte. */
  timeoutMs?: number;
  /** The largest answer read; a larger one is refused rather than half-read. */
  maxResponseBytes?: number;
  /** hrefs per calendar-multiget report. */
  multigetBatch?: number;
  /**
   * Sync mechanisms treated as not offered, so the fallbacks (ctag and ETags, then a time-range
   * query) can be exercised against a server that offers everything.
   */
  ignore?: ('sync-token' | 'ctag')[];
}

/** A server answer other than the expected one: retried by the activity, its status kept for the record. */
export class CalDavError extends Error {
  constructor(message: string, readonly statusCode: number) {
    super(message);
    this.name = 'CalDavError';
  }
}

/**
 * The opaque sync state, by what the server offers: an RFC 6578 sync token; else the collection's
 * ctag and every member's ETag, compared on the next run; else nothing (a time-range query each time).
 */
type SyncState =
  | { kind: 'sync-token'; token: string }
  | { kind: 'ctag'; ctag: string | null; etags: Record<string, string> };

const DAV_NS = 'xmlns:d="DAV:" xmlns:c="urn:ietf:params:xml:ns:caldav" xmlns:cs="http://calendarserver.org/ns/"';
const MAX_REDIRECTS = 3;

function propfindBody(props: string[]): string {
  return `<?xml version="1.0" encoding="utf-8"?><d:propfind ${DAV_NS}><d:prop>${props.map((p) => `<${p}/>`).join('')}</d:prop></d:propfind>`;
}

/** The path of a URL as the server names members (its hrefs are paths, possibly percent-encoded differently). */
function pathKey(href: string, base: string): string {
  const path = new URL(href, base).pathname;
  try {
    return decodeURIComponent(path);
  } catch {
    return path;
  }
}

function parseState(raw: string | null): SyncState | null {
  if (!raw) return null;
  try {
    const state = JSON.parse(raw) as SyncState;
    return state && (state.kind === 'sync-token' || state.kind === 'ctag') ? state : null;
  } catch {
    return null;
  }
}

function utcStamp(date: Date): string {
  return date.toISOString().replace(/[-:]/g, '').replace(/\.\d{3}/, '');
}

/** CalDAV (RFC 4791) over plain HTTP under the outbound policy: Radicale, Nextcloud, Fastmail, iCloud, Google's endpoint. */
export function createCalDavProvider(options: CalDavOptions = {}): CalendarProvider & {
  /** The ETag the server holds for one object now, or null when it is gone. */
  currentEtag(href: string, credentials: CalendarCredentials): Promise<string | null>;
} {
  const policy = options.policy ?? STRICT_POLICY;
  const limits = { timeoutMs: options.timeoutMs ?? 30_000, maxResponseBytes: options.maxResponseBytes ?? 10 * 1024 * 1024 };
  const batch = options.multigetBatch ?? 200;
  const ignored = new Set(options.ignore ?? []);

  async function exchange(
    credentials: CalendarCredentials, method: string, url: string, headers: Record<string, string>, body?: string,
    follow = false,
  ): Promise<OutboundAnswer & { url: string }> {
    let target = url;
    for (let hop = 0; ; hop++) {
      const answer = await requestWithinPolicy(policy, {
        method, url: target,
        headers: { ...authorization(credentials), ...(body !== undefined && { 'content-type': 'application/xml; charset=utf-8' }), ...headers },
        body,
      }, limits);
      if (answer.statusCode === 401 || answer.statusCode === 403) {
        // 403 also names failed preconditions (an expired sync token); only a bare refusal is about the credentials
        if (answer.statusCode === 401 || !/<(?:[\w-]+:)?error\b/.test(answer.body)) {
          throw new CalendarAuthError(`${new URL(target).host} refused the credentials (${answer.statusCode})`);
        }
      }
      if (answer.truncated) {
        throw new CalendarRefusedError(`${new URL(target).host} answered more than ${limits.maxResponseBytes} bytes`);
      }
      const location = answer.headers.location;
      if (follow && location && [301, 302, 303, 307, 308].includes(answer.statusCode) && hop < MAX_REDIRECTS) {
        // each hop passes the policy again, so a redirect to an internal address is refused
        target = new URL(location, target).toString();
        continue;
      }
      return { ...answer, url: target };
    }
  }

  async function multistatus(
    credentials: CalendarCredentials, method: 'PROPFIND' | 'REPORT', url: string, depth: '0' | '1', body: string, follow = false,
  ) {
    const answer = await exchange(credentials, method, url, { depth }, body, follow);
    if (answer.statusCode !== 207) {
      throw new CalDavError(`${method} ${new URL(answer.url).pathname} answered ${answer.statusCode}`, answer.statusCode);
    }
    return { ...parseMultistatus(answer.body), url: answer.url };
  }

  function toCalendar(response: DavResponse, base: string): DiscoveredCalendar | null {
    if (!childNames(response.props.resourcetype).includes('calendar')) return null;
    const components = componentsOf(response.props['supported-calendar-component-set']);
    if (components && components.length > 0 && !components.includes('VEVENT')) return null;
    const privileges = privilegesOf(response.props['current-user-privilege-set']);
    const writable = privileges === null
      || privileges.some((name) => ['all', 'write', 'write-content', 'bind'].includes(name));
    return { url: new URL(response.href || base, base).toString(), displayName: textOf(response.props.displayname)?.trim() || null, writable };
  }

  const CALENDAR_PROPS = ['d:resourcetype', 'd:displayname', 'c:supported-calendar-component-set', 'd:current-user-privilege-set'];

  async function discover(url: string, credentials: CalendarCredentials): Promise<DiscoveredCalendar[]> {
    const self = await multistatus(credentials, 'PROPFIND', url, '0',
      propfindBody([...CALENDAR_PROPS, 'd:current-user-principal', 'c:calendar-home-set']), true);
    const own = self.responses[0];
    const asCalendar = own && toCalendar(own, self.url);
    if (asCalendar) return [asCalendar];
    let home = own ? hrefOf(own.props['calendar-home-set']) : null;
    if (!home) {
      const principal = own ? hrefOf(own.props['current-user-principal']) : null;
      if (principal) {
        const found = await multistatus(credentials, 'PROPFIND', new URL(principal, self.url).toString(), '0', propfindBody(['c:calendar-home-set']));
        home = found.responses[0] ? hrefOf(found.responses[0].props['calendar-home-set']) : null;
      }
    }
    // a URL that is neither a calendar nor names a home is taken as the home itself
    const homeUrl = home ? new URL(home, self.url).toString() : self.url;
    const members = await multistatus(credentials, 'PROPFIND', homeUrl, '1', propfindBody(CALENDAR_PROPS));
    return members.responses.map((response) => toCalendar(response, members.url)).filter((c): c is DiscoveredCalendar => c !== null);
  }

  async function multiget(calendarUrl: string, credentials: CalendarCredentials, hrefs: string[]): Promise<RemoteCalendarObject[]> {
    const objects: RemoteCalendarObject[] = [];
    for (let i = 0; i < hrefs.length; i += batch) {
      const body = `<?xml version="1.0" encoding="utf-8"?><c:calendar-multiget ${DAV_NS}><d:prop><d:getetag/><c:calendar-data/></d:prop>`
        + hrefs.slice(i, i + batch).map((href) => `<d:href>${escapeXml(href)}</d:href>`).join('') + '</c:calendar-multiget>';
      const answer = await multistatus(credentials, 'REPORT', calendarUrl, '1', body);
      for (const response of answer.responses) {
        const ics = textOf(response.props['calendar-data']);
        if (ics === null || (response.status !== null && response.status !== 200)) continue;
        objects.push({ href: new URL(response.href, calendarUrl).toString(), etag: textOf(response.props.getetag), ics });
      }
    }
    return objects;
  }

  /** RFC 6578: what changed since the token; an expired token starts over with the whole collection. */
  async function syncCollection(calendarUrl: string, credentials: CalendarCredentials, token: string): Promise<CalendarChanges> {
    const body = `<?xml version="1.0" encoding="utf-8"?><d:sync-collection ${DAV_NS}><d:sync-token>${escapeXml(token)}</d:sync-token>`
      + '<d:sync-level>1</d:sync-level><d:prop><d:getetag/></d:prop></d:sync-collection>';
    const answer = await exchange(credentials, 'REPORT', calendarUrl, { depth: '1' }, body);
    if (token && (answer.statusCode === 403 || answer.statusCode === 409) && namesPrecondition(answer.body, 'valid-sync-token')) {
      return syncCollection(calendarUrl, credentials, '');
    }
    if (answer.statusCode !== 207) throw new CalDavError(`sync-collection answered ${answer.statusCode}`, answer.statusCode);
    const { responses, syncToken } = parseMultistatus(answer.body);
    const calendarPath = pathKey(calendarUrl, calendarUrl);
    const members = responses.filter((response) => pathKey(response.href, calendarUrl) !== calendarPath);
    const removed = members.filter((response) => response.status === 404).map((response) => new URL(response.href, calendarUrl).toString());
    const changedHrefs = members.filter((response) => response.status !== 404).map((response) => response.href);
    const changed = await multiget(calendarUrl, credentials, changedHrefs);
    return {
      changed, removed, complete: token === '',
      syncState: syncToken ? JSON.stringify({ kind: 'sync-token', token: syncToken } satisfies SyncState) : null,
    };
  }

  /**
   * The first sync with a server that keeps sync tokens: the token now, then every event in one
   * calendar-query (servers such as Radicale load the whole collection for each report, so one
   * report beats a sync-collection and a multiget per 200 events). A change between the two is
   * reported again from that token next time, which is harmless. A calendar too large for one
   * answer is read the long way.
   */
  async function firstSync(calendarUrl: string, credentials: CalendarCredentials, token: string): Promise<CalendarChanges> {
    const body = `<?xml version="1.0" encoding="utf-8"?><c:calendar-query ${DAV_NS}><d:prop><d:getetag/><c:calendar-data/></d:prop>`
      + '<c:filter><c:comp-filter name="VCALENDAR"><c:comp-filter name="VEVENT"/></c:comp-filter></c:filter></c:calendar-query>';
    let answer;
    try {
      answer = await multistatus(credentials, 'REPORT', calendarUrl, '1', body);
    } catch (error) {
      if (error instanceof CalendarRefusedError) return syncCollection(calendarUrl, credentials, '');
      throw error;
    }
    const changed = answer.responses.flatMap((response) => {
      const ics = textOf(response.props['calendar-data']);
      return ics === null ? [] : [{ href: new URL(response.href, calendarUrl).toString(), etag: textOf(response.props.getetag), ics }];
    });
    return { changed, removed: [], complete: true, syncState: JSON.stringify({ kind: 'sync-token', token } satisfies SyncState) };
  }

  /** Without sync tokens: the ctag says whether anything changed, the members' ETags say what. */
  async function compareEtags(calendarUrl: string, credentials: CalendarCredentials, previous: SyncState & { kind: 'ctag' } | null, ctag: string | null): Promise<CalendarChanges> {
    if (previous && ctag && previous.ctag === ctag) return { changed: [], removed: [], complete: false, syncState: JSON.stringify(previous) };
    const listing = await multistatus(credentials, 'PROPFIND', calendarUrl, '1', propfindBody(['d:getetag', 'd:resourcetype']));
    const calendarPath = pathKey(calendarUrl, calendarUrl);
    const etags: Record<string, string> = {};
    for (const response of listing.responses) {
      if (pathKey(response.href, calendarUrl) === calendarPath || childNames(response.props.resourcetype).includes('collection')) continue;
      etags[response.href] = textOf(response.props.getetag) ?? '';
    }
    const before = previous?.etags ?? {};
    const changedHrefs = Object.keys(etags).filter((href) => !etags[href] || before[href] !== etags[href]);
    const removed = Object.keys(before).filter((href) => !(href in etags)).map((href) => new URL(href, calendarUrl).toString());
    return {
      changed: await multiget(calendarUrl, credentials, changedHrefs), removed, complete: previous === null,
      syncState: JSON.stringify({ kind: 'ctag', ctag, etags } satisfies SyncState),
    };
  }

  /** The last resort: every event in the window, every time. */
  async function timeRange(calendarUrl: string, credentials: CalendarCredentials, window: { from: Date; to: Date }): Promise<CalendarChanges> {
    const body = `<?xml version="1.0" encoding="utf-8"?><c:calendar-query ${DAV_NS}><d:prop><d:getetag/><c:calendar-data/></d:prop>`
      + `<c:filter><c:comp-filter name="VCALENDAR"><c:comp-filter name="VEVENT"><c:time-range start="${utcStamp(window.from)}" end="${utcStamp(window.to)}"/>`
      + '</c:comp-filter></c:comp-filter></c:filter></c:calendar-query>';
    const answer = await multistatus(credentials, 'REPORT', calendarUrl, '1', body);
    const changed = answer.responses.flatMap((response) => {
      const ics = textOf(response.props['calendar-data']);
      return ics === null ? [] : [{ href: new URL(response.href, calendarUrl).toString(), etag: textOf(response.props.getetag), ics }];
    });
    return { changed, removed: [], complete: true, syncState: null };
  }

  async function fetchChanges(
    calendarUrl: string, credentials: CalendarCredentials, syncState: string | null, window: { from: Date; to: Date },
  ): Promise<CalendarChanges> {
    const previous = parseState(syncState);
    if (previous?.kind === 'sync-token' && !ignored.has('sync-token')) return syncCollection(calendarUrl, credentials, previous.token);
    const about = await multistatus(credentials, 'PROPFIND', calendarUrl, '0', propfindBody(['d:sync-token', 'cs:getctag']));
    const props = about.responses[0]?.props ?? {};
    const token = ignored.has('sync-token') ? null : textOf(props['sync-token']);
    if (token) return firstSync(calendarUrl, credentials, token);
    const ctag = ignored.has('ctag') ? null : textOf(props.getctag);
    if (ctag) return compareEtags(calendarUrl, credentials, previous?.kind === 'ctag' ? previous : null, ctag);
    return timeRange(calendarUrl, credentials, window);
  }

  async function currentEtag(href: string, credentials: CalendarCredentials): Promise<string | null> {
    const answer = await exchange(credentials, 'PROPFIND', href, { depth: '0' }, propfindBody(['d:getetag']));
    if (answer.statusCode === 404 || answer.statusCode === 410) return null;
    if (answer.statusCode !== 207) throw new CalDavError(`PROPFIND ${new URL(href).pathname} answered ${answer.statusCode}`, answer.statusCode);
    return textOf(parseMultistatus(answer.body).responses[0]?.props.getetag) ?? null;
  }

  /**
   * Creates (If-None-Match: *) or replaces (If-Match) the object named after the UID. Its href is
   * fixed by the UID, so a retry after a lost answer finds the object it created: a refused
   * precondition is settled by asking for the current ETag and writing once more over it.
   */
  async function putEvent(calendarUrl: string, credentials: CalendarCredentials, uid: string, ics: string, etag: string | null) {
    const base = calendarUrl.endsWith('/') ? calendarUrl : `${calendarUrl}/`;
    const href = new URL(`${encodeURIComponent(uid)}.ics`, base).toString();
    const put = (condition: Record<string, string>) => exchange(credentials, 'PUT', href, {
      'content-type': 'text/calendar; charset=utf-8', ...condition,
    }, ics);
    let answer = await put(etag ? { 'if-match': etag } : { 'if-none-match': '*' });
    if (answer.statusCode === 412) {
      const current = await currentEtag(href, credentials);
      answer = await put(current ? { 'if-match': current } : { 'if-none-match': '*' });
    }
    if (answer.statusCode < 200 || answer.statusCode > 299) {
      throw new CalDavError(`PUT ${new URL(href).pathname} answered ${answer.statusCode}`, answer.statusCode);
    }
    return { href, etag: answer.headers.etag ?? await currentEtag(href, credentials) };
  }

  /** Removes the object; one already gone counts as removed, and one edited since is removed all the same. */
  async function deleteEvent(href: string, credentials: CalendarCredentials, etag: string | null): Promise<void> {
    let answer = await exchange(credentials, 'DELETE', href, etag ? { 'if-match': etag } : {});
    if (answer.statusCode === 412) answer = await exchange(credentials, 'DELETE', href, {});
    if (answer.statusCode === 404 || answer.statusCode === 410) return;
    if (answer.statusCode < 200 || answer.statusCode > 299) {
      throw new CalDavError(`DELETE ${new URL(href).pathname} answered ${answer.statusCode}`, answer.statusCode);
    }
  }

  return { discover, fetchChanges, putEvent, deleteEvent, currentEtag };
}
