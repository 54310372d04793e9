import { ScheduleAlreadyRunning, ScheduleOverlapPolicy, type Client } from '@temporalio/client';
import { reconcileBookingsWorkflow, reconcilerWorkflowId } from './workflows/reconciler';

export function reconcilerScheduleId(taskQueue: string): string {
  return `booking-reconciler-${taskQueue}`;
}

/**
 * The periodic reconciler as a Temporal Schedule (visible on the UI's Schedules page): created on
 * the first start, its interval brought up to date on every later one. Overlapping runs are skipped.
 */
export async function ensureReconcilerSchedule(client: Client, taskQueue: string, intervalSeconds: number): Promise<void> {
  const scheduleId = reconcilerScheduleId(taskQueue);
  const spec = { intervals: [{ every: `${intervalSeconds}s` }] };
  try {
    await client.schedule.create({
      scheduleId,
      spec,
      action: {
        type: 'startWorkflow',
        workflowType: reconcileBookingsWorkflow,
        workflowId: reconcilerWorkflowId(taskQueue),
        taskQueue,
        args: [{}],
        staticSummary: 'Reconcile bookings with their workflows (repair closed or missing ones)',
      },
      policies: { overlap: ScheduleOverlapPolicy.SKIP, catchupWindow: '1 minute' },
      state: { note: 'Finds live bookings whose workflow is closed or missing and repairs them; see docs/operations.md' },
    });
  } catch (error) {
    if (!(error instanceof ScheduleAlreadyRunning)) throw error;
    await client.schedule.getHandle(scheduleId).update((previous) => ({ ...previous, spec }));
  }
}
