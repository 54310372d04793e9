import { ScheduleAlreadyRunning, ScheduleOverlapPolicy, type Client } from '@temporalio/client';
import { anonymizeExpiredBookingsWorkflow, retentionWorkflowId } from './workflows/retention';

export function retentionScheduleId(taskQueue: string): string {
  return `personal-data-retention-${taskQueue}`;
}

/**
 * The retention period's sweep as a Temporal Schedule (one per task queue), created on the first
 * start, its interval brought up to date on every later one; like the reconciler's.
 */
export async function ensureRetentionSchedule(client: Client, taskQueue: string, intervalSeconds: number): Promise<void> {
  const scheduleId = retentionScheduleId(taskQueue);
  const spec = { intervals: [{ every: `${intervalSeconds}s` }] };
  try {
    await client.schedule.create({
      scheduleId,
      spec,
      action: {
        type: 'startWorkflow',
        workflowType: anonymizeExpiredBookingsWorkflow,
        workflowId: retentionWorkflowId(taskQueue),
        taskQueue,
        args: [{}],
        staticSummary: 'Anonymize ended bookings past their organization\'s retention period',
      },
      policies: { overlap: ScheduleOverlapPolicy.SKIP, catchupWindow: '1 minute' },
      state: { note: 'Erases personal data of ended bookings older than the organization\'s retention_days; see README "Personal data"' },
    });
  } catch (error) {
    if (!(error instanceof ScheduleAlreadyRunning)) throw error;
    await client.schedule.getHandle(scheduleId).update((previous) => ({ ...previous, spec }));
  }
}
