import type { StartRefusal } from '../scheduling';
import type { BookingStatus } from './booking-status';

/** What the workflow needs to know about its booking; plain JSON so it crosses the activity boundary. */
export interface BookingSnapshot {
  id: string;
  status: BookingStatus;
  serviceId: string;
  resourceIds: string[];
  start: string;
  end: string;
  holdExpiresAt: string | null;
  approvalExpiresAt: string | null;
  requiresApproval: boolean;
  approvalTtlSeconds: number;
  customerEmail: string | null;
  reminderOffsetsSeconds: number[];
  checkedIn: boolean | null;
  spaces: number;
  sessionId: string | null;
  /** A waiting booking that has not been promoted by then expires: its session's booking window closes. */
  waitlistExpiresAt: string | null;
  /** Presence or absence may be recorded until then (the service's window after the end); absent in older histories. */
  checkInClosesAt?: string;
  /** The zone of the booking's resources: the Temporal UI writes its times in it. Absent in older histories. */
  zone?: string;
  /**
   * The names of `resourceIds`, in their order, when the activity that wrote this snapshot read
   * them (a hold, a reschedule, an adoption); absent when they did not change, or in older histories.
   */
  resourceNames?: string[];
}

/** A customer's details are the submitDetails payload: the type comes from its one schema. */
export type CustomerDetails = import('../domain/booking-payloads').CustomerDetails;

export interface HoldRequest {
  bookingId: string;
  organizationId: string;
  serviceId: string;
  start: string;
  durationMinutes: number | null;
  resourceIds: string[] | null;
  /** Cancel-and-rebook: the booking this one replaces (cancelled once this hold exists). */
  rebookedFrom?: string;
  /** The organization waived notice, horizon and a session's booking window (API key only). */
  bypassDelays?: boolean;
  /** One of the service's named resource groups to book from; absent = as the service says. */
  resourceGroup?: string;
  /** Seats wanted in a group appointment or session; absent = 1 (requests recorded before spaces existed). */
  spaces?: number;
  /** A seat in this group session instead of a time of the service's resources. */
  sessionId?: string;
  /** Join the session's waiting list even if seats are left (staff tools). */
  waitlist?: boolean;
  /** Refuse if the customer (by e-mail) already has an overlapping booking; the service may demand it too. */
  exclusiveCustomer?: boolean;
  customer: Partial<CustomerDetails> | null;
  metadata: Record<string, unknown>;
  /** Where this booking's own callbacks go (cancellation, check-in); absent in older requests. */
  callbackUrl?: string | null;
  /** Further contact data and the caller's labels; absent in older requests. */
  contact?: BookingContact;
  /** The language the booking is made in (its e-mails follow it); absent in older requests. */
  locale?: string;
}

export interface BookingContact {
  extraEmails?: string[];
  extraPhoneNumbers?: string[];
  externalId?: string;
  label?: string;
  displayLabel?: string;
}

/** Why a hold was refused: the engine's reasons plus the store's; the API maps them to 404 / 409 / 503. */
export type HoldRefusalCode = StartRefusal | 'service_not_found' | 'resource_not_found' | 'slot_taken' | 'unavailable'
  | SessionRefusalCode | 'customer_overlap' | 'invalid_data';

export type SessionRefusalCode = 'session_not_found' | 'session_cancelled' | 'booking_not_open' | 'booking_closed'
  | 'session_full' | 'too_many_spaces';

/**
 * What one booking event's delivery does, decided when the event is written (ids only): the
 * e-mails, the write-back to the hosts' calendars, and the webhook targets, each a subscription id
 * or the booking's own callback (`BOOKING_CALLBACK_TARGET`). Nothing else is sent for the event.
 */
export interface DeliveryPlan {
  mails: boolean;
  calendars: boolean;
  targets: string[];
}

export type HoldOutcome =
  /** `delivery`: the plan of `eventId` (absent in older results: its delivery reads its targets itself). */
  | { outcome: 'held' | 'waitlisted'; booking: BookingSnapshot; eventId: string | null; delivery?: DeliveryPlan }
  | { outcome: 'rejected'; code: HoldRefusalCode; message: string };

export interface TransitionRequest {
  bookingId: string;
  /** Unique per transition within the booking: a retried activity finds its own event and stops. */
  step: string;
  from: BookingStatus[];
  to: BookingStatus;
  actor: string;
  reason: string | null;
  releaseCapacity: boolean;
  customer?: CustomerDetails;
  approvalExpiresAt?: string | null;
  checkIn?: { present: boolean; reason: string | null };
  /** A session booking giving seats back: its new, smaller number of spaces. */
  spaces?: number;
  /** The booking's organization: the activity hands the events it writes to their delivery workflows under it (absent in older requests). */
  organizationId?: string;
}

/** A waiting booking that freed seats moved up; its workflow is told with this snapshot. */
export interface PromotedBooking {
  booking: BookingSnapshot;
  eventId: string | null;
}

export type TransitionOutcome =
  /** `handedOver`: the activity started the events' delivery workflows itself (absent in older results). */
  | { ok: true; booking: BookingSnapshot; eventId: string | null; promoted: PromotedBooking[]; handedOver?: true }
  | { ok: false; currentStatus: BookingStatus | null; booking?: BookingSnapshot; refusal?: { code: HoldRefusalCode; message: string } };

export interface RescheduleRequest {
  bookingId: string;
  /** Unique per reschedule within the booking, like a transition's step. */
  step: string;
  /** Statuses in which the booking may move; the database's status is checked against them. */
  from: BookingStatus[];
  start: string;
  /** null keeps the booking's current duration. */
  durationMinutes: number | null;
  /** null keeps the booking's current resources. */
  resourceIds: string[] | null;
  actor: string;
  /** The booking's organization: the activity hands the events it writes to their delivery workflows under it (absent in older requests). */
  organizationId?: string;
}

export type RescheduleOutcome =
  | { outcome: 'rescheduled'; booking: BookingSnapshot; eventId: string | null; handedOver?: true }
  | { outcome: 'refused'; code: HoldRefusalCode; message: string }
  | { outcome: 'invalid_status'; currentStatus: BookingStatus | null };

export interface SessionCancellationRequest {
  organizationId: string;
  sessionId: string;
  reason: string | null;
}

export interface CapacityChangeRequest {
  organizationId: string;
  sessionId: string;
  capacity?: number;
  waitlistSize?: number;
  /** Names this change (its workflow id): a retry finds the promotions the first run made. */
  cause: string;
}

export type CapacityChangeOutcome =
  | { ok: true; promoted: PromotedBooking[] }
  | { ok: false; code: 'session_not_found' | 'session_cancelled' | 'capacity_below_seats_taken' | 'waitlist_below_waiting'; message: string };

/** What an e-mail is about; the mail activities give each its subject line and opening sentence. */
export type BookingMailKind =
  | 'received' | 'confirmed' | 'declined' | 'cancelled' | 'rescheduled' | 'reminder'
  | 'host_new_booking' | 'host_cancelled' | 'host_rescheduled';
