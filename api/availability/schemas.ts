import { z } from 'zod';
import { fillingOrder, isoFormatterInZone, type Slot } from '../../scheduling';
import type { OpenGroups } from '../../bookings/availability';
import { instant, localDate, text, timezone, uuid, uuidList } from '../common-schemas';

/** Bounds the work of one request (and its answer) whatever the caller asks for. */
export const MAX_DAYS_PER_REQUEST = 62;
const DAY_MS = 86_400_000;

/** Days from..to, both inclusive; local dates are calendar days, so UTC midnights count them exactly. */
function daysBetween(from: string, to: string): number {
  return (Date.parse(`${to}T00:00:00Z`) - Date.parse(`${from}T00:00:00Z`)) / DAY_MS + 1;
}

const resourceList = uuidList(100)
  .transform((value) => [...new Set(value.split(',').map((id) => id.trim()).filter(Boolean))])
  .pipe(z.array(uuid).min(1, 'must name at least one resource').max(100));

/** What an answer may add on request: `resource_ids` names the free resources of every slot and group. */
const INCLUDABLE = ['resource_ids'] as const;
export type Includable = (typeof INCLUDABLE)[number];

const includeList = text(200)
  .transform((value) => [...new Set(value.split(',').map((name) => name.trim()).filter(Boolean))])
  .pipe(z.array(z.enum(INCLUDABLE)));

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
  include: includeList.optional()
    .meta({ description: 'Comma-separated; `resource_ids`: every slot and group also names its free resources (by default they are counted)' }),
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

export const MAX_RANGES_PER_SEARCH = 10;

const localRange = z.strictObject({
  from: availabilityQueryFields.shape.from,
  to: availabilityQueryFields.shape.to.meta({ description: 'Last local date, inclusive' }),
}).superRefine((range, ctx) => {
  if (daysBetween(range.from, range.to) < 1) ctx.addIssue({ code: 'custom', path: ['to'], message: 'must be on or after from' });
}).meta({ description: 'Local dates (in `timezone`), both inclusive' });

/** Appointedd's form: a stretch of time, which may be a window within a day (14:00–16:00). */
const instantRange = z.strictObject({
  start: instant.meta({ description: 'Slots starting at or after this instant' }),
  end: instant.meta({ description: 'Slots starting before this instant (exclusive)' }),
}).superRefine((range, ctx) => {
  if (range.end <= range.start) ctx.addIssue({ code: 'custom', path: ['end'], message: 'must be after start' });
}).meta({ description: 'Instants (ISO 8601 with an offset): only slots starting in [start, end)' });

/** The days a range counts against the cap: its local dates, or the days its instants span. */
function rangeDays(range: z.infer<typeof localRange> | z.infer<typeof instantRange>): number {
  return 'from' in range
    ? Math.max(0, daysBetween(range.from, range.to))
    : Math.ceil((range.end.getTime() - range.start.getTime()) / DAY_MS);
}

/**
 * Appointedd's `ranges`: several stretches in one request, the day cap over their sum. A range is
 * local dates `{from, to}` or instants `{start, end}`; the service is `service` or, as Appointedd
 * names it, `service_id`.
 */
export const availabilitySearchBody = z.strictObject({
  service: availabilityQueryFields.shape.service.optional(),
  service_id: uuid.optional().meta({ description: 'The same as `service` (Appointedd\'s name); give one of the two' }),
  ranges: z.array(z.union([localRange, instantRange])).min(1).max(MAX_RANGES_PER_SEARCH)
    .meta({ description: `Up to ${MAX_RANGES_PER_SEARCH} ranges, each of local dates {from, to} or of instants {start, end}; together at most ${MAX_DAYS_PER_REQUEST} days` }),
  timezone: availabilityQueryFields.shape.timezone,
  resources: z.array(uuid).min(1).max(100).optional()
    .meta({ description: 'Resource ids of the service to consider; default all of its resources' }),
  mode: availabilityQueryFields.shape.mode,
  duration: z.number().int().min(1).max(1440).optional()
    .meta({ description: 'Minutes; one of the service\'s durations, default its first' }),
  spaces: z.number().int().min(1).max(10_000).default(1)
    .meta({ description: 'Seats wanted: lists only slots with at least this many left' }),
  include: z.array(z.enum(INCLUDABLE)).max(INCLUDABLE.length).optional()
    .meta({ description: '["resource_ids"]: every slot and group also names its free resources (by default they are counted)' }),
}).superRefine((body, ctx) => {
  if ((body.service === undefined) === (body.service_id === undefined)) {
    ctx.addIssue({ code: 'custom', path: ['service'], message: 'give the service as service or as service_id, one of them' });
  }
  const total = body.ranges.reduce((sum, range) => sum + rangeDays(range), 0);
  if (total > MAX_DAYS_PER_REQUEST) {
    ctx.addIssue({
      code: 'custom', path: ['ranges'],
      message: `the ranges cover ${total} days together; ask for at most ${MAX_DAYS_PER_REQUEST} days per request`,
    });
  }
}).transform(({ service_id: serviceId, service, ...body }) => ({ ...body, service: (service ?? serviceId)! }))
  .meta({ id: 'AvailabilitySearch' });

