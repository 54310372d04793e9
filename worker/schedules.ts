import { ScheduleAlreadyRunning, ScheduleOverlapPolicy, type Client, type Workflow } from '@temporalio/client';
import { reconcilerWorkflowId, retentionWorkflowId } from '../workflows/messages';
import { reconcileBookingsWorkflow } from '../workflows/reconciler';
import { anonymizeExpiredBookingsWorkflow } from '../workflows/retention';

export interface IntervalSchedule {
  scheduleId: string;
  workflowType: Workflow;
  workflowId: string;
  taskQueue: string;
  intervalSeconds: number;
  /** The Schedules page's summary of each run. */
  summary: string;
  /** What the Schedule is for, on its page. */
  note: string;
  /** The workflow's argument; `{}` by default. */
  arg?: unknown;
}

/**
 * A workflow run every `intervalSeconds` by a Temporal Schedule (visible on the UI's Schedules
 * page): created on the worker's first start, its interval brought up to date on every later one.
 * Overlapping runs are skipped, so a slow run is never doubled.
 */
export async function ensureIntervalSchedule(client: Client, schedule: IntervalSchedule): Promise<void> {
  const spec = { intervals: [{ every: `${schedule.intervalSeconds}s` }] };
  try {
    await client.schedule.create({
      scheduleId: schedule.scheduleId,
      spec,
      action: {
        type: 'startWorkflow',
        workflowType: schedule.workflowType,
        workflowId: schedule.workflowId,
        taskQueue: schedule.taskQueue,
        args: [schedule.arg ?? {}],
        staticSummary: schedule.summary,
      },
      policies: { overlap: ScheduleOverlapPolicy.SKIP, catchupWindow: '1 minute' },
      state: { note: schedule.note },
    });
  } catch (error) {
    if (!(error instanceof ScheduleAlreadyRunning)) throw error;
    await client.schedule.getHandle(schedule.scheduleId).update((previous) => ({ ...previous, spec }));
  }
}

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
    note: 'Reads what changed since its last pass (closed workflows, unconfirmed starts, deadlines long past) and repairs it; see docs/operations.md',
  });
}

export function reconcilerSweepScheduleId(taskQueue: string): string {
  return `booking-reconciler-sweep-${taskQueue}`;
}

/**
 * The reconciler's full sweep of every live booking, for what no pass sees (a running workflow
 * deleted outright, a history lost): rare, and bounded per activity run.
 */
export async function ensureReconcilerSweepSchedule(client: Client, taskQueue: string, intervalSeconds: number): Promise<void> {
  await ensureIntervalSchedule(client, {
    scheduleId: reconcilerSweepScheduleId(taskQueue),
    workflowType: reconcileBookingsWorkflow,
    workflowId: `${reconcilerWorkflowId(taskQueue)}-sweep`,
    taskQueue,
    intervalSeconds,
    summary: 'Sweep every live booking for a closed or missing workflow',
    note: 'Reads every live booking in bounded, resumable steps; see docs/operations.md',
    arg: { sweep: { after: null } },
  });
}

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
