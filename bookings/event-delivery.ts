import { WorkflowExecutionAlreadyStartedError, type Client } from '@temporalio/client';
import { webhookDeliveryWorkflowId, type DeliverBookingEventInput } from '../workflows/messages';

/**
 * Starts an event's delivery workflow (webhooks, callbacks, e-mails), once: a delivery already
 * started, or finished, for this event is not started again.
 */
export async function startEventDelivery(temporal: Client, taskQueue: string, eventId: string, organizationId: string): Promise<void> {
  const input: DeliverBookingEventInput = { eventId, organizationId };
  try {
    await temporal.workflow.start('deliverBookingEvent', {
      workflowId: webhookDeliveryWorkflowId(eventId), taskQueue, args: [input], workflowIdReusePolicy: 'REJECT_DUPLICATE',
    });
  } catch (error) {
    if (!(error instanceof WorkflowExecutionAlreadyStartedError)) throw error;
  }
}
