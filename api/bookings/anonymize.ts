import { WorkflowExecutionAlreadyStartedError } from '@temporalio/client';
import { anonymizeBookingData, eraseFromTemporal } from '../../activities/anonymize-booking';
import type { Booking } from '../../db/schema';
import { deliverBookingEvent, webhookDeliveryWorkflowId } from '../../workflows/webhook-delivery';
import { NotFound } from '../errors';
import type { BookingCommandDeps } from './commands';

/**
 * Erases the customer's personal data (issue 15, item 5): the database first, in one transaction
 * that also deletes the key of the booking's encrypted Temporal payloads; then the booking's
 * workflow executions, whose histories hold the `CustomerEmail` search attribute in cleartext
 * (a running one is replaced by a run that adopts the anonymized booking). Idempotent: a repeated call finds nothing left to erase in the database and makes
 * sure Temporal holds nothing either (a first call cut short by a Temporal outage is completed).
 */
export async function anonymizeBooking(
  deps: BookingCommandDeps & { forgetPersonalKey?: (bookingId: string) => void }, organizationId: string, bookingId: string, actor: string,
): Promise<Booking> {
  const anonymized = await anonymizeBookingData(deps.db, organizationId, bookingId, actor);
  if (!anonymized) throw new NotFound(`booking ${bookingId} not found`);
  deps.forgetPersonalKey?.(bookingId);
  if (anonymized.eventId) {
    await deps.temporal.workflow.start(deliverBookingEvent, {
      workflowId: webhookDeliveryWorkflowId(anonymized.eventId), taskQueue: deps.taskQueue,
      args: [{ eventId: anonymized.eventId, organizationId }],
    }).catch((error) => {
      if (!(error instanceof WorkflowExecutionAlreadyStartedError)) throw error;
    });
  }
  await eraseFromTemporal(deps.temporal, bookingId, deps.taskQueue, anonymized.booking.anonymized_at ?? new Date());
  return anonymized.booking;
}
