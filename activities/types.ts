import type { BookingStatus } from '../db/schema';

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
}

export interface CustomerDetails {
  name: string;
  email: string;
  phone?: string | null;
  notes?: string | null;
}

export interface HoldRequest {
  bookingId: string;
  organizationId: string;
  serviceId: string;
  start: string;
  durationMinutes: number | null;
  resourceIds: string[] | null;
  /** Seats wanted in a group appointment; absent = 1 (requests recorded before spaces existed). */
  spaces?: number;
  customer: Partial<CustomerDetails> | null;
  metadata: Record<string, unknown>;
}

/** Why a hold was refused; the API turns these into 404 / 409 with the code and message. */
export type HoldRefusalCode =
  | 'service_not_found'
  | 'resource_not_found'
  | 'slot_taken'
  | 'outside_hours'
  | 'min_notice'
  | 'beyond_horizon'
  | 'buffer_conflict'
  | 'not_on_slot_grid'
  | 'no_resource_free'
  | 'invalid_duration'
  | 'unavailable';

export type HoldOutcome =
  | { outcome: 'held'; booking: BookingSnapshot; eventId: string }
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
}

export type TransitionOutcome =
  | { ok: true; booking: BookingSnapshot; eventId: string | null }
  | { ok: false; currentStatus: BookingStatus | null };
