import { z } from 'zod';
import { isoFormatterInZone, type Slot } from '../../scheduling';
import { localDate, text, timezone, uuid } from '../common-schemas';

/** Bounds the work of one request (and its answer) whatever the caller asks for. */
export const MAX_DAYS_PER_REQUEST = 62;
const DAY_MS = 86_400_000;

/** Days from..to, both inclusive; local dates are calendar days, so UTC midnights count them exactly. */
function daysBetween(from: string, to: string): number {
  return (Date.parse(`${to}T00:00:00Z`) - Date.parse(`${from}T00:00:00Z`)) / DAY_MS + 1;
}

const resourceList = text(4000)
  .transform((value) => [...new Set(value.split(',').map((id) => id.trim()).filter(Boolean))])
  .pipe(z.array(uuid).min(1, 'must name at least one resource').max(100));

/** The fields alone, for the OpenAPI document; `availabilityQuery` adds the checks across fields. */
export const availabilityQueryFields = z.object({
  service: uuid.meta({ description: 'The service to book' }),
  from: localDate.meta({ description: 'First local date (in `timezone`), inclusive' }),
  to: localDate.meta({ description: `Last local date (in \`timezone\`), inclusive; at most ${MAX_DAYS_PER_REQUEST} days after from` }),
  timezone: timezone.optional()
    .meta({ description: 'Zone of from/to and of the returned times; default the first resource\'s zone' }),
  resources: resourceList.optional()
    .meta({ description: 'Comma-separated resource ids of the service to consider; default all of its resources' }),
  mode: z.enum(['one', 'all']).optional()
    .meta({ description: 'one: any of the resources is enough; all: every one must be free. Default the service\'s resource_mode' }),
  duration: z.coerce.number().int().min(1).max(1440).optional()
    .meta({ description: 'Minutes; one of the service\'s durations, default its first' }),
  spaces: z.coerce.number().int().min(1).max(10_000).default(1)
    .meta({ description: 'Seats wanted: lists only slots with at least this many left' }),
});

export const availabilityQuery = availabilityQueryFields.superRefine((query, ctx) => {
  const days = daysBetween(query.from, query.to);
  if (days < 1) {
    ctx.addIssue({ code: 'custom', path: ['to'], message: 'must be on or after from' });
  } else if (days > MAX_DAYS_PER_REQUEST) {
    ctx.addIssue({
      code: 'custom', path: ['to'],
      message: `the range covers ${days} days; ask for at most ${MAX_DAYS_PER_REQUEST} days per request`,
    });
  }
});

export type AvailabilityQuery = z.infer<typeof availabilityQuery>;

export const slotResponse = z.object({
  start: z.string().meta({ description: 'ISO 8601 with the offset of the requested zone' }),
  end: z.string(),
  resources: z.array(z.string()).meta({ description: 'The free resources, over all groups' }),
  spaces_left: z.number().int(),
  groups: z.array(z.object({ id: z.string(), resources: z.array(z.string()) }))
    .meta({ description: 'Per resource group, its free resources' }),
}).meta({ id: 'Slot' });

export const availabilityResponse = z.object({ data: z.array(slotResponse), timezone: z.string() }).meta({ id: 'Availability' });

export const availabilityDaysResponse = z.object({
  data: z.array(z.object({ date: z.string(), slots: z.array(slotResponse) })),
  timezone: z.string(),
}).meta({ id: 'AvailabilityDays' });

/**
 * Turns slots of one answer into their response in the caller's zone; the zone's offsets are
 * looked up once for all of them (`all`: every slot the answer will hold).
 */
export function slotResponder(all: Slot[], zone: string): (slot: Slot) => z.infer<typeof slotResponse> {
  const iso = isoFormatterInZone(zone, all[0]?.start ?? 0, all[all.length - 1]?.end ?? 0);
  return (slot) => ({
    start: iso(slot.start),
    end: iso(slot.end),
    resources: slot.resources,
    spaces_left: slot.spacesLeft,
    groups: slot.groups,
  });
}
