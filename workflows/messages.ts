import { defineQuery, defineUpdate } from '@temporalio/workflow';
import type { BookingSnapshot, CustomerDetails, HoldOutcome, HoldRequest } from '../activities/types';
import type { BookingStatus } from '../db/schema';

export type WorkflowBookingStatus = BookingStatus | 'requested' | 'rejected';

export interface BookingWorkflowInput {
  hold: HoldRequest;
}

export interface BookingState {
  status: WorkflowBookingStatus;
  booking: BookingSnapshot | null;
  rejection: Extract<HoldOutcome, { outcome: 'rejected' }> | null;
}

export interface HostAnswer { actor: string; reason?: string | null }
export interface Cancellation { actor: string; reason?: string | null }

/** ApplicationFailure type of an Update refused because the booking is not in a fitting status. */
export const INVALID_TRANSITION = 'InvalidTransition';
export const INVALID_DETAILS = 'InvalidDetails';

// Names are part of the deployed contract: never rename them.
export const reserveUpdate = defineUpdate<HoldOutcome>('reserve');
export const submitDetailsUpdate = defineUpdate<BookingSnapshot, [CustomerDetails]>('submitDetails');
export const confirmUpdate = defineUpdate<BookingSnapshot, [HostAnswer]>('confirm');
export const declineUpdate = defineUpdate<BookingSnapshot, [HostAnswer]>('decline');
export const cancelUpdate = defineUpdate<BookingSnapshot, [Cancellation]>('cancel');
export const bookingStateQuery = defineQuery<BookingState>('bookingState');

export function bookingWorkflowId(bookingId: string): string {
  return `booking-${bookingId}`;
}
