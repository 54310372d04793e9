import { getExternalWorkflowHandle, ParentClosePolicy, startChild } from '@temporalio/workflow';
import type { DeliveryPlan, PromotedBooking } from '../domain/booking-types';
import { bookingWorkflowId, promotedSignal, webhookDeliveryWorkflowId } from './messages';
import { deliverBookingEvent } from './webhook-delivery';

/**
 * Hands an event (already in the outbox) to its own delivery workflow. Not awaited by the caller:
 * a slow or failing receiver never delays or fails a booking.
 */
export function announce(eventId: string, organizationId: string, plan?: DeliveryPlan): Promise<unknown> {
  return startChild(deliverBookingEvent, {
    workflowId: webhookDeliveryWorkflowId(eventId),
    // A plan only where the recorded result carried one: older histories start the same child.
    args: [{ eventId, organizationId, ...(plan && { plan }) }],
    parentClosePolicy: ParentClosePolicy.ABANDON,
  }).catch(() => undefined);
}

/**
 * Tells each promoted booking's workflow what the database already says. The promotion committed
 * in the activity whose result this workflow is acting on, so a crash in between only replays the
 * activity (which finds its promotions again) and the signal still goes out. The promotions'
 * events are announced here only if the activity did not hand them over itself (`handedOver`).
 */
export function tellPromoted(promoted: PromotedBooking[], organizationId: string, handedOver = false): Promise<unknown>[] {
  return promoted.flatMap(({ booking, eventId }) => [
    // A workflow that has ended (cancelled meanwhile) needs no news.
    getExternalWorkflowHandle(bookingWorkflowId(booking.id)).signal(promotedSignal, booking).catch(() => undefined),
    ...(eventId && !handedOver ? [announce(eventId, organizationId)] : []),
  ]);
}
