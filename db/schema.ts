import type { ColumnType, Generated, Insertable, Selectable, Updateable } from 'kysely';
import type { BookingStatus } from '../domain/booking-status';
import type { DeliveryPlan } from '../domain/booking-types';

type Timestamp = ColumnType<Date, Date | string, Date | string>;
type CreatedAt = ColumnType<Date, Date | string | undefined, never>;
type UpdatedAt = ColumnType<Date, Date | string | undefined, Date | string>;
type Json<T> = ColumnType<T, string, string>;

/** The booking statuses are declared once, in domain/; the CHECK constraint on bookings.status holds the table to them. */
export type { BookingStatus };

export interface LocalIntervalJson { start: string; end: string }
export type WeeklyScheduleJson = Partial<Record<string, LocalIntervalJson[]>>;
export interface DateOverrideJson { date: string; intervals: LocalIntervalJson[] }

export interface OrganizationTable {
  id: Generated<string>;
  name: string;
  /** Branding of the public pages and e-mails. */
  logo_url: ColumnType<string | null, string | null | undefined, string | null>;
  /** Ended bookings older than this many days are anonymized; null = kept. */
  retention_days: ColumnType<number | null, number | null | undefined, number | null>;
  /** The organization's page, /book/<slug>, listing its public services; null = none. */
  slug: ColumnType<string | null, string | null | undefined, string | null>;
  /** Origins (scheme://host[:port]) whose pages may frame the booking pages. */
  embed_origins: ColumnType<string[], string[] | undefined, string[]>;
  created_at: CreatedAt;
}

export interface ApiKeyTable {
  id: Generated<string>;
  organization_id: string;
  name: string;
  key_hash: string;
  created_at: CreatedAt;
  revoked_at: Timestamp | null;
  /** The key's first characters, to recognise it by; null for keys made before it was stored. */
  prefix: string | null;
  last_used_at: Timestamp | null;
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
  /** Where new-booking and cancellation notices go. */
  email: ColumnType<string | null, string | null | undefined, string | null>;
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
  reminder_offsets_seconds: ColumnType<number[], number[] | undefined, number[]>;
  /** What a freed seat does for the oldest waiting booking that fits. */
  promotion: ColumnType<PromotionPolicy, PromotionPolicy | undefined, PromotionPolicy>;
  /** A customer (by e-mail) may not hold two overlapping bookings. */
  exclusive_customer: ColumnType<boolean, boolean | undefined, boolean>;
  /** Named groups of the service's resources; empty = all resources in one group of resource_mode. */
  resource_groups: ColumnType<ResourceGroupJson[], string | undefined, string>;
  /** Presence or absence may be recorded until this long after a booking's end. */
  check_in_window_hours: ColumnType<number, number | undefined, number>;
  /** Published on /book/<slug>. */
  public: ColumnType<boolean, boolean | undefined, boolean>;
  slug: ColumnType<string | null, string | null | undefined, string | null>;
  description: ColumnType<string | null, string | null | undefined, string | null>;
  location: ColumnType<string | null, string | null | undefined, string | null>;
  meeting_url: ColumnType<string | null, string | null | undefined, string | null>;
  /** What the booker fills in besides name, e-mail and phone. */
  booking_fields: ColumnType<BookingFieldJson[], string | undefined, string>;
  primary_color: ColumnType<string | null, string | null | undefined, string | null>;
  secondary_color: ColumnType<string | null, string | null | undefined, string | null>;
  metadata: Json<Record<string, unknown>>;
  created_at: CreatedAt;
  updated_at: UpdatedAt;
}

/** One named group of a service's resources: `one` of them or `all` of them are needed. */
export interface ResourceGroupJson { name: string; resource_ids: string[]; mode: 'one' | 'all' }
/** A question a service asks its bookers (Aurinko's additionalFields). */
export interface BookingFieldJson {
  name: string;
  label: string;
  type: 'text' | 'textarea' | 'select' | 'checkbox';
  required: boolean;
  default: string | boolean | null;
  /** The choices of a select. */
  options: string[];
}

/** A booker's answers, by field name. */
export type BookingFieldAnswers = Record<string, string | boolean>;

/** offer: the promoted booking is held with its own TTL; auto_confirm: it is confirmed at once. */
export type PromotionPolicy = 'offer' | 'auto_confirm';

