import { DateTime, IANAZone } from 'luxon';
import { z } from 'zod';
import { LONE_SURROGATE, text } from '../workflows/text';

export { text };

export const uuid = z.string().regex(/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i, 'must be a UUID');

export const timezone = text(100).refine((value) => IANAZone.isValidZone(value), {
  message: 'must be an IANA time zone such as Europe/Paris',
});

/**
 * Dates a request may name. Wide enough for any real booking, narrow enough that no date can
 * overflow a computation or a PostgreSQL timestamp on its way through.
 */
export const EARLIEST_YEAR = 2000;
export const LATEST_YEAR = 2200;
const yearMessage = `must lie in the years ${EARLIEST_YEAR} to ${LATEST_YEAR}`;

/** An instant: ISO 8601 with an offset or Z, so it means one moment wherever it is read. */
export const instant = text(64)
  .meta({ format: 'date-time', examples: ['2027-03-01T09:00:00+01:00'] })
  .refine((value) => /([+-]\d{2}:?\d{2}|Z)$/i.test(value) && DateTime.fromISO(value, { setZone: true }).isValid, {
    message: 'must be an ISO 8601 date-time with an offset, e.g. 2026-12-01T09:00:00+01:00',
    abort: true,
  })
  .refine((value) => {
    const year = DateTime.fromISO(value).toUTC().year;
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

export const localDate = text(10)
  .meta({ format: 'date' })
  .regex(/^\d{4}-\d{2}-\d{2}$/, 'must be a date YYYY-MM-DD')
  .refine((value) => DateTime.fromISO(value).isValid, { message: 'is not a calendar date', abort: true })
  .refine((value) => {
    const year = Number(value.slice(0, 4));
    return year >= EARLIEST_YEAR && year <= LATEST_YEAR;
  }, { message: yearMessage });

const localTime = z.string().regex(/^(([01]\d|2[0-3]):[0-5]\d|24:00)$/, 'must be a time HH:mm (00:00 to 24:00)');

export const localInterval = z.object({ start: localTime, end: localTime })
  .refine((interval) => interval.end > interval.start, { message: 'end must be after start', path: ['end'] });

export const metadata = z.record(z.string(), z.unknown())
  .refine((value) => JSON.stringify(value).length <= 16_384, { message: 'must be at most 16 kB of JSON' })
  .refine((value) => everyStringIsStorable(value), {
    message: 'must not contain NUL characters or lone surrogates in any key or value',
  });

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
  cursor: text(500).optional(),
};

/** RFC 9457; refusals add their own members (e.g. session_id), hence open to more. */
export const problemSchema = z.looseObject({
  type: z.string(), title: z.string(), status: z.number().int(), detail: z.string(), instance: z.string().optional(),
  code: z.string().optional(),
  errors: z.array(z.object({ path: z.string(), message: z.string() })).optional()
    .meta({ description: 'Each field at fault: `customer.email`, `query.status`, `header.Idempotency-Key`' }),
}).meta({ id: 'Problem' });
