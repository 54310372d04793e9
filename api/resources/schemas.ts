import { z } from 'zod';
import type { Resource } from '../../db/schema';
import { isoInZone } from '../../scheduling';
import { localDate, localInterval, metadata, pageQuery, text, timezone } from '../common-schemas';

const WEEKDAYS = ['monday', 'tuesday', 'wednesday', 'thursday', 'friday', 'saturday', 'sunday'] as const;

/** Intervals of one day must not overlap: an overlap is almost always a typo in the schedule. */
const dayIntervals = z.array(localInterval).max(24).refine((intervals) => {
  const sorted = [...intervals].sort((a, b) => a.start.localeCompare(b.start));
  return sorted.every((interval, index) => index === 0 || sorted[index - 1].end <= interval.start);
}, { message: 'intervals of one day must not overlap' });

export const weeklySchedule = z.strictObject(
  Object.fromEntries(WEEKDAYS.map((day) => [day, dayIntervals.optional()])) as Record<(typeof WEEKDAYS)[number], z.ZodOptional<typeof dayIntervals>>,
).meta({ description: 'Open intervals per weekday in the resource\'s local time, e.g. {"monday": [{"start": "09:00", "end": "12:00"}]}' });

export const dateOverride = z.object({
  date: localDate,
  intervals: dayIntervals.meta({ description: 'Open intervals on that date; [] means closed all day' }),
});

const resourceFields = {
  name: text(200).trim().min(1),
  timezone,
  weekly_schedule: weeklySchedule,
  date_overrides: z.array(dateOverride).max(1000).default([]).refine(
    (overrides) => new Set(overrides.map((override) => override.date)).size === overrides.length,
    { message: 'each date may be overridden once' },
  ),
  valid_from: localDate.nullable().default(null),
  valid_until: localDate.nullable().default(null),
  email: text(320).trim().regex(/^[^\s@]+@[^\s@]+\.[^\s@]+$/, 'must be an e-mail address').nullable().default(null)
    .meta({ description: 'The host\'s address: new-booking and cancellation notices go there' }),
  metadata: metadata.default({}),
};

function validityInOrder(value: { valid_from?: string | null; valid_until?: string | null }) {
  return !value.valid_from || !value.valid_until || value.valid_from <= value.valid_until;
}

export const createResourceBody = z.strictObject(resourceFields)
  .refine(validityInOrder, { message: 'valid_until must not be before valid_from', path: ['valid_until'] })
  .meta({ id: 'CreateResource' });

export const updateResourceBody = z.strictObject({
  name: resourceFields.name.optional(),
  timezone: timezone.optional(),
  weekly_schedule: weeklySchedule.optional(),
  date_overrides: z.array(dateOverride).max(1000).optional(),
  valid_from: localDate.nullable().optional(),
  valid_until: localDate.nullable().optional(),
  email: resourceFields.email.removeDefault().optional(),
  metadata: metadata.optional(),
}).refine(validityInOrder, { message: 'valid_until must not be before valid_from', path: ['valid_until'] })
  .meta({ id: 'UpdateResource' });

export const listResourcesQuery = z.object(pageQuery);

export const resourceResponse = z.object({
  id: z.string(), name: z.string(), timezone: z.string(), weekly_schedule: weeklySchedule,
  date_overrides: z.array(dateOverride), valid_from: z.string().nullable(), valid_until: z.string().nullable(),
  email: z.string().nullable(), metadata: z.record(z.string(), z.unknown()), created_at: z.string(), updated_at: z.string(),
}).meta({ id: 'Resource' });

export function toResourceResponse(resource: Resource): z.infer<typeof resourceResponse> {
  return {
    id: resource.id,
    name: resource.name,
    timezone: resource.timezone,
    weekly_schedule: resource.weekly_schedule,
    date_overrides: resource.date_overrides,
    valid_from: resource.valid_from,
    valid_until: resource.valid_until,
    email: resource.email,
    metadata: resource.metadata,
    created_at: isoInZone(resource.created_at.getTime(), resource.timezone),
    updated_at: isoInZone(resource.updated_at.getTime(), resource.timezone),
  };
}