export const slotResponse = z.object({
  start: z.string().meta({ description: 'ISO 8601 with the offset of the requested zone' }),
  end: z.string(),
  spaces_left: z.number().int(),
  resource_count: z.number().int().meta({ description: 'How many resources are free, over all groups' }),
  resource_ids: z.array(z.string()).optional()
    .meta({ description: 'With include=resource_ids: the free resources, over all groups, in the groups\' order' }),
  groups: z.array(z.object({
    id: z.string(),
    resource_count: z.number().int(),
    resource_ids: z.array(z.string()).optional().meta({ description: 'With include=resource_ids' }),
  })).meta({ description: 'The resource groups free at this time (a service without groups has one, `default`) and how many of their members are free' }),
  open_groups: z.array(z.object({ resource_id: z.string(), spaces_taken: z.number().int(), spaces_left: z.number().int() }))
    .optional()
    .meta({ description: 'Group appointments only (seats per slot > 1): the groups already open at this start on a free resource, fullest first; a booking joins one of these before it opens a new group' }),
}).meta({ id: 'Slot' });

export const availabilityResponse = z.object({ data: z.array(slotResponse), timezone: z.string() }).meta({ id: 'Availability' });

export const availabilitySearchResponse = z.object({
  data: z.array(z.union([
    z.object({ from: z.string(), to: z.string(), slots: z.array(slotResponse) }),
    z.object({
      start: z.string().meta({ description: 'ISO 8601 with the offset of the answer\'s zone' }), end: z.string(), slots: z.array(slotResponse),
    }),
  ])).meta({ description: 'One entry per range asked, in order, in the form it was asked' }),
  timezone: z.string(),
}).meta({ id: 'AvailabilitySearchResult' });

export const availabilityDaysResponse = z.object({
  data: z.array(z.object({ date: z.string(), slots: z.array(slotResponse) })),
  timezone: z.string(),
}).meta({ id: 'AvailabilityDays' });

/**
 * Turns slots of one answer into their response in the caller's zone; the zone's offsets are
 * looked up once for all of them (`all`: every slot the answer will hold). Free resources are
 * counted, and named only when asked (`include`): 50 ids on every slot of 60 days made a 5 MB
 * answer. Group appointments also say which open groups have seats left (they fill first).
 */
export function slotResponder(
  all: Slot[], zone: string, openGroups: OpenGroups, include: readonly Includable[] = [],
): (slot: Slot) => z.infer<typeof slotResponse> {
  const iso = isoFormatterInZone(zone, all[0]?.start ?? 0, all[all.length - 1]?.end ?? 0);
  const withIds = include.includes('resource_ids');
  return (slot) => {
    const response: z.infer<typeof slotResponse> = withIds
      ? {
        start: iso(slot.start),
        end: iso(slot.end),
        spaces_left: slot.spacesLeft,
        resource_count: slot.resources.length,
        resource_ids: slot.resources,
        groups: slot.groups.map((group) => ({ id: group.id, resource_count: group.resources.length, resource_ids: group.resources })),
      }
      : {
        start: iso(slot.start),
        end: iso(slot.end),
        spaces_left: slot.spacesLeft,
        resource_count: slot.resources.length,
        groups: slot.groups.map((group) => ({ id: group.id, resource_count: group.resources.length })),
      };
    if (openGroups.seatsPerSlot <= 1) return response;
    const taken = openGroups.takenAt.get(slot.start) ?? new Map<string, number>();
    const open = fillingOrder(slot.resources.filter((id) => (taken.get(id) ?? 0) > 0), taken);
    return {
      ...response,
      open_groups: open.map((id) => ({ resource_id: id, spaces_taken: taken.get(id)!, spaces_left: openGroups.seatsPerSlot - taken.get(id)! })),
    };
  };
}
