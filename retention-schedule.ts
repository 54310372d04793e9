import type { Client } from '@temporalio/client';
import { ensureIntervalSchedule } from './interval-schedule';
import { anonymizeExpiredBookingsWorkflow, retentionWorkflowId } from './workflows/retention';

export function retentionScheduleId(taskQueue: string): string {
  return `personal-data-retention-${taskQueue}`;
}

/** The retention period's sweep, one Schedule per task queue, like the reconciler's. */
export async function ensureRetentionSchedule(client: Client, taskQueue: string, intervalSeconds: number): Promise<void> {
  await ensureIntervalSchedule(client, {
    scheduleId: retentionScheduleId(taskQueue),
    workflowType: anonymizeExpiredBookingsWorkflow,
    workflowId: retentionWorkflowId(taskQueue),
    taskQueue,
    intervalSeconds,
    summary: 'Anonymize ended bookings past their organization\'s retention period',
    note: 'Erases personal data of ended bookings older than the organization\'s retention_days; see README "Personal data"',
  });
}
