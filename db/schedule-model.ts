import { narrowGroups, type GroupedResources, type ResourceMode, type ResourceSchedule, type ServiceRules, type WeeklySchedule } from '../scheduling';
import type { Resource } from './schema';
import type { ServiceWithResources } from './services';

/**
 * A service without its own horizon_days is bookable this far ahead. "Unlimited" let one
 * reservation in 9999 cost as much as every slot from now until then.
 */
export const DEFAULT_HORIZON_DAYS = 730;

/** The rows as the pure scheduling engine sees them. */
export function toResourceSchedule(resource: Resource): ResourceSchedule {
  return {
    id: resource.id,
    timezone: resource.timezone,
    weekly: resource.weekly_schedule as WeeklySchedule,
    overrides: resource.date_overrides,
    validFrom: resource.valid_from,
    validUntil: resource.valid_until,
  };
}

export function toServiceRules(service: ServiceWithResources): ServiceRules {
  return {
    durationsMinutes: service.durations_minutes,
    slotStepMinutes: service.slot_step_minutes,
    bufferBeforeMinutes: service.buffer_before_minutes,
    bufferAfterMinutes: service.buffer_after_minutes,
    minNoticeMinutes: service.min_notice_minutes,
    horizonDays: service.horizon_days ?? DEFAULT_HORIZON_DAYS,
    seatsPerSlot: service.seats_per_slot,
  };
}

/**
 * The service's named resource groups as the engine takes them, or null for a service without
 * groups (all its resources form one group of resource_mode). `across` defaults to resource_mode;
 * `onlyGroup` keeps one named group; `resourceIds` narrows the members.
 */
export function toGroupedResources(
  service: ServiceWithResources, options: { across?: ResourceMode; onlyGroup?: string; resourceIds?: string[] } = {},
): GroupedResources | null {
  if (service.resource_groups.length === 0) return null;
  let groups = service.resource_groups
    .filter((group) => options.onlyGroup === undefined || group.name === options.onlyGroup)
    .map((group) => ({ id: group.name, mode: group.mode, resourceIds: group.resource_ids }));
  if (options.resourceIds) groups = narrowGroups(groups, options.resourceIds);
  return { groups, across: options.onlyGroup !== undefined ? 'one' : options.across ?? service.resource_mode };
}

/** Every resource the groups name, each once, in the groups' order. */
export function groupMemberIds(grouped: GroupedResources): string[] {
  return [...new Set(grouped.groups.flatMap((group) => group.resourceIds))];
}
