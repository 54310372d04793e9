import type { ColumnType, Generated, Insertable, Selectable, Updateable } from 'kysely';

type Timestamp = ColumnType<Date, Date | string, Date | string>;
type CreatedAt = ColumnType<Date, Date | string | undefined, never>;
type UpdatedAt = ColumnType<Date, Date | string | undefined, Date | string>;
type Json<T> = ColumnType<T, string, string>;

export type BookingStatus =
  | 'held'
  | 'pending_approval'
  | 'confirmed'
  | 'completed'
  | 'cancelled'
  | 'expired'
  | 'declined';

export interface LocalIntervalJson { start: string; end: string }
export type WeeklyScheduleJson = Partial<Record<string, LocalIntervalJson[]>>;
export interface DateOverrideJson { date: string; intervals: LocalIntervalJson[] }

export interface OrganizationTable {
  id: Generated<string>;
  name: string;
  created_at: CreatedAt;
}

export interface ApiKeyTable {
  id: Generated<string>;
  organization_id: string;
  name: string;
  key_hash: string;
  created_at: CreatedAt;
  revoked_at: Timestamp | null;
}

export interface ResourceTable {
  id: Generated<string>;
  organization_id: string;
  name: string;
  timezone: string;
  weekly_schedule: Json<WeeklyScheduleJson>;
  date_overrides: Json<DateOverrideJson[]>;
  valid_from: string | null;
  valid_until: string | null;
  metadata: Json<Record<string, unknown>>;
  created_at: CreatedAt;
  updated_at: UpdatedAt;
}

export interface ServiceTable {
  id: Generated<string>;
  organization_id: string;
  name: string;
  durations_minutes: number[];
  slot_step_minutes: number | null;
  buffer_before_minutes: number;
  buffer_after_minutes: number;
  min_notice_minutes: number;
  horizon_days: number | null;
  hold_ttl_seconds: number;
  requires_approval: boolean;
  approval_ttl_seconds: number;
  seats_per_slot: number;
  resource_mode: 'one' | 'all';
  metadata: Json<Record<string, unknown>>;
  created_at: CreatedAt;
  updated_at: UpdatedAt;
}

export interface ServiceResourceTable {
  service_id: string;
  resource_id: string;
  organization_id: string;
  position: number;
}

export interface BookingTable {
  id: string;
  organization_id: string;
  service_id: string;
  status: BookingStatus;
  start_at: Timestamp;
  end_at: Timestamp;
  timezone: string;
  resource_ids: string[];
  spaces: number;
  customer_name: string | null;
  customer_email: string | null;
  customer_phone: string | null;
  notes: string | null;
  metadata: Json<Record<string, unknown>>;
  hold_expires_at: Timestamp | null;
  approval_expires_at: Timestamp | null;
  created_at: CreatedAt;
  updated_at: UpdatedAt;
}

export interface AllocationTable {
  booking_id: string;
  resource_id: string;
  organization_id: string;
  /** tstzrange literal, e.g. '[2026-01-01 09:00:00+00,2026-01-01 09:30:00+00)' */
  during: string;
  released_at: Timestamp | null;
}

export interface BookingEventTable {
  id: Generated<string>;
  organization_id: string;
  booking_id: string;
  step: string;
  from_status: BookingStatus | null;
  to_status: BookingStatus;
  actor: string;
  reason: string | null;
  created_at: CreatedAt;
}

export interface IdempotencyKeyTable {
  organization_id: string;
  key: string;
  route: string;
  request_hash: string;
  status_code: number;
  response_body: Json<unknown>;
  created_at: CreatedAt;
}

export interface Database {
  organizations: OrganizationTable;
  api_keys: ApiKeyTable;
  resources: ResourceTable;
  services: ServiceTable;
  service_resources: ServiceResourceTable;
  bookings: BookingTable;
  allocations: AllocationTable;
  booking_events: BookingEventTable;
  idempotency_keys: IdempotencyKeyTable;
}

export type Resource = Selectable<ResourceTable>;
export type NewResource = Insertable<ResourceTable>;
export type ResourceUpdate = Updateable<ResourceTable>;
export type Service = Selectable<ServiceTable>;
export type NewService = Insertable<ServiceTable>;
export type ServiceUpdate = Updateable<ServiceTable>;
export type Booking = Selectable<BookingTable>;
export type NewBooking = Insertable<BookingTable>;
export type BookingEvent = Selectable<BookingEventTable>;
