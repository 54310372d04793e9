export type {
  BusyInterval,
  CheckStartInput,
  CheckStartResult,
  DateOverride,
  GroupSeatsTaken,
  ListSlotsInput,
  LocalInterval,
  ResourceGroup,
  ResourceMode,
  ResourceSchedule,
  ServiceRules,
  Slot,
  StartRefusal,
  WeeklySchedule,
  Weekday,
} from './model';
export { listSlots } from './slots';
export { checkStart } from './check-start';
export { fillingOrder } from './group-fill';
export { checkStartOfGroups, listSlotsOfGroups, narrowGroups, type GroupedResources } from './resource-groups';
export { localDateRange, groupSlotsByLocalDay, type LocalDaySlots } from './local-days';
export { isoInZone } from './zoned-time';
export { isoFormatterInZone } from './zoned-iso-format';
export { openIntervalsForDays } from './working-hours';
export { ANCHOR_LOOKBACK_MS } from './slot-grid';
export { choosePromotions, type WaitingBooking } from './waitlist';
export { expandRecurrence, MAX_OCCURRENCES, type RecurrenceResult } from './recurrence';
