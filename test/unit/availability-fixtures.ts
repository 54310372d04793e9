import type { ListSlotsInput, ResourceSchedule, ServiceRules } from '../../scheduling';
import { isoInZone } from '../../scheduling';

export const MINUTE = 60_000;
export const DAY = 86_400_000;

export function resource(overrides: Partial<ResourceSchedule> = {}): ResourceSchedule {
  return {
    id: 'alice',
    timezone: 'Europe/Paris',
    weekly: {},
    overrides: [],
    validFrom: null,
    validUntil: null,
    ...overrides,
  };
}

export function service(overrides: Partial<ServiceRules> = {}): ServiceRules {
  return {
    durationsMinutes: [60],
    slotStepMinutes: null,
    bufferBeforeMinutes: 0,
    bufferAfterMinutes: 0,
    minNoticeMinutes: 0,
    horizonDays: null,
    seatsPerSlot: 1,
    ...overrides,
  };
}

/** A "now" long before every test date, so notice and horizon stay out of the way. */
export const LONG_AGO = Date.parse('2026-01-01T00:00:00Z');

export const at = (iso: string) => Date.parse(iso);

export function startsIn(zone: string, slots: { start: number }[]): string[] {
  return slots.map((s) => isoInZone(s.start, zone));
}

export type Input = ListSlotsInput;
