import { DateTime } from 'luxon';
import { z } from 'zod';
import type { ServiceWithResources } from '../../db/services';
import { durationMinutes } from '../../domain/booking-payloads';
import { metadata, pageQuery, text, uuid } from '../common-schemas';
import { servicePageDefaults, servicePageFields, servicePageResponse, toServicePageResponse } from './page-schemas';

const minutes = (max: number) => z.number().int().min(0).max(max);

const serviceFields = {
  name: text(200).trim().min(1),
  durations_minutes: z.array(durationMinutes).min(1).max(12)
    .meta({ uniqueItems: true })
    .refine((values) => new Set(values).size === values.length, { message: 'durations must be distinct' })
    .meta({ description: 'Bookable durations; the first is the default' }),
  slot_step_minutes: z.number().int().min(1).max(1440).nullable()
    .meta({ description: 'Distance between slot starts; null = the booked duration' }),
  buffer_before_minutes: minutes(720),
  buffer_after_minutes: minutes(720),
  min_notice_minutes: minutes(525_600),
  horizon_days: z.number().int().min(1).max(3650).nullable()
    .meta({ description: 'Bookable this many days ahead; null = the default of 730 days (2 years)' }),
  hold_ttl_seconds: z.number().int().min(1).max(86_400)
    .meta({ description: 'How long a held booking waits for the customer\'s details before it expires' }),
  requires_approval: z.boolean(),
  approval_ttl_seconds: z.number().int().min(1).max(30 * 86_400)
    .meta({ description: 'How long the host has to confirm or decline before the booking expires' }),
  seats_per_slot: z.number().int().min(1).max(10_000),
  resource_ids: z.array(uuid).min(1).max(100)
    .meta({ uniqueItems: true })
    .refine((ids) => new Set(ids).size === ids.length, { message: 'resources must be distinct' }),
  resource_mode: z.enum(['one', 'all']).meta({ description: 'one: any listed resource; all: every listed resource' }),
  reminder_offsets_seconds: z.array(z.number().int().min(1).max(365 * 86_400)).max(10)
    .meta({ description: 'Reminders before the start, e.g. [86400, 3600] for a day and an hour before' }),
  promotion: z.enum(['offer', 'auto_confirm'])
    .meta({ description: 'Sessions: a waiting booking promoted to a freed seat is held with its own hold TTL (offer; if it lapses the seat moves on) or confirmed at once (auto_confirm)' }),
  exclusive_customer: z.boolean()
    .meta({ description: 'A customer (by e-mail) may not hold two overlapping bookings: the second is 409 customer_overlap' }),
  check_in_window_hours: z.number().min(0).max(720)
    .meta({ description: 'Presence or absence may be recorded from the start until this many hours after the end (fractions allowed)' }),
  resource_groups: z.array(z.strictObject({
    name: text(100).trim().min(1),
    resource_ids: z.array(uuid).min(1).max(100)
      .refine((ids) => new Set(ids).size === ids.length, { message: 'resources must be distinct' }),
    mode: z.enum(['one', 'all']).default('one').meta({ description: 'one: a free member is enough (one is booked); all: every member is booked' }),
  })).max(20)
    .refine((groups) => new Set(groups.map((group) => group.name)).size === groups.length, { message: 'group names must be distinct' })
    .meta({ description: 'Named groups of the service\'s resources (each a member of resource_ids). resource_mode then says whether all groups are needed at once or any one group serves a booking' }),
  ...servicePageFields,
  metadata,
};

