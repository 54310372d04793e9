import { WorkflowExecutionAlreadyStartedError, type Client } from '@temporalio/client';
import type { Kysely } from 'kysely';
import type { Database } from '../db/schema';
import { findDeliveryPlan } from '../db/webhooks';
import { webhookDeliveryWorkflowId, type DeliverBookingEventInput } from '../workflows/messages';
import { getsDelivery } from './booking-event';

/**
 * Starts an event's delivery workflow (webhooks, callbacks, e-mails, calendar write-back), once:
 * a delivery already started, or finished, for this event is not started again. The plan written
 * with the event goes in the workflow's input, so a start repeated after a crash carries the same
 * one; an event whose plan sends nothing is not started at all. A row written before plans
 * existed starts without one (the workflow then reads its targets itself).
 */
export async function startEventDelivery(
  db: Kysely<Database>, temporal: Client, taskQueue: string, eventId: string, organizationId: string,
): Promise<void> {
  const plan = await findDeliveryPlan(db, eventId);
  if (!getsDelivery(plan)) return;
  const input: DeliverBookingEventInput = { eventId, organizationId, ...(plan && { plan }) };
  try {
    await temporal.workflow.start('deliverBookingEvent', {
      workflowId: webhookDeliveryWorkflowId(eventId), taskQueue, args: [input], workflowIdReusePolicy: 'REJECT_DUPLICATE',
    });
  } catch (error) {
    if (!(error instanceof WorkflowExecutionAlreadyStartedError)) throw error;
  }
}
