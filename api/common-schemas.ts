import { DateTime } from 'luxon';
import { z } from 'zod';
import { canonicalZoneName } from '../scheduling/zone-names';
import { LONE_SURROGATE, text } from '../domain/text';

export { text };

export const uuid = z.string().regex(/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i, 'must be a UUID');

/** An IANA zone, kept under its canonical name (see canonicalZoneName). */
export const timezone = text(100).refine((value) => canonicalZoneName(value) !== null, {
  message: 'must be an IANA time zone such as Europe/Paris',
}).transform((value) => canonicalZoneName(value)!);

/**
 * Dates a request may name. Wide enough for any real booking, narrow enough that no date can
 * overflow a computation or a PostgreSQL timestamp on its way through.
 */
export const EARLIEST_YEAR = 2000;
export const LATEST_YEAR = 2200;
const yearMessage = `must lie in the years ${EARLIEST_YEAR} to ${LATEST_YEAR}`;

/**
 * The calendar dates of the years 2000 to 2200 as a regular expression, so that the OpenAPI
 * document says exactly which dates are taken (Schemathesis and generated clients read the
 * pattern): 30-day months, February's 28 days, and the 29th in leap years (2100 and 2200 are not).
 */
const YEAR = '(2[01]\\d{2}|2200)';
const MONTH_DAY = '((0[13578]|1[02])-(0[1-9]|[12]\\d|3[01])|(0[469]|11)-(0[1-9]|[12]\\d|30)|02-(0[1-9]|1\\d|2[0-8]))';
const LEAP_DAY = '(20(0[048]|[2468][048]|[13579][26])|21(0[48]|[2468][048]|[13579][26]))-02-29';
const CALENDAR_DATE = `(${YEAR}-${MONTH_DAY}|${LEAP_DAY})`;
const TIME_WITH_OFFSET = '([01]\\d|2[0-3]):[0-5]\\d:[0-5]\\d(\\.\\d{1,3})?(Z|[+-]([01]\\d|2[0-3]):[0-5]\\d)';

/**
 * An instant: ISO 8601 with an offset or Z, so it means one moment wherever it is read. The year
 * is the one written (the caller's), which the document's pattern can state; the API also takes
 * the other ISO 8601 forms Luxon reads (no seconds, an offset without colon), which the document
 * does not promise.
 */
export const instant = text(64)
  .meta({ format: 'date-time', pattern: `^${CALENDAR_DATE}T${TIME_WITH_OFFSET}$`, examples: ['2027-03-01T09:00:00+01:00'] })
  // Luxon reads +24:00 as an offset; no zone has one, and ISO 8601 stops at 23:59.
  .refine((value) => /([+-]([01]\d|2[0-3]):?[0-5]\d|Z)$/i.test(value) && DateTime.fromISO(value, { setZone: true }).isValid, {
    message: 'must be an ISO 8601 date-time with an offset, e.g. 2026-12-01T09:00:00+01:00',
    abort: true,
  })
  .refine((value) => {
    const year = DateTime.fromISO(value, { setZone: true }).year;
    return year >= EARLIEST_YEAR && year <= LATEST_YEAR;
  }, { message: yearMessage })
  .transform((value) => DateTime.fromISO(value).toUTC().toJSDate());

/** Where we POST to: an absolute http or https URL. */
export const httpUrl = text(2000).refine((value) => {
  try {
    const url = new URL(value);
    return url.protocol === 'https:' || url.protocol === 'http:';
  } catch {
    return false;
  }
}, { message: 'must be an absolute http or https URL' });

const CALENDAR_DATE_PATTERN = new RegExp(`^${CALENDAR_DATE}$`);

