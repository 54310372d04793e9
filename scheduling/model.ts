/**
 * The shapes the availability engine speaks. The database and the API store schedules and
 * service rules as JSON in exactly these shapes, so they are plain data: no classes, no Dates.
 * Every instant is UTC epoch milliseconds; every wall-clock value is local to a resource's zone.
 */

export type Weekday =
  | 'monday'
  | 'tuesday'
  | 'wednesday'
  | 'thursday'
  | 'friday'
  | 'saturday'
  | 'sunday';

/** 'HH:mm' local wall time, end > start; end may be '24:00' (the end of the local day). */
export interface LocalInterval {
  start: string;
  end: string;
}

export type WeeklySchedule = Partial<Record<Weekday, LocalInterval[]>>;

/** Replaces the weekly intervals for one local date; `intervals: []` closes the whole day. */
export interface DateOverride {
  date: string;
  intervals: LocalInterval[];
}

export interface ResourceSchedule {
  id: string;
  timezone: string;
  weekly: WeeklySchedule;
  overrides: DateOverride[];
  /** Local dates 'YYYY-MM-DD', both inclusive; null = unbounded on that side. */
  validFrom: string | null;
  validUntil: string | null;
}

export interface ServiceRules {
  /** Allowed durations; the first is the default. */
  durationsMinutes: number[];
  /** null = step by the chosen duration. */
  slotStepMinutes: number | null;
  bufferBeforeMinutes: number;
  bufferAfterMinutes: number;
  /** No slot starts before now + notice. */
  minNoticeMinutes: number;
  /** No slot starts after now + horizonDays days; null = unlimited. */
  horizonDays: number | null;
  /** 1 = one-to-one; > 1 = a group appointment that later customers join. */
  seatsPerSlot: number;
}

/**
 * A resource's occupied time, epoch ms, half-open, already including the buffers of the booking
 * that occupies it (that is what an allocation row stores).
 */
export interface BusyInterval {
  resourceId: string;
  start: number;
  end: number;
}

/** Seats already taken by bookings of this service that start exactly at `start`. */
export interface GroupSeatsTaken {
  start: number;
  resourceIds: string[];
  spaces: number;
}

export type ResourceMode = 'one' | 'all';

export interface ResourceGroup {
  id: string;
  mode: ResourceMode;
  resourceIds: string[];
}

export interface Slot {
  start: number;
  end: number;
  /** Free resources over all groups, deduped, in first-seen order. */
  resources: string[];
  groups: { id: string; resources: string[] }[];
  spacesLeft: number;
}

export interface ListSlotsInput {
  resources: ResourceSchedule[];
  /** Each group must be satisfied. Without groups, all resources form one group of `mode`. */
  groups?: ResourceGroup[];
  /** Default 'one'. Ignored when `groups` is given. */
  mode?: ResourceMode;
  service: ServiceRules;
  /** One of service.durationsMinutes; default the first. */
  durationMinutes?: number;
  /** All active allocations of the involved resources, group bookings included. */
  busy: BusyInterval[];
  groupSeats?: GroupSeatsTaken[];
  /** Seats the customer wants; default 1. */
  spaces?: number;
  /** Slots whose start lies in [rangeStart, rangeEnd). */
  rangeStart: number;
  rangeEnd: number;
  now: number;
}

export type StartRefusal =
  | 'outside_hours'
  | 'min_notice'
  | 'beyond_horizon'
  | 'buffer_conflict'
  | 'not_on_slot_grid'
  | 'no_resource_free'
  | 'invalid_duration';

export type CheckStartInput = Omit<ListSlotsInput, 'rangeStart' | 'rangeEnd'> & {
  start: number;
  preferredResourceIds?: string[];
};

export type CheckStartResult =
  | { ok: true; slot: Slot; chosenResourceIds: string[] }
  | { ok: false; reason: StartRefusal; message: string };