export interface SessionTable {
  id: Generated<string>;
  organization_id: string;
  service_id: string;
  series_id: string | null;
  start_at: Timestamp;
  end_at: Timestamp;
  timezone: string;
  capacity: number;
  seats_taken: ColumnType<number, number | undefined, number>;
  waitlist_size: number;
  waitlist_taken: ColumnType<number, number | undefined, number>;
  opens_before_seconds: number | null;
  closes_before_seconds: number;
  resource_ids: string[];
  status: ColumnType<'scheduled' | 'cancelled', 'scheduled' | 'cancelled' | undefined, 'scheduled' | 'cancelled'>;
  cancel_reason: string | null;
  metadata: Json<Record<string, unknown>>;
  created_at: CreatedAt;
  updated_at: UpdatedAt;
}

/** A waiting booking moved up by a freeing of seats (`cause`), recorded once. */
export interface PromotionTable {
  booking_id: string;
  organization_id: string;
  session_id: string;
  cause: string;
  promoted_at: CreatedAt;
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
  checked_in: ColumnType<boolean | null, boolean | null | undefined, boolean | null>;
  check_in_reason: ColumnType<string | null, string | null | undefined, string | null>;
  callback_url: ColumnType<string | null, string | null | undefined, string | null>;
  callback_secret: ColumnType<string | null, string | null | undefined, string | null>;
  session_id: ColumnType<string | null, string | null | undefined, string | null>;
  /** Queue order on the session's waiting list (bigint, so a string); null if it never waited. */
  waitlist_seq: ColumnType<string | null, string | null | undefined, string | null>;
  exclusive_customer: ColumnType<boolean, boolean | undefined, boolean>;
  /** Grows with every change of time, status or details (a trigger counts); the ICS SEQUENCE. */
  revision: ColumnType<number, never, never>;
  extra_emails: ColumnType<string[], string[] | undefined, string[]>;
  extra_phone_numbers: ColumnType<string[], string[] | undefined, string[]>;
  /** The caller's own id for the customer (Chrono's user_external_id); filterable. */
  external_id: ColumnType<string | null, string | null | undefined, string | null>;
  label: ColumnType<string | null, string | null | undefined, string | null>;
  /** What the customer's calendar shows as the event's title, instead of the service's name. */
  display_label: ColumnType<string | null, string | null | undefined, string | null>;
  /** Cancel-and-rebook: the booking this one replaced. */
  rebooked_from: ColumnType<string | null, string | null | undefined, string | null>;
  /** The language the booking was made in; its e-mails follow it (null = English). */
  locale: ColumnType<string | null, string | null | undefined, string | null>;
  /** The zone the customer reads times in (e-mails); null = the resource's. */
  customer_timezone: ColumnType<string | null, string | null | undefined, string | null>;
  booking_fields: ColumnType<BookingFieldAnswers, BookingFieldAnswers | string | undefined, string>;
  /** When the customer's personal data was erased; null = not anonymized. */
  anonymized_at: ColumnType<Date | null, Date | string | null | undefined, Date | string | null>;
  /** When its workflow was last seen running (by the reconciler or an adoption); null = not yet confirmed. */
  workflow_started_at: ColumnType<Date | null, Date | null | undefined, Date | null>;
  created_at: CreatedAt;
  updated_at: UpdatedAt;
}

/** How far the reconciler has read Temporal's closed booking workflows, per task queue. */
export interface ReconcilerMarkTable {
  name: string;
  closed_since: Date;
}

/** The key that encrypts a booking's personal fields in Temporal payloads; null once erased. */
export interface BookingPersonalKeyTable {
  booking_id: string;
  key: Buffer | null;
  created_at: CreatedAt;
  erased_at: Timestamp | null;
}

/** A resource's occupied time: a booking's, or a session's (exactly one of the two). */
export interface AllocationTable {
  booking_id: string | null;
  session_id: ColumnType<string | null, string | null | undefined, string | null>;
  resource_id: string;
  organization_id: string;
  /** tstzrange literal, e.g. '[2026-01-01 09:00:00+00,2026-01-01 09:30:00+00)' */
  during: string;
  released_at: Timestamp | null;
  /** The group slot this allocation shares (seats per slot > 1); null = one-to-one. */
  slot_key: string | null;
}

