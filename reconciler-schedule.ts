import type { Client } from '@temporalio/client';
import { ensureIntervalSchedule } from './interval-schedule';
import { reconcileBookingsWorkflow, reconcilerWorkflowId } from './workflows/reconciler';

export function reconcilerScheduleId(taskQueue: string): string {
  return `booking-reconciler-${taskQueue}`;
}

/** The periodic reconciler, one Schedule per task queue. */
export async function ensureReconcilerSchedule(client: Client, taskQueue: string, intervalSeconds: number): Promise<void> {
  await ensureIntervalSchedule(client, {
    scheduleId: reconcilerScheduleId(taskQueue),
    workflowType: reconcileBookingsWorkflow,
    workflowId: reconcilerWorkflowId(taskQueue),
    taskQueue,
    intervalSeconds,
    summary: 'Reconcile bookings with their workflows (repair closed or missing ones)',
    note: 'Finds live bookings whose workflow is closed or missing and repairs them; see docs/operations.md',
  });
}