/** A calendar date YYYY-MM-DD of the years 2000 to 2200; the pattern is the whole rule. */
export const localDate = text(10)
  .meta({ format: 'date' })
  .regex(/^\d{4}-\d{2}-\d{2}$/, 'must be a date YYYY-MM-DD')
  .refine((value) => {
    const year = Number(value.slice(0, 4));
    return year >= EARLIEST_YEAR && year <= LATEST_YEAR;
  }, { message: yearMessage, abort: true })
  .refine((value) => CALENDAR_DATE_PATTERN.test(value), { message: 'is not a calendar date' })
  // The checks above in one pattern, for the document (zod's own pattern is only the shape).
  .meta({ pattern: CALENDAR_DATE_PATTERN.source });

/** Comma-separated UUIDs, at most `max` of them, as a query parameter says a list. */
export function uuidList(max: number) {
  const one = '[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}';
  return text(max * 37 - 1).meta({ pattern: `^${one}(,${one}){0,${max - 1}}$` });
}

const localTime = z.string().regex(/^(([01]\d|2[0-3]):[0-5]\d|24:00)$/, 'must be a time HH:mm (00:00 to 24:00)');

export const localInterval = z.object({ start: localTime, end: localTime })
  .refine((interval) => interval.end > interval.start, { message: 'end must be after start', path: ['end'] });

/** How deep `metadata` may nest: far beyond any real use, and far below what recursion in JSON.stringify survives. */
export const METADATA_MAX_DEPTH = 32;

export const metadata = z.record(z.string(), z.unknown())
  // First, and ending the checks when it fails: the size check below recurses.
  .refine((value) => nestingDepth(value) <= METADATA_MAX_DEPTH, {
    message: `must nest at most ${METADATA_MAX_DEPTH} levels of objects and arrays`, abort: true,
  })
  .refine((value) => JSON.stringify(value).length <= 16_384, { message: 'must be at most 16 kB of JSON' })
  .refine((value) => everyStringIsStorable(value), {
    message: 'must not contain NUL characters or lone surrogates in any key or value',
  });

/** The levels of objects and arrays in a JSON value (an object of scalars is 1); walked without recursion. */
function nestingDepth(value: unknown): number {
  let deepest = 0;
  const pending: Array<[unknown, number]> = [[value, 1]];
  while (pending.length > 0) {
    const [item, depth] = pending.pop()!;
    if (item === null || typeof item !== 'object') continue;
    deepest = Math.max(deepest, depth);
    if (deepest > METADATA_MAX_DEPTH) return deepest;
    for (const child of Object.values(item)) pending.push([child, depth + 1]);
  }
  return deepest;
}

/** PostgreSQL's jsonb refuses NUL and lone surrogates; walked without recursion, however deep. */
function everyStringIsStorable(value: unknown): boolean {
  const pending: unknown[] = [value];
  while (pending.length > 0) {
    const item = pending.pop();
    if (typeof item === 'string') {
      if (item.includes('\u0000') || LONE_SURROGATE.test(item)) return false;
    } else if (item !== null && typeof item === 'object') {
      for (const [key, child] of Object.entries(item)) {
        if (key.includes('\u0000') || LONE_SURROGATE.test(key)) return false;
        pending.push(child);
      }
    }
  }
  return true;
}

export const pageQuery = {
  limit: z.coerce.number().int().min(1).max(200).default(50),
  // Every string of this pattern is a cursor (see api/cursor.ts), so the document tells the whole rule.
  cursor: z.string().regex(/^[0-9a-f]{44}$/, 'is not a cursor this API returned').optional()
    .meta({ description: 'next_cursor of the previous page' }),
};

/** RFC 9457; refusals add their own members (e.g. session_id), hence open to more. */
export const problemSchema = z.looseObject({
  type: z.string(), title: z.string(), status: z.number().int(), detail: z.string(), instance: z.string().optional(),
  code: z.string().optional(),
  errors: z.array(z.object({ path: z.string(), message: z.string() })).optional()
    .meta({ description: 'Each field at fault: `customer.email`, `query.status`, `header.Idempotency-Key`' }),
}).meta({ id: 'Problem' });
