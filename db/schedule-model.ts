import type { ResourceSchedule, ServiceRules, WeeklySchedule } from '../scheduling';
import type { Resource } from './schema';
import type { ServiceWithResources } from './services';

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
    horizonDays: service.horizon_days,
    seatsPerSlot: service.seats_per_slot,
  };
}