/** One resource's seats in one group appointment; allocations of its bookings name it. */
export interface GroupSlotTable {
  resource_id: string;
  /** Service id and the exact buffered range: bookings share a slot only on the same time. */
  slot_key: string;
  organization_id: string;
  service_id: string;
  start_at: Timestamp;
  during: string;
  seats: number;
  spaces_taken: number;
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

export interface NotificationTable {
  id: Generated<string>;
  organization_id: string;
  booking_id: string;
  kind: string;
  dedupe_key: string;
  channel: 'outbox' | 'email';
  recipient: string | null;
  subject: string;
  body: string;
  /** queued until the mail server accepted it (sent, with its message id) or refused it (failed, with the error). */
  status: 'queued' | 'sent' | 'failed';
  error: string | null;
  created_at: CreatedAt;
  sent_at: Timestamp | null;
  html: ColumnType<string | null, string | null | undefined, string | null>;
  /** The calendar attachment, as sent. */
  ics: ColumnType<string | null, string | null | undefined, string | null>;
  message_id: ColumnType<string | null, string | null | undefined, string | null>;
  /** The rendered message (recipient, subject, text, HTML, calendar file) sealed with the booking's personal-data key. */
  sealed_message: ColumnType<string | null, string | null | undefined, string | null>;
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

/** What a webhook subscriber can ask for; every booking transition is one of these. */
export type BookingEventType =
  | 'booking.held'
  | 'booking.awaiting_approval'
  | 'booking.waitlisted'
  | 'booking.promoted'
  | 'booking.confirmed'
  | 'booking.declined'
  | 'booking.cancelled'
  | 'booking.expired'
  | 'booking.rescheduled'
  | 'booking.checked_in'
  | 'booking.reminder_sent'
  | 'booking.anonymized'
  /** An event of a host's own calendar now overlaps the booking: the booking stands; the host decides. */
  | 'booking.calendar_conflict';

export interface WebhookSubscriptionTable {
  id: Generated<string>;
  organization_id: string;
  url: string;
  /** Event types wanted; '*' = all of them. */
  event_types: string[];
  /** Standard Webhooks secret, `whsec_<base64>`. */
  secret: string;
  enabled: Generated<boolean>;
  disabled_reason: string | null;
  created_at: CreatedAt;
  updated_at: UpdatedAt;
}

/** The outbox: written in the transition's own transaction, delivered afterwards. */
export interface WebhookEventTable {
  id: string;
  organization_id: string;
  booking_id: string;
  type: BookingEventType;
  payload: Json<Record<string, unknown>>;
  occurred_at: Timestamp;
  /** What the event's delivery sends, decided when it was written; null in rows from before plans. */
  delivery: ColumnType<DeliveryPlan | null, string | null | undefined, never>;
}

/** What is logged of one attempt to POST an event, to a subscription or to a booking's callback URL. */
interface DeliveryAttemptColumns {
  id: Generated<string>;
  event_id: string;
  attempt: number;
  status_code: number | null;
  duration_ms: number;
  error: string | null;
  delivered: boolean;
  created_at: CreatedAt;
}

/** One row per delivery attempt. */
export interface WebhookDeliveryTable extends DeliveryAttemptColumns {
  subscription_id: string;
}

/** One row per attempt to POST an event to a booking's own callback URL. */
export interface BookingCallbackDeliveryTable extends DeliveryAttemptColumns {
  organization_id: string;
  booking_id: string;
  url: string;
}

/** A running worker's sign of life, written by its own event loop (see worker/heartbeat.ts). */
export interface WorkerHeartbeatTable {
  worker_id: string;
  task_queue: string;
  started_at: Generated<Date>;
  beat_at: Generated<Date>;
}

/** Requests of one credential in its current rate-limit window, shared by the API replicas. */
export interface RateLimitCounterTable {
  credential_hash: string;
  window_start: Generated<Date>;
  used: Generated<number>;
}

export interface Database {
  organizations: OrganizationTable;
  api_keys: ApiKeyTable;
  resources: ResourceTable;
  services: ServiceTable;
  service_resources: ServiceResourceTable;
  bookings: BookingTable;
  allocations: AllocationTable;
  group_slots: GroupSlotTable;
  sessions: SessionTable;
  promotions: PromotionTable;
  booking_events: BookingEventTable;
  idempotency_keys: IdempotencyKeyTable;
  notifications: NotificationTable;
  webhook_subscriptions: WebhookSubscriptionTable;
  webhook_events: WebhookEventTable;
  webhook_deliveries: WebhookDeliveryTable;
  booking_callback_deliveries: BookingCallbackDeliveryTable;
  worker_heartbeats: WorkerHeartbeatTable;
  booking_personal_keys: BookingPersonalKeyTable;
  rate_limit_counters: RateLimitCounterTable;
  reconciler_marks: ReconcilerMarkTable;
  calendar_connections: CalendarConnectionTable;
  calendar_credential_keys: CalendarCredentialKeyTable;
  external_busy_intervals: ExternalBusyIntervalTable;
  external_busy_time: ExternalBusyTimeTable;
  calendar_booking_events: CalendarBookingEventTable;
}

export type ApiKey = Selectable<ApiKeyTable>;
export type Resource = Selectable<ResourceTable>;
export type NewResource = Insertable<ResourceTable>;
export type ResourceUpdate = Updateable<ResourceTable>;
export type Service = Selectable<ServiceTable>;
export type NewService = Insertable<ServiceTable>;
export type ServiceUpdate = Updateable<ServiceTable>;
export type Booking = Selectable<BookingTable>;
export type NewBooking = Insertable<BookingTable>;
export type Session = Selectable<SessionTable>;
export type NewSession = Insertable<SessionTable>;
export type BookingEvent = Selectable<BookingEventTable>;
export type WebhookSubscription = Selectable<WebhookSubscriptionTable>;
export type WebhookEvent = Selectable<WebhookEventTable>;
export type WebhookDelivery = Selectable<WebhookDeliveryTable>;
export type BookingCallbackDelivery = Selectable<BookingCallbackDeliveryTable>;

export type CalendarConnectionType = 'caldav' | 'ics';
export type CalendarConnectionState = 'pending' | 'ok' | 'failing' | 'auth_failed';

/** One calendar of a connection, as discovered, and what this service does with it. */
export interface ConnectedCalendar {
  url: string;
  display_name: string | null;
  /** Its events block the resource's time. */
  blocks: boolean;
  /** Confirmed bookings are written here (at most one calendar of a resource's connections). */
  receives: boolean;
}

export interface CalendarConnectionTable {
  id: Generated<string>;
  organization_id: string;
  resource_id: string;
  type: CalendarConnectionType;
  url: string;
  credentials_sealed: Buffer | null;
  calendars: ColumnType<ConnectedCalendar[], string | undefined, string>;
  poll_interval_seconds: Generated<number>;
  include_tentative: Generated<boolean>;
  state: Generated<CalendarConnectionState>;
  last_synced_at: Date | null;
  last_error: string | null;
  sync_state: ColumnType<Record<string, string>, string | undefined, string>;
  created_at: Generated<Date>;
  updated_at: Generated<Date>;
}

export interface CalendarCredentialKeyTable {
  connection_id: string;
  key: Buffer;
}

export interface ExternalBusyIntervalTable {
  connection_id: string;
  resource_id: string;
  calendar_url: string;
  href: string;
  uid: string;
  etag: string | null;
  during: ColumnType<string, string, string>;
}

/**
 * A resource's synced busy time coalesced (derived from external_busy_intervals), per 30-day
 * period (epoch seconds / BUSY_PERIOD_SECONDS, floored): `start,end,…` ascending, in seconds from
 * the period's start.
 */
export interface ExternalBusyTimeTable {
  resource_id: string;
  /** int8: the driver answers it as a string. */
  period: ColumnType<string, number, number>;
  bounds: string;
}

export type CalendarConnection = Selectable<CalendarConnectionTable>;

/** A confirmed booking's event in a host's receiving calendar (CalDAV), as last written. */
export interface CalendarBookingEventTable {
  booking_id: string;
  connection_id: string;
  calendar_url: string;
  href: string | null;
  etag: string | null;
  sequence: ColumnType<number, number | undefined, number>;
  written_version: Date | null;
  state: ColumnType<'pending' | 'written' | 'deleted', 'pending' | 'written' | 'deleted' | undefined, 'pending' | 'written' | 'deleted'>;
  updated_at: ColumnType<Date, Date | undefined, Date>;
}
export type CalendarBookingEvent = Selectable<CalendarBookingEventTable>;
