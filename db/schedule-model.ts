import type { ResourceSchedule, ServiceRules, WeeklySchedule } from '../scheduling';
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