export const createServiceBody = z.strictObject({
  ...serviceFields,
  slot_step_minutes: serviceFields.slot_step_minutes.default(null),
  buffer_before_minutes: serviceFields.buffer_before_minutes.default(0),
  buffer_after_minutes: serviceFields.buffer_after_minutes.default(0),
  min_notice_minutes: serviceFields.min_notice_minutes.default(0),
  horizon_days: serviceFields.horizon_days.default(null),
  hold_ttl_seconds: serviceFields.hold_ttl_seconds.default(600),
  requires_approval: serviceFields.requires_approval.default(false),
  approval_ttl_seconds: serviceFields.approval_ttl_seconds.default(86_400),
  seats_per_slot: serviceFields.seats_per_slot.default(1),
  resource_mode: serviceFields.resource_mode.default('one'),
  reminder_offsets_seconds: serviceFields.reminder_offsets_seconds.default([]),
  promotion: serviceFields.promotion.default('offer'),
  exclusive_customer: serviceFields.exclusive_customer.default(false),
  resource_groups: serviceFields.resource_groups.default([]),
  check_in_window_hours: serviceFields.check_in_window_hours.default(48),
  ...servicePageDefaults,
  metadata: metadata.default({}),
}).superRefine((body, ctx) => {
  for (const issue of groupMembersOutside(body.resource_groups, body.resource_ids)) ctx.addIssue({ code: 'custom', ...issue });
  if (body.public && !body.slug) ctx.addIssue({ code: 'custom', path: ['slug'], message: 'a public service needs a slug' });
}).meta({ id: 'CreateService' });

/** Group members that are not among the service's resources, as issues naming each. */
export function groupMembersOutside(
  groups: { resource_ids: string[] }[], resourceIds: string[],
): { path: (string | number)[]; message: string }[] {
  return groups.flatMap((group, index) => group.resource_ids
    .map((id, position) => ({ id, position }))
    .filter(({ id }) => !resourceIds.includes(id))
    .map(({ id, position }) => ({
      path: ['resource_groups', index, 'resource_ids', position], message: `resource ${id} is not one of the service's resource_ids`,
    })));
}

export const updateServiceBody = z.strictObject(
  Object.fromEntries(Object.entries(serviceFields).map(([name, schema]) => [name, schema.optional()])) as {
    [K in keyof typeof serviceFields]: z.ZodOptional<(typeof serviceFields)[K]>
  },
).meta({ id: 'UpdateService' });

export const listServicesQuery = z.object(pageQuery);

export const serviceResponse = z.object({
  id: z.string(), name: z.string(), durations_minutes: z.array(z.number()), slot_step_minutes: z.number().nullable(),
  buffer_before_minutes: z.number(), buffer_after_minutes: z.number(), min_notice_minutes: z.number(),
  horizon_days: z.number().nullable(), hold_ttl_seconds: z.number(), requires_approval: z.boolean(),
  approval_ttl_seconds: z.number(), seats_per_slot: z.number(), resource_ids: z.array(z.string()),
  resource_mode: z.enum(['one', 'all']), reminder_offsets_seconds: z.array(z.number()),
  promotion: z.enum(['offer', 'auto_confirm']), exclusive_customer: z.boolean(), metadata: z.record(z.string(), z.unknown()),
  resource_groups: z.array(z.object({ name: z.string(), resource_ids: z.array(z.string()), mode: z.enum(['one', 'all']) })),
  check_in_window_hours: z.number(),
  ...servicePageResponse,
  created_at: z.string(), updated_at: z.string(),
}).meta({ id: 'Service' });

export function toServiceResponse(service: ServiceWithResources): z.infer<typeof serviceResponse> {
  return {
    id: service.id,
    name: service.name,
    durations_minutes: service.durations_minutes,
    slot_step_minutes: service.slot_step_minutes,
    buffer_before_minutes: service.buffer_before_minutes,
    buffer_after_minutes: service.buffer_after_minutes,
    min_notice_minutes: service.min_notice_minutes,
    horizon_days: service.horizon_days,
    hold_ttl_seconds: service.hold_ttl_seconds,
    requires_approval: service.requires_approval,
    approval_ttl_seconds: service.approval_ttl_seconds,
    seats_per_slot: service.seats_per_slot,
    resource_ids: service.resource_ids,
    resource_mode: service.resource_mode,
    reminder_offsets_seconds: service.reminder_offsets_seconds,
    promotion: service.promotion,
    exclusive_customer: service.exclusive_customer,
    resource_groups: service.resource_groups,
    check_in_window_hours: service.check_in_window_hours,
    ...toServicePageResponse(service),
    metadata: service.metadata,
    created_at: DateTime.fromJSDate(service.created_at).toUTC().toISO()!,
    updated_at: DateTime.fromJSDate(service.updated_at).toUTC().toISO()!,
  };
}
