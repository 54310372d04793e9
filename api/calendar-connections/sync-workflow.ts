import { WorkflowNotFoundError, type Client } from '@temporalio/client';
import type { CalendarConnection } from '../../db/schema';
import {
  calendarConnectionChangedSignal, calendarSyncNowUpdate, calendarSyncWorkflowId, type CalendarSyncInput,
} from '../../workflows/messages';

/**
 * Starts the connection's sync workflow unless it runs already. Its summary in the Temporal UI
 * names the resource and the server, never a credential nor the URL's path; the current details,
 * set by the workflow, say the rest.
 */
export async function ensureSyncWorkflow(temporal: Client, taskQueue: string, connection: CalendarConnection, resourceName: string): Promise<void> {
  const input: CalendarSyncInput = { connectionId: connection.id };
  await temporal.workflow.start('calendarSyncWorkflow', {
    workflowId: calendarSyncWorkflowId(connection.id), taskQueue, args: [input],
    workflowIdConflictPolicy: 'USE_EXISTING',
    staticSummary: `Calendar sync: ${resourceName} ← ${new URL(connection.url).host} (${connection.type})`,
    // The origin only: a feed's "secret address" carries its secret in the path or the query.
    staticDetails: `Connection ${connection.id} of resource ${connection.resource_id}; polls ${new URL(connection.url).origin}/… (${connection.type})`,
  });
}

/** Runs one sync now and waits for it (the manual POST .../sync). */
export async function syncNow(temporal: Client, taskQueue: string, connection: CalendarConnection, resourceName: string): Promise<void> {
  await ensureSyncWorkflow(temporal, taskQueue, connection, resourceName);
  await temporal.workflow.getHandle(calendarSyncWorkflowId(connection.id)).executeUpdate(calendarSyncNowUpdate);
}

/** Tells the workflow to look again (changed settings) or to end (connection deleted); nothing if it is not running. */
export async function tellSyncWorkflow(temporal: Client, connectionId: string): Promise<void> {
  try {
    await temporal.workflow.getHandle(calendarSyncWorkflowId(connectionId)).signal(calendarConnectionChangedSignal);
  } catch (error) {
    if (!(error instanceof WorkflowNotFoundError)) throw error;
  }
}
