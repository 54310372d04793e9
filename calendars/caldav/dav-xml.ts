import { XMLParser } from 'fast-xml-parser';

/**
 * WebDAV/CalDAV answers (RFC 4918 multistatus) read into plain objects. Namespace prefixes are
 * dropped: the few names we read (DAV:, CalDAV and CalendarServer's getctag) do not collide.
 */

/** One property of one resource, as the parser gives it: text, or nested elements by local name. */
export type DavValue = string | { [name: string]: DavValue | DavValue[] | undefined };
export type DavProps = Record<string, DavValue | undefined>;

export interface DavResponse {
  href: string;
  /** The resource's own status (sync-collection reports a removed member as 404 here). */
  status: number | null;
  /** Properties the server answered with 200; the others (404 for "not supported") are left out. */
  props: DavProps;
}

/** A multistatus this service refuses to read: not XML, or carrying a DOCTYPE (entity tricks). */
export class DavXmlError extends Error {}

const parser = new XMLParser({
  removeNSPrefix: true,
  ignoreAttributes: false,
  attributeNamePrefix: '@_',
  parseTagValue: false,
  parseAttributeValue: false,
  processEntities: true,
  htmlEntities: false,
  isArray: (name) => ['response', 'propstat', 'href', 'comp', 'privilege'].includes(name),
});

function statusCode(line: unknown): number | null {
  const m = typeof line === 'string' ? /HTTP\/\d(?:\.\d)?\s+(\d{3})/.exec(line) : null;
  return m ? Number(m[1]) : null;
}

function asArray<T>(value: T | T[] | undefined): T[] {
  return value === undefined ? [] : Array.isArray(value) ? value : [value];
}

function parseDocument(xml: string): Record<string, unknown> {
  // No server needs a DTD to answer PROPFIND; refusing it rules out entity expansion attacks.
  if (/<!DOCTYPE|<!ENTITY/i.test(xml)) throw new DavXmlError('the server answered XML with a DOCTYPE, which is refused');
  try {
    return parser.parse(xml) as Record<string, unknown>;
  } catch (error) {
    throw new DavXmlError(`the server's answer is not XML: ${(error as Error).message.split('\n')[0]}`);
  }
}

export interface Multistatus {
  responses: DavResponse[];
  /** RFC 6578: the token to send next time, from a sync-collection report. */
  syncToken: string | null;
}

export function parseMultistatus(xml: string): Multistatus {
  const document = parseDocument(xml);
  const multistatus = document.multistatus as Record<string, unknown> | undefined;
  if (!multistatus || typeof multistatus !== 'object') {
    if (multistatus === '') return { responses: [], syncToken: null };
    throw new DavXmlError('the server answered without a multistatus');
  }
  const responses = asArray(multistatus.response as Record<string, unknown>[] | undefined).map((response): DavResponse => {
    const props: DavProps = {};
    for (const propstat of asArray(response.propstat as Record<string, unknown>[] | undefined)) {
      const code = statusCode(propstat.status);
      if (code !== null && (code < 200 || code > 299)) continue;
      Object.assign(props, propstat.prop && typeof propstat.prop === 'object' ? propstat.prop : {});
    }
    const hrefs = asArray(response.href as string[] | undefined);
    return { href: String(hrefs[0] ?? '').trim(), status: statusCode(response.status), props };
  });
  const token = multistatus['sync-token'];
  return { responses, syncToken: typeof token === 'string' && token.trim() ? token.trim() : null };
}

/** The text of a property (displayname, getetag, getctag, calendar-data), or null. */
export function textOf(value: DavValue | undefined): string | null {
  if (typeof value === 'string') return value;
  if (value && typeof value === 'object' && typeof value['#text'] === 'string') return value['#text'];
  return null;
}

/** The first href inside a property such as current-user-principal or calendar-home-set. */
export function hrefOf(value: DavValue | undefined): string | null {
  if (!value || typeof value !== 'object') return null;
  const hrefs = asArray(value.href as DavValue | DavValue[] | undefined);
  const first = hrefs.map(textOf).find((href) => href && href.trim());
  return first ? first.trim() : null;
}

/** Names of the elements inside a property (resourcetype's `calendar`, a privilege's `write`). */
export function childNames(value: DavValue | undefined): string[] {
  return value && typeof value === 'object' ? Object.keys(value).filter((name) => !name.startsWith('@_') && name !== '#text') : [];
}

/** The component names a calendar accepts (VEVENT, VTODO), or null when the server does not say. */
export function componentsOf(value: DavValue | undefined): string[] | null {
  if (!value || typeof value !== 'object') return null;
  const comps = asArray(value.comp as DavValue | DavValue[] | undefined);
  return comps.map((comp) => (comp && typeof comp === 'object' ? String(comp['@_name'] ?? '') : '').toUpperCase()).filter(Boolean);
}

/** The privileges of the current user on a resource (read, write, write-content, bind, all, …). */
export function privilegesOf(value: DavValue | undefined): string[] | null {
  if (!value || typeof value !== 'object') return null;
  return asArray(value.privilege as DavValue | DavValue[] | undefined).flatMap(childNames);
}

/** Whether an error body names a precondition, such as RFC 6578's `valid-sync-token`. */
export function namesPrecondition(xml: string, precondition: string): boolean {
  return new RegExp(`<(?:[\\w-]+:)?${precondition}\\b`).test(xml);
}

function escapeXml(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
}

export { escapeXml };
