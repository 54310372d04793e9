import type { Client } from '@temporalio/client';

export interface CancellationRequestRef { workflowId: string; runId: string }

/**
 * Why and by whom a workflow's cancellation was requested (the UI's user, the CLI, a client), as
 * its history records it; the workflow API itself does not hand the reason over.
 */
export async function cancellationReason(temporal: Client, { workflowId, runId }: CancellationRequestRef): Promise<string> {
  const history = await temporal.workflow.getHandle(workflowId, runId).fetchHistory();
  const request = [...history.events ?? []].reverse()
    .find((event) => event.workflowExecutionCancelRequestedEventAttributes)?.workflowExecutionCancelRequestedEventAttributes;
  const by = request?.identity ? ` by ${request.identity}` : '';
  return request?.cause ? `${request.cause} (cancellation requested in Temporal${by})` : `cancellation requested in Temporal${by}`;
}
